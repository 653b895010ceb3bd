"""A copy of the statements sent to another LRS (both backends here; the other LRS a second
learnloop on loopback, tests/xapi_target.py): learnloop's own statements or all of them, from
now on or from the start; a run stopped half way or an LRS that was down loses nothing and
duplicates nothing there; a statement it refuses stops the copy until an admin skips it; only
settled statements go; the password is kept encrypted; only an admin sets it up."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from learnloop.exceptions import DuplicateName, InvalidInput, NotFound, PermissionDenied
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import LrsCaller, store_statements
from learnloop.services.xapi_forwarding import (
    SETTLE_SECONDS,
    ForwardRun,
    add_forward,
    change_credentials,
    forward_statements,
    remove_forward,
    skip_refused,
)
from learnloop.storage import Database
from learnloop.storage.tables import AuditEvent, XapiForward, XapiStatement
from tests.conftest import World
from tests.smtp_inbox import free_port
from tests.xapi_target import TargetLrs, picky_lrs, target_lrs

KEY = "instance-secret"
BASE = "https://school.example"
LATER = datetime(2100, 1, 1, tzinfo=UTC)  # every statement has settled by then


def _answers(world: World, n: int) -> None:
    items = list(world.course.activities["parts-practice"].items)
    for i in range(n):
        item = items[i % len(items)]
        record_attempt(world.db, world.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(world.course, item, i % 2 == 0))  # fmt: skip


def _outside(n: int, actor: str = "mailto:pupil@school.example") -> list[dict[str, Any]]:
    return [{
        "id": str(uuid.uuid4()), "actor": {"mbox": actor},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": f"https://h5p.school.example/page/{i}"},
    } for i in range(n)]  # fmt: skip


def _count(db: Database, **where: Any) -> int:
    query = select(func.count()).select_from(XapiStatement)
    if where.get("own"):
        query = query.where(XapiStatement.client_id.is_(None))
    with db.reading() as s:
        return int(s.scalar(query) or 0)


def _ids(db: Database) -> set[str]:
    with db.reading() as s:
        return set(s.scalars(select(XapiStatement.id)))


def _add(world: World, target: TargetLrs | str, name: str = "district", scope: str = "own",
         from_start: bool = True) -> None:  # fmt: skip
    endpoint, key, secret = (target, "k", "s") if isinstance(target, str) else (
        target.endpoint, target.key, target.secret)  # fmt: skip
    add_forward(world.db, world.admin, name=name, endpoint=endpoint, username=key,
                password=secret, version="1.0.3", scope=scope, from_start=from_start, key=KEY,
                now=datetime.now(UTC))  # fmt: skip


def _run(
    world: World, now: datetime = LATER, size: int = 100, batches: int = 1000
) -> list[ForwardRun]:
    """One run, allowed ``batches`` steps of its clock (each batch reads it once)."""
    ticks = iter(range(10**6))
    return forward_statements(
        world.db, key=KEY, base=BASE, now=now, until=datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=batches),
        clock=lambda: datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=next(ticks)), size=size,
    )  # fmt: skip


@pytest.fixture
def target(tmp_path: Path, sqlite_template: Path) -> Iterator[TargetLrs]:
    with target_lrs(tmp_path / "target", sqlite_template) as lrs:
        yield lrs


def test_own_statements_then_all_of_them_reach_the_other_lrs_once(
    world: World, caller: LrsCaller, target: TargetLrs
) -> None:
    _answers(world, 7)
    store_statements(world.db, caller, _outside(5), base_url=BASE)
    own = _count(world.db, own=True)
    assert own == 7
    _add(world, target, "own-only", scope="own")
    (run,) = _run(world, size=3)
    assert (run.sent, run.waiting, run.error) == (own, 0, "")
    assert _count(target.db) == own
    with world.db.reading() as s:
        own_ids = set(s.scalars(select(XapiStatement.id).where(XapiStatement.client_id.is_(None))))
    assert _ids(target.db) == own_ids
    assert _run(world)[0].sent == 0  # nothing new: nothing sent

    _add(world, target, "everything", scope="all")  # the same LRS again: the own ones go twice
    runs = {r.name: r for r in _run(world, size=4)}
    assert runs["everything"].sent == own + 5
    assert _ids(target.db) == _ids(world.db)  # each once: the LRS took the same ones as they are
    rows = {r.name: r for r in forwards(world.db, world.admin, base=BASE)}
    assert (rows["everything"].sent, rows["everything"].waiting) == (12, 0)
    assert rows["own-only"].last_success_at is not None


def test_from_now_on_leaves_what_was_stored_before(
    world: World, caller: LrsCaller, target: TargetLrs
) -> None:
    store_statements(world.db, caller, _outside(3), base_url=BASE)
    _add(world, target, scope="all", from_start=False)
    after = _outside(2)
    store_statements(world.db, caller, after, base_url=BASE)
    assert _run(world)[0].sent == 2
    assert _ids(target.db) == {st["id"] for st in after}


def test_only_settled_statements_go(world: World, caller: LrsCaller, target: TargetLrs) -> None:
    _add(world, target, scope="all")
    store_statements(world.db, caller, _outside(2), base_url=BASE)
    with world.db.reading() as s:
        stored = s.scalar(select(func.max(XapiStatement.stored)))
    assert stored is not None
    assert _run(world, now=stored + timedelta(seconds=SETTLE_SECONDS - 1))[0].sent == 0
    assert _run(world, now=stored + timedelta(seconds=SETTLE_SECONDS))[0].sent == 2


def test_a_run_cut_short_and_an_lrs_that_was_down_lose_and_duplicate_nothing(
    world: World, caller: LrsCaller, tmp_path: Path, sqlite_template: Path
) -> None:
    port = free_port()
    with target_lrs(tmp_path / "t", sqlite_template, port=port) as first:
        _add(world, first, scope="all")
        store_statements(world.db, caller, _outside(10), base_url=BASE)
        (cut,) = _run(world, size=3, batches=2)  # the clock allows two batches
        assert (cut.sent, cut.waiting) == (6, 4)
    (down,) = _run(world, size=3)  # nobody listens now
    assert down.sent == 0
    assert "could not be reached" in down.error
    assert not down.refused
    assert forwards(world.db, world.admin, base=BASE)[0].waiting == 4
    with target_lrs(tmp_path / "t", sqlite_template, port=port, again=first) as back:
        (run,) = _run(world, size=3)
        assert (run.sent, run.waiting, run.error) == (4, 0, "")
        assert _ids(back.db) == _ids(world.db)
    assert forwards(world.db, world.admin, base=BASE)[0].error == ""


def test_a_refused_statement_stops_the_copy_until_an_admin_skips_it(
    world: World, caller: LrsCaller
) -> None:
    statements = _outside(7)
    store_statements(world.db, caller, statements, base_url=BASE)
    with picky_lrs(statements[4]["id"]) as picky:
        _add(world, picky.endpoint, scope="all")
        (run,) = _run(world, size=5)
        assert run.refused
        assert (run.sent, run.waiting) == (4, 3)
        assert statements[4]["id"] in run.error
        assert "not one this LRS takes" in run.error
        assert picky.kept == [st["id"] for st in statements[:4]]  # those before it, one by one
        (row,) = forwards(world.db, world.admin, base=BASE)
        assert row.refused_statement == statements[4]["id"]
        assert _run(world)[0].sent == 0  # passed over until someone decides
        with pytest.raises(PermissionDenied):
            skip_refused(world.db, world.educator, name="district", now=datetime.now(UTC))
        assert skip_refused(world.db, world.admin, name="district",
                            now=datetime.now(UTC)) == statements[4]["id"]  # fmt: skip
        with pytest.raises(InvalidInput):
            skip_refused(world.db, world.admin, name="district", now=datetime.now(UTC))
        (after,) = _run(world)
        assert (after.sent, after.waiting, after.error) == (2, 0, "")
        assert picky.kept == [st["id"] for i, st in enumerate(statements) if i != 4]
    with world.db.reading() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.subject == "district")))
    assert actions == ["xapi.forward_added", "xapi.forward_skipped"]


def test_only_an_admin_sets_it_up_and_the_password_is_kept_encrypted(world: World) -> None:
    def add(**change: Any) -> None:
        values = {"name": "district", "endpoint": "https://lrs.example.org/xapi",
                  "username": "learnloop", "password": "the-lrs-secret", "version": "2.0.0",
                  "scope": "all", "from_start": False} | change  # fmt: skip
        viewer = values.pop("viewer", world.admin)
        add_forward(world.db, viewer, key=KEY, now=datetime.now(UTC), **values)  # type: ignore[arg-type]

    with pytest.raises(PermissionDenied):
        add(viewer=world.educator)
    for field, value in [("endpoint", "http://lrs.example.org/xapi/"), ("endpoint", "lrs"),
                         ("version", "1.0"), ("scope", "some"), ("name", " "),
                         ("password", "")]:  # fmt: skip
        with pytest.raises(InvalidInput) as bad:
            add(**{field: value})
        assert bad.value.field == field
    add()
    with pytest.raises(DuplicateName):
        add()
    with world.db.reading() as s:
        row = s.scalar(select(XapiForward))
    assert row is not None
    assert row.endpoint == "https://lrs.example.org/xapi/"
    assert "the-lrs-secret" not in row.secret
    (shown,) = forwards(world.db, world.admin, base=BASE)
    assert (shown.version, shown.scope) == ("2.0.0", "all")
    with pytest.raises(PermissionDenied):
        forwards(world.db, world.learner, base=BASE)
    with pytest.raises(PermissionDenied):
        remove_forward(world.db, world.educator, name="district", now=datetime.now(UTC))
    remove_forward(world.db, world.admin, name="district", now=datetime.now(UTC))
    assert forwards(world.db, world.admin, base=BASE) == []


def test_new_credentials_keep_the_place_after_the_instance_key_changed(
    world: World, target: TargetLrs
) -> None:
    _answers(world, 3)
    _add(world, target)
    assert _run(world)[0].sent == 3
    _answers(world, 2)
    moved = forward_statements(world.db, key="a-new-instance-secret", base=BASE, now=LATER,
                               until=LATER, clock=lambda: datetime.now(UTC))  # fmt: skip
    assert moved[0].sent == 0
    assert "give its credentials again" in moved[0].error
    assert _count(target.db) == 3

    def change(**given: Any) -> None:
        values = {"name": "district", "username": target.key, "password": target.secret,
                  "key": "a-new-instance-secret", "viewer": world.admin} | given  # fmt: skip
        viewer = values.pop("viewer")
        change_credentials(world.db, viewer, now=datetime.now(UTC), **values)  # type: ignore[arg-type]

    with pytest.raises(PermissionDenied):
        change(viewer=world.educator)
    with pytest.raises(NotFound):
        change(name="nobody")
    for field, value in [("endpoint", "http://lrs.example.org/xapi/"), ("username", " "),
                         ("password", "")]:  # fmt: skip
        with pytest.raises(InvalidInput) as bad:
            change(**{field: value})
        assert bad.value.field == field
    with world.db.reading() as s:
        before = s.scalar(select(XapiForward))
    assert before is not None
    change()
    with world.db.reading() as s:
        after = s.scalar(select(XapiForward))
        events = list(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "xapi.forward_credentials_changed")))  # fmt: skip
    assert after is not None
    assert (after.sent_through, after.endpoint) == (before.sent_through, before.endpoint)
    assert after.secret != before.secret
    assert target.secret not in after.secret
    (event,) = events
    assert target.secret not in str(event.details)
    again = forward_statements(world.db, key="a-new-instance-secret", base=BASE, now=LATER,
                               until=LATER, clock=lambda: datetime.now(UTC))  # fmt: skip
    assert (again[0].sent, again[0].error) == (2, "")  # the two after its place, not all five
    assert _ids(target.db) == _ids(world.db)
