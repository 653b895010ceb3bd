"""The whole audit trail for admins: searched by who, what, about what and when, newest first, a
page at a time with links that keep the search; downloaded as CSV (itself recorded), and as
JSON with the details whole."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.services.audit import record_event
from learnloop.storage.tables import AuditEvent
from tests.conftest import World
from tests.web.conftest import role_token

DAY = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def fill(w: World) -> None:
    """Sixty changes over sixty days, one a day, by two admins and the command line."""
    with w.db.transaction() as s:
        for n in range(60):
            actor = ("admin", "admin2", "operator")[n % 3]
            record_event(s, actor=actor, action="class.members_added" if n % 2 else "course.updated",
                         subject=f"class-{n:02d}", now=DAY + timedelta(days=n),
                         details={"n": n, "note": "x" * (400 if n == 59 else 1)})  # fmt: skip


def test_the_admin_searches_and_pages_through_the_trail(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    fill(sqlite_world)
    admin = clients["admin"]
    assert '<a href="/admin/audit">' in admin.get("/admin").text
    page = admin.get("/admin/audit", params={"since": "2026-09-01", "until": "2026-10-30"})
    assert page.status_code == 200
    assert "60 changes found" in page.text
    rows = re.findall(
        r"<tr><td>([\d-]+ [\d:]+)</td><td>(\w+)</td><td>([\w.]+)</td><td>(class-\d+)</td>",
        page.text,
    )
    assert len(rows) == 50
    assert rows[0] == ("2026-10-30 08:00", "operator", "class.members_added", "class-59")  # newest
    assert "…</code>" in page.text  # the long details cut on the page
    older = re.search(r'href="(/admin/audit\?[^"]+offset=50)" rel="next"', page.text)
    assert older
    second = admin.get(older.group(1).replace("&amp;", "&"))
    assert len(re.findall(r"<td>class-\d+</td>", second.text)) == 10
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text

    narrowed = admin.get("/admin/audit", params={
        "actor": "ADMIN2", "action": "class.members_added", "subject": "class-5",
        "since": "2026-10-01", "until": "2026-10-30",
    })  # fmt: skip
    found = re.findall(r"<td>(class-\d+)</td>", narrowed.text)
    assert found == ["class-55"]  # of class-50 to 59, by admin2 (not admin): 52, 55, 58; odd: 55
    bad = admin.get("/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 400
    assert "give a day as YYYY-MM-DD" in bad.text
    backwards = admin.get("/admin/audit", params={"since": "2026-10-02", "until": "2026-10-01"})
    assert "the last day comes before the first" in backwards.text


def test_the_download_has_every_match_whole_and_is_recorded(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    fill(sqlite_world)
    with sqlite_world.db.transaction() as s:  # a subject a spreadsheet would run as a formula
        record_event(s, actor="admin", action="class.created", subject="=HYPERLINK(1)",
                     now=DAY, details={})  # fmt: skip
    got = clients["admin"].get("/admin/audit.csv", params={"action": "course.updated"})
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith('attachment; filename="audit-trail-')
    table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert table[0] == ["at_utc", "actor", "action", "subject", "details"]
    assert len(table) == 31
    assert table[1][:4] == ["2026-10-29 08:00:00", "admin2", "course.updated", "class-58"]
    everything = list(csv.reader(io.StringIO(
        clients["admin"].get("/admin/audit.csv").content.decode("utf-8-sig"))))  # fmt: skip
    assert "'=HYPERLINK(1)" in [row[3] for row in everything]
    assert any(len(row[4]) > 400 for row in everything)  # details whole
    with sqlite_world.db.reading() as s:
        recorded = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.downloaded")
            .order_by(AuditEvent.id)
        ).all()  # fmt: skip
    assert [(e.actor, e.details) for e in recorded] == [
        ("admin", {"action": "course.updated"}), ("admin", {}),
    ]  # fmt: skip


def test_the_api_answers_with_the_details_whole(client: TestClient, sqlite_world: World) -> None:
    fill(sqlite_world)
    headers = {"Authorization": f"Bearer {role_token(client, sqlite_world, 'admin')}"}
    first = client.get("/api/v1/admin/audit", params={"subject": "class-59"}, headers=headers)
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["next_offset"]) == (1, None)
    assert body["entries"][0]["details"] == {"n": 59, "note": "x" * 400}
    paged = client.get("/api/v1/admin/audit", params={"limit": 20, "offset": 20, "until": "2026-10-30"},
                       headers=headers).json()  # fmt: skip
    assert (paged["total"], paged["next_offset"], len(paged["entries"])) == (60, 40, 20)
    bad = client.get("/api/v1/admin/audit", params={"until": "soon"}, headers=headers)
    assert (bad.status_code, bad.json()["field"]) == (400, "until")
