"""Everything learnloop keeps about one user, as one JSON document they can download.

The rows are found from the schema (``storage.personal_data``, which the erasure reads too), not
from a list kept by hand: every table with a foreign key to ``users.id`` contributes the rows
that name the user in any such column (a feedback message sent or received, an attempt, a
mastery event...). A table added later is exported without anyone remembering to add it. Added to those: the xAPI statements that mention the user's
learner agent anywhere (as actor, object, instructor, team member...), the xAPI documents stored
for that agent, and the failed logins under their username. Left out, because they are
credentials rather than data about the person: password and session-token hashes.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import learner_agent
from learnloop.adapters.xapi.statements import agent_key, identifier_kind
from learnloop.domain import Viewer
from learnloop.domain.language import N_
from learnloop.storage import Database
from learnloop.storage.personal_data import person_keys, statements_naming, user_rows
from learnloop.storage.tables import LoginFailure, User, XapiDocument

__all__ = ["KEPT_LABELS", "SECRET_COLUMNS", "kept_counts", "learner_export", "linked_names"]

# Credentials, not data about the person: never exported (a copy of a hash helps only an attacker).
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret", "code_hash"})


# What each kind of record is, as the "My data" page names it (marked for the catalogs). A table
# added later and missing here is listed under its own name: nothing kept goes unshown.
KEPT_LABELS = {
    "learner_profiles": N_("Your answers at onboarding (interests, preferences, time)"),
    "learner_courses": N_("The courses you started, with your goal in each"),
    "attempts": N_("Your answers to questions"),
    "withdrawn_answers": N_("Answers withdrawn from your record, with the reason"),
    "mastery": N_("What you have mastered, objective by objective"),
    "mastery_events": N_("How each estimate changed after each answer"),
    "mastery_overrides": N_("Estimates an educator set by hand, with their reason"),
    "memory_cards": N_("Review schedules"),
    "review_events": N_("Reviews"),
    "placements": N_("Placement diagnostics"),
    "score_tests": N_("Score tests"),
    "reflections": N_("Reflections"),
    "project_submissions": N_("Work you handed in"),
    "project_reviews": N_("Feedback on handed-in work"),
    "feedback_messages": N_("Messages to and from educators"),
    "discussion_posts": N_("Discussion posts"),
    "assignments": N_("Assignments"),
    "class_members": N_("Class memberships"),
    "class_groups": N_("Groups you formed"),
    "class_group_members": N_("Group memberships"),
    "reminder_subscriptions": N_("E-mail reminders"),
    "calendar_feeds": N_("Your calendar link (only a fingerprint of it)"),
    "auth_sessions": N_("Signed-in sessions"),
    "recovery_emails": N_("Your address for a forgotten password"),
    "email_links": N_(
        "Links mailed to confirm that address or reset your password (only fingerprints of them)"
    ),
    "totp_factors": N_("Two-step sign-in (its app's key is never shown)"),
    "recovery_codes": N_("Recovery codes for two-step sign-in (only fingerprints of them)"),
    "login_failures": N_("Failed sign-ins under your username"),
    "lti_accounts": N_("Links to your account on other learning platforms (LTI)"),
    "lti_deep_links": N_("Links you placed in another learning platform (LTI)"),
    "lti_scores": N_("Grades sent to another learning platform (LTI)"),
    "xapi_identities": N_("Other names you go by in learning records (xAPI identities)"),
    "xapi_statements": N_("Learning records (xAPI statements) that name you"),
    "xapi_documents": N_("Saved state of learning content (xAPI documents)"),
}


def kept_counts(export: dict[str, Any]) -> list[tuple[str, int]]:
    """(table or record kind, how many) for everything in ``export`` that holds at least one row,
    the known kinds in KEPT_LABELS order, then any other by name."""
    counts = {name: len(rows) for name, rows in export["tables"].items()}
    counts["xapi_statements"] = len(export["xapi_statements"])
    counts["xapi_documents"] = len(export["xapi_documents"])
    order = [k for k in KEPT_LABELS if k in counts] + sorted(set(counts) - set(KEPT_LABELS))
    return [(name, counts[name]) for name in order if counts[name]]


def linked_names(export: dict[str, Any]) -> list[str]:
    """The identities an administrator linked to the account (services.xapi_identities), each as
    a person reads it: an e-mail address, "NAME @ HOME PAGE", an OpenID or a SHA-1; a SHA-1
    worked out from a listed address is not listed again."""
    names: list[str] = []
    for row in export["tables"].get("xapi_identities", []):
        agent = row["agent"]
        if row.get("derived_from"):
            continue
        kind = identifier_kind(agent)
        if kind == "mbox":
            names.append(agent["mbox"].removeprefix("mailto:"))
        elif kind == "account":
            names.append(f"{agent['account']['name']} @ {agent['account']['homePage']}")
        else:
            names.append(agent[kind])
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _rows(s: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    keep = [c for c in table.c if c.name not in SECRET_COLUMNS]
    order = list(table.primary_key.columns)
    result = s.execute(select(*keep).where(where).order_by(*order))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def learner_export(
    db: Database, viewer: Viewer, *, public_url: str, now: datetime
) -> dict[str, Any]:
    """The viewer's own data (nobody else's: the caller is the subject)."""
    key = agent_key(learner_agent(public_url, viewer.username))
    with db.reading() as s:
        user_table: Table = User.__table__  # type: ignore[assignment]
        (user,) = _rows(s, user_table, user_table.c.id == viewer.user_id)
        tables = {
            name: _rows(s, table, where)
            for name, (table, where) in user_rows(viewer.user_id).items()
        }
        failures: Table = LoginFailure.__table__  # type: ignore[assignment]
        tables["login_failures"] = _rows(  # "#<id>": failed codes at the second sign-in step
            s, failures, failures.c.username.in_([viewer.username, f"#{viewer.user_id}"])
        )
        documents: Table = XapiDocument.__table__  # type: ignore[assignment]
        keys = person_keys(s, viewer.user_id, key)
        return {
            "exported_at": now.isoformat(),
            "public_url": public_url,
            "user": user,
            "tables": tables,
            "xapi_agent": learner_agent(public_url, viewer.username),
            "xapi_statements": [st for _, st in statements_naming(s, keys)],
            "xapi_documents": _rows(s, documents, documents.c.agent_key.in_(keys)),
        }
