"""The web layer: ``create_app(settings)`` builds the platform's pages and JSON API."""
