"""Sending a store's statements to another LRS (services.xapi_forwarding), beside Ralph copying
them, in one run on one machine.

A source learnloop LRS (SQLite, two workers) is filled with STATEMENTS statements by POSTs of
100, drawn from the same pools as lrs_speed.py. Each system then copies all of them to a fresh
target learnloop LRS (SQLite, two workers) over loopback:

- learnloop: the target added as an LRS that gets every statement from the start, then what
  `learnloop xapi-forward run` runs, beside the running source (it reads the source's database;
  batches of 100);
- Ralph 5.1.0 (in .bench-ralph-venv, ralph_copy.py): its LRS data backend reads the source's
  statements with GET and `more` links and writes them to the target in POSTs of 100: what a
  user of Ralph would run to copy one LRS into another.

Both are timed from their first read to the target's last answer, in their own process already
started, and the target's count is checked afterwards.

Usage: xapi_forwarding.py [--statements N] [--json OUT]
Prints the result JSON as its last line.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).parent))
from lrs_speed import ROOT, learnloop_server

console = Console(stderr=True)
STATEMENTS = 20_000
BATCH = 100
SETTLE_SECONDS = 31  # services.xapi_forwarding sends statements stored 30 s ago
SECRET = "bench-only-" + "x" * 32  # lrs_speed.learnloop_server's instance key
BASE = "http://127.0.0.1:8000"  # the instance's public address (its voiding statements name it)


def statement(rng: random.Random) -> dict[str, object]:
    """A statement from lrs_speed.py's pools (1,000 actors, 10 verbs, 500 activities)."""
    actor, verb = rng.randint(1, 1000), rng.randint(1, 10)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "name": f"Learner {actor}",
                  "mbox": f"mailto:learner{actor}@example.org"},
        "verb": {"id": f"http://example.org/verbs/v{verb}", "display": {"en-US": f"verb {verb}"}},
        "object": {"id": f"http://example.org/activities/a{rng.randint(1, 500)}",
                   "definition": {"name": {"en-US": "Activity"}}},
        "result": {"success": True, "score": {"scaled": 0.9}},
        "context": {"contextActivities": {"parent": [
            {"id": f"http://example.org/courses/c{rng.randint(1, 10)}"}]}},
    }  # fmt: skip


def post(base: str, auth: str, body: list[dict[str, object]]) -> None:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/xapi/statements", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
        answer.read()


def count(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM xapi_statements").fetchone()[0])


def credentials(auth: str) -> tuple[str, str]:
    key, _, secret = base64.b64decode(auth).decode().partition(":")
    return key, secret


def learnloop_forward(source_db: Path, target_base: str, target_auth: str) -> float:
    """Add the target as an LRS that gets every statement from the start, then run what
    `learnloop xapi-forward run` runs, in this process (so that, as for Ralph, an interpreter's
    start is not timed)."""
    from learnloop.services.xapi_forwarding import add_forward, forward_statements
    from learnloop.storage import Database

    db = Database.from_url(f"sqlite:///{source_db}")
    key, secret = credentials(target_auth)
    now = datetime.now(UTC)
    add_forward(db, None, name="bench", endpoint=f"{target_base}/xapi/", username=key,
                password=secret, version="1.0.3", scope="all", from_start=True, key=SECRET,
                now=now)  # fmt: skip
    started = time.perf_counter()
    (run,) = forward_statements(db, key=SECRET, base=BASE, now=datetime.now(UTC),
                                until=now + timedelta(hours=1), clock=lambda: datetime.now(UTC))  # fmt: skip
    seconds = time.perf_counter() - started
    db.dispose()
    if run.error:
        raise RuntimeError(f"the copy failed: {run.error}")
    return seconds


def ralph_copy(source_base: str, source_auth: str, target_base: str, target_auth: str) -> float:
    python = ROOT / ".bench-ralph-venv" / "bin" / "python"
    done = subprocess.run(
        [python, Path(__file__).parent / "ralph_copy.py", source_base, *credentials(source_auth),
         target_base, *credentials(target_auth), str(BATCH)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=STATEMENTS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = random.Random(2026)
    runs: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, learnloop_server("sqlite", Path(tmp)) as source:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("filling the source LRS", total=args.statements)
            for start in range(0, args.statements, BATCH):
                post(source.base, source.auth,
                     [statement(rng) for _ in range(min(BATCH, args.statements - start))])  # fmt: skip
                progress.update(task, advance=BATCH)
        source_db = Path(tmp) / "lrs.db"
        console.print(f"source: {count(source_db)} statements; letting them settle")
        time.sleep(SETTLE_SECONDS)
        for name in ("learnloop", "ralph"):
            work = Path(tmp) / f"target-{name}"
            work.mkdir()
            with learnloop_server("sqlite", work) as target, console.status(f"{name} copying"):
                if name == "learnloop":
                    seconds = learnloop_forward(source_db, target.base, target.auth)
                else:
                    seconds = ralph_copy(source.base, source.auth, target.base, target.auth)
            copied = count(work / "lrs.db")
            runs[name] = {"seconds": seconds, "copied": copied, "per_second": copied / seconds}
            console.print(f"{name}: {copied} statements in {seconds:.1f} s "
                          f"({copied / seconds:.0f}/s)")  # fmt: skip
    results = {"statements": args.statements, "batch": BATCH, **runs,
               "ratio": runs["learnloop"]["per_second"] / runs["ralph"]["per_second"]}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
