"""The ``learnloop`` command: thin Typer commands over services."""
