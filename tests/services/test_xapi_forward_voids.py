"""Deleting an account reaches the copies of the person's statements sent to other LRSs (both
backends here; the other LRS a second learnloop on loopback, tests/xapi_target.py): each copy
one got is voided there by learnloop, what it never got is forgotten, an LRS that is down keeps
its voidings for the next run, and a refused voiding is dropped on the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from learnloop.adapters.xapi.learnloop_ids import (
    VOIDED,
    erasure_voiding_statement,
    learner_agent,
    platform_agent,
)
from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain import Viewer
from learnloop.reports.xapi_forwarding import forwards
from learnloop.services.demo_practice import answer_for
from learnloop.services.erasure import delete_account
from learnloop.services.learning import record_attempt
from learnloop.services.lrs import LrsCaller, store_statements
from learnloop.services.xapi_forwarding import (
    ForwardRun,
    add_forward,
    forward_statements,
    skip_refused,
)
from learnloop.storage import Database
from learnloop.storage.tables import AuditEvent, XapiForward, XapiForwardVoid, XapiStatement
from tests.conftest import World
from tests.smtp_inbox import free_port
from tests.xapi_target import TargetLrs, picky_lrs, target_lrs

KEY = "instance-secret"
URL = DEFAULT_PUBLIC_URL  # the learners' agents name this site
LATER = datetime(2100, 1, 1, tzinfo=UTC)  # every statement has settled by then


def _answers(world: World, who: Viewer, n: int) -> None:
    items = list(world.course.activities["parts-practice"].items)
    for i in range(n):
        item = items[i % len(items)]
        record_attempt(world.db, who, activity_key="parts-practice", item_key=item,
                       response=answer_for(world.course, item, i % 2 == 0))  # fmt: skip


def _about(who: Viewer, n: int) -> list[dict[str, Any]]:
    """Statements a tool sends about ``who`` (their learner agent as the actor)."""
    return [{
        "id": str(uuid.uuid4()), "actor": {"objectType": "Agent", **learner_agent(URL, who.username)},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": f"https://h5p.school.example/page/{i}"},
    } for i in range(n)]  # fmt: skip


def _add(world: World, endpoint: str, name: str, scope: str, secret: tuple[str, str]) -> None:
    add_forward(world.db, world.admin, name=name, endpoint=endpoint, username=secret[0],
                password=secret[1], version="1.0.3", scope=scope, from_start=True, key=KEY,
                now=datetime.now(UTC))  # fmt: skip


def _run(world: World, size: int = 100) -> dict[str, ForwardRun]:
    ticks = iter(range(10**6))
    start = datetime(2000, 1, 1, tzinfo=UTC)
    runs = forward_statements(
        world.db, key=KEY, base=URL, now=LATER, until=start + timedelta(seconds=1000),
        clock=lambda: start + timedelta(seconds=next(ticks)), size=size,
    )  # fmt: skip
    return {r.name: r for r in runs}


def _erase(world: World, who: Viewer) -> int:
    erased = delete_account(world.db, world.admin, username=who.username, confirm=who.username,
                            public_url=URL)  # fmt: skip
    return erased.voids


def _ids_of(db: Database, who: Viewer, *, voided: bool) -> set[str]:
    """The ids of the statements naming ``who`` as their actor, voided or not."""
    with db.reading() as s:
        rows = s.execute(select(XapiStatement.id, XapiStatement.statement, XapiStatement.voided))
        return {
            i for i, st, v in rows
            if v == voided and st["actor"].get("account", {}).get("name")
            == who.username
        }  # fmt: skip


def _waiting_voids(world: World) -> int:
    with world.db.reading() as s:
        return len(list(s.scalars(select(XapiForwardVoid.statement_id))))


@pytest.fixture
def two(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[TargetLrs, TargetLrs]]:
    with target_lrs(tmp_path / "a", sqlite_template) as a, \
            target_lrs(tmp_path / "b", sqlite_template) as b:  # fmt: skip
        yield a, b


def test_an_erasure_voids_the_copies_sent_and_forgets_the_unsent(
    world: World, caller: LrsCaller, two: tuple[TargetLrs, TargetLrs]
) -> None:
    own_lrs, all_lrs = two
    _answers(world, world.learner, 4)
    _answers(world, world.other_learner, 3)
    store_statements(world.db, caller, _about(world.learner, 2), base_url=URL)
    _add(world, own_lrs.endpoint, "own-only", "own", (own_lrs.key, own_lrs.secret))
    _add(world, all_lrs.endpoint, "everything", "all", (all_lrs.key, all_lrs.secret))
    first = _run(world)
    assert (first["own-only"].sent, first["everything"].sent) == (7, 9)
    sent_own = _ids_of(own_lrs.db, world.learner, voided=False)
    sent_all = _ids_of(all_lrs.db, world.learner, voided=False)
    assert (len(sent_own), len(sent_all)) == (4, 6)  # the tool's two went only where all go
    _answers(world, world.learner, 2)  # stored after the run: never sent

    assert _erase(world, world.learner) == (4 + 2) + (6 + 2)  # in the erasure's transaction
    rows = {r.name: r for r in forwards(world.db, world.admin, base=DEFAULT_PUBLIC_URL)}
    assert (rows["own-only"].voids_waiting, rows["everything"].voids_waiting) == (4, 6)
    with world.db.reading() as s:
        details = s.scalar(select(AuditEvent.details).where(AuditEvent.action == "account.deleted"))
    assert details is not None
    assert details["copies_to_void"] == 14

    runs = _run(world, size=4)
    assert (runs["own-only"].voided, runs["own-only"].voids_waiting) == (4, 0)
    assert (runs["everything"].voided, runs["everything"].voids_waiting) == (6, 0)
    assert (runs["own-only"].sent, runs["everything"].sent) == (0, 0)  # the unsent are gone here
    assert _waiting_voids(world) == 0  # those never sent are forgotten, not voided
    assert _ids_of(own_lrs.db, world.learner, voided=True) == sent_own
    assert _ids_of(all_lrs.db, world.learner, voided=True) == sent_all
    assert _ids_of(all_lrs.db, world.learner, voided=False) == set()
    assert len(_ids_of(all_lrs.db, world.other_learner, voided=False)) == 3  # a classmate's stay
    with all_lrs.db.reading() as s:
        voiding = list(s.scalars(select(XapiStatement.statement)))
    voiding = [st for st in voiding if st["verb"]["id"].endswith("/voided")]
    assert {st["object"]["id"] for st in voiding} == sent_all
    assert all(st["actor"] == platform_agent(URL) for st in voiding)  # not the person
    again = _run(world)
    assert (again["everything"].voided, again["own-only"].voided) == (0, 0)


def test_an_lrs_that_is_down_keeps_its_voidings_for_the_next_run(
    world: World, tmp_path: Path, sqlite_template: Path
) -> None:
    port = free_port()
    with target_lrs(tmp_path / "t", sqlite_template, port=port) as first:
        _add(world, first.endpoint, "district", "own", (first.key, first.secret))
        _answers(world, world.learner, 5)
        assert _run(world)["district"].sent == 5
    _erase(world, world.learner)
    down = _run(world, size=2)["district"]
    assert (down.voided, down.voids_waiting) == (0, 5)
    assert "could not be reached" in down.error
    assert forwards(world.db, world.admin, base=DEFAULT_PUBLIC_URL)[0].voids_waiting == 5
    with target_lrs(tmp_path / "t", sqlite_template, port=port, again=first) as back:
        run = _run(world, size=2)["district"]
        assert (run.voided, run.voids_waiting, run.error) == (5, 0, "")
        assert len(_ids_of(back.db, world.learner, voided=True)) == 5
        assert _ids_of(back.db, world.learner, voided=False) == set()


def test_a_refused_voiding_is_dropped_on_the_audit_trail(world: World) -> None:
    _answers(world, world.learner, 3)
    with world.db.reading() as s:
        ids = list(s.scalars(select(XapiStatement.id).order_by(XapiStatement.seq)))
    refused = erasure_voiding_statement(URL, target=ids[1], when=LATER)["id"]
    with picky_lrs(refused) as picky:
        _add(world, picky.endpoint, "district", "own", ("k", "s"))
        assert _run(world)["district"].sent == 3
        _erase(world, world.learner)
        run = _run(world)["district"]
        assert (run.voided, run.voids_waiting) == (2, 0)
        assert ids[1] in run.error
        assert "not one this LRS takes" in run.error
        assert picky.kept[3:] == [erasure_voiding_statement(URL, target=i, when=LATER)["id"]
                                  for i in (ids[0], ids[2])]  # fmt: skip
    with world.db.reading() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "xapi.forward_void_refused"))
    assert event is not None
    assert event.subject == "district"
    assert event.details["statement"] == ids[1]


def test_only_copies_an_lrs_may_hold_are_queued_and_a_voiding_is_not_voided(
    world: World, caller: LrsCaller
) -> None:
    about = _about(world.learner, 3)
    store_statements(world.db, caller, about, base_url=URL)
    withdrawn = {**_about(world.learner, 1)[0], "verb": {"id": VOIDED},
                 "object": {"objectType": "StatementRef", "id": about[0]["id"]}}  # fmt: skip
    store_statements(world.db, caller, [withdrawn], base_url=URL)
    _answers(world, world.learner, 2)
    _add(world, "https://own.example.org/xapi/", "own-only", "own", ("k", "s"))
    _add(world, "https://all.example.org/xapi/", "everything", "all", ("k", "s"))
    assert _erase(world, world.learner) == 2 + (3 + 2)  # a tool's only where all go; no voiding
    with world.db.reading() as s:
        queued = s.execute(select(XapiForward.name, XapiForwardVoid.statement_id).join(
            XapiForward, XapiForward.id == XapiForwardVoid.forward_id)).all()  # fmt: skip
    assert {i for name, i in queued if name == "everything"} >= {st["id"] for st in about}
    assert withdrawn["id"] not in {i for _, i in queued}
    assert not {st["id"] for st in about} & {i for name, i in queued if name == "own-only"}


def test_an_lrs_added_from_now_on_is_not_asked_to_void_what_it_never_got(
    world: World, two: tuple[TargetLrs, TargetLrs]
) -> None:
    target, _ = two
    _answers(world, world.learner, 3)  # stored before the LRS was added
    add_forward(world.db, world.admin, name="district", endpoint=target.endpoint,
                username=target.key, password=target.secret, version="1.0.3", scope="own",
                from_start=False, key=KEY, now=datetime.now(UTC))  # fmt: skip
    _answers(world, world.learner, 2)
    assert _run(world)["district"].sent == 2
    sent = _ids_of(target.db, world.learner, voided=False)
    assert len(sent) == 2
    assert _erase(world, world.learner) == 2  # not the three it never got
    run = _run(world)["district"]
    assert (run.voided, run.voids_waiting, run.error) == (2, 0, "")
    assert _ids_of(target.db, world.learner, voided=True) == sent


def test_a_statement_refused_and_skipped_there_is_not_voided_there(world: World) -> None:
    _answers(world, world.learner, 3)
    with world.db.reading() as s:
        ids = list(s.scalars(select(XapiStatement.id).order_by(XapiStatement.seq)))
    with picky_lrs(ids[1]) as picky:
        _add(world, picky.endpoint, "district", "own", ("k", "s"))
        stopped = _run(world)["district"]
        assert (stopped.sent, stopped.refused) == (1, True)
        assert skip_refused(world.db, world.admin, name="district", now=LATER) == ids[1]
        assert _run(world)["district"].sent == 1  # the one after it
        assert picky.kept == [ids[0], ids[2]]
        assert _erase(world, world.learner) == 2  # not 3: it never got the skipped one
        run = _run(world)["district"]
        assert (run.voided, run.voids_waiting, run.error) == (2, 0, "")
        assert picky.kept[2:] == [erasure_voiding_statement(URL, target=i, when=LATER)["id"]
                                  for i in (ids[0], ids[2])]  # fmt: skip
