"""One learner's model changes one transaction at a time.

An answer reads the learner's mastery rows, updates them and adds those it lacks; so do an answer
reported over xAPI, the placement diagnostic's result and an educator's override. Locking the
rows read (``FOR UPDATE``) keeps two such changes from overwriting each other, but not from both
adding the row of an objective neither had: on PostgreSQL, two answers of one learner at once (a
double click, two tabs) both inserted it, and the second failed with a duplicate key (20 failed
answers in the first run of benchmarks/classroom_load.py). So each of them first locks the learner's
user row, and the second waits for the first to commit, then reads what it wrote.

``FOR NO KEY UPDATE``: it does not block the rows that other transactions add referring to the
user (their foreign-key checks take a key-share lock), only the other changes to this model. On
SQLite the transaction already holds the database's only write lock, and nothing is rendered.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.storage.tables import User

__all__ = ["lock_learner_model"]


def lock_learner_model(s: Session, user_id: int) -> None:
    """Wait for, then hold until the caller's transaction ends, the right to change the learner
    model of ``user_id``."""
    s.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
