"""Persistence: SQLAlchemy tables, the database handle, migrations. One code path for SQLite and
PostgreSQL; tables are never reused as API schemas."""

from learnloop.storage.database import Database, make_engine
from learnloop.storage.migrate import upgrade_database

__all__ = ["Database", "make_engine", "upgrade_database"]
