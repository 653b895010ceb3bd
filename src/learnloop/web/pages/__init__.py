"""Server-rendered pages, grouped by task: accounts, learn, teach, admin."""
