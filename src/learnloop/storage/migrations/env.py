"""Alembic environment: runs on the engine handed over in ``config.attributes["engine"]``, or on
the URL in LEARNLOOP_DATABASE_URL when run by the ``alembic`` command."""

from __future__ import annotations

import os

from alembic import context

from learnloop.storage.database import make_engine
from learnloop.storage.tables import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(
    os.environ.get("LEARNLOOP_DATABASE_URL", "sqlite:///var/learnloop.db")
)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
