"""Rows written with plain SQL into a database at an old revision, before a migration's test
upgrades it: a course, class 1 ("7B") on it, a teacher (user 1) and a learner (user 2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text


def class_with_teacher_and_learner(c: Connection, at: datetime) -> None:
    c.execute(
        text(
            "INSERT INTO courses (id, slug, title, content, content_hash, updated_at)"
            " VALUES (1, 'c', 'C', '{}', 'h', :t)"
        ),
        {"t": at},
    )
    c.execute(
        text("INSERT INTO classes (id, name, course_id, created_at) VALUES (1, '7B', 1, :t)"),
        {"t": at},
    )
    for user_id, name, role in ((1, "teacher", "educator"), (2, "lea", "learner")):
        c.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, role,"
                " created_at) VALUES (:id, :name, :name, 'x', :role, :t)"
            ),
            {"id": user_id, "name": name, "role": role, "t": at},
        )
