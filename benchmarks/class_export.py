"""A class's answers as a CSV download: how fast it goes out and whether the server's memory
stays flat as the class's history grows (reports/class_exports.py streams it in pages).

For each database (a SQLite file, PostgreSQL when it runs): ``learnloop init`` makes the demo
class, LEARNERS more learners join it, and answers are added straight into the table (a
benchmark's shortcut: the export reads them, it does not care how they came) until the class
holds each size in turn. At each size the class's educator downloads
``/teach/classes/{id}/answers.csv`` over loopback from one server process, uncompressed, REPEATS
times; the median time, the time to the first byte, the rows and the bytes are reported, with
the server's memory during the downloads above what it held before them: its own (anonymous)
memory at its highest, sampled every 5 ms, and all its resident pages at their peak (Linux's
VmHWM, reset through /proc/PID/clear_refs before each size), which also counts the database
file's pages that SQLite's memory map brings in (shared with the page cache, given back under
pressure).

The peer is what a school's administrator with access to the database would use instead: the
database's own CSV writer (``sqlite3 -csv``, ``psql \\copy ... TO STDOUT CSV``) on the same
join, in the same run. It is the floor: no HTTP, no login, no formula escaping, no course
lookups. The ratio says what the download costs above it.

Usage: class_export.py [--sizes 20000,200000] [--systems sqlite,postgres] [--json OUT]
Prints the result JSON as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, insert, select

from learnloop.domain import Role
from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.demo import DEMO_CLASS
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Attempt, ClassMember, SchoolClass

sys.path.insert(0, str(Path(__file__).parent))
from classroom_load import _log_in
from lrs_speed import free_port, fresh_postgres, wait_ready

console = Console(stderr=True)
LEARNERS = 186  # with the demo's 14: a year group of 200
SIZES = (20_000, 200_000)  # a class's term, and a year group's year of daily practice
REPEATS = 3
INSERT_BATCH = 10_000
PASSWORD = "bench-only-password"  # noqa: S105 (accounts of a throwaway database)
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
ANSWER_TEXTS = ("3/4", "-3", "1/2", "five twelfths", "0.75")  # one a spreadsheet would run

PEER_SQL = (
    "SELECT a.created_at, u.username, u.display_name, a.activity_key, a.item_key, "
    "a.answer_text, a.correct, a.counted, a.misconceptions, a.statement_id "
    "FROM attempts a JOIN users u ON u.id = a.user_id "
    "JOIN class_members m ON m.user_id = a.user_id "
    "WHERE m.class_id = {class_id} AND m.role = 'learner' AND a.course_id = {course_id} "
    "ORDER BY a.created_at, a.id"
)


def _class(db: Database) -> tuple[int, int, list[tuple[str, str]], list[int]]:
    """The demo class's id, its course's id, (activity, item) pairs, and its learners' ids."""
    with db.reading() as s:
        class_id, course_id = s.execute(
            select(SchoolClass.id, SchoolClass.course_id).where(SchoolClass.name == DEMO_CLASS)
        ).one()
        course = course_by_id(s, course_id)
        learners = list(
            s.scalars(
                select(ClassMember.user_id).where(
                    ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value
                )
            )
        )
    pairs = [(a.key, i) for a in course.activities.values() for i in a.items]
    return class_id, course_id, pairs, learners


def _add_learners(db: Database, class_id: int) -> None:
    light = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    for i in range(LEARNERS):
        viewer = register_user(
            db, light, username=f"pupil{i}", password=PASSWORD, display_name=f"Pupil {i:03d}"
        )
        add_to_class(db, class_id=class_id, user_id=viewer.user_id)


def _fill(db: Database, course_id: int, pairs: list[tuple[str, str]], learners: list[int],
          target: int, bar: Progress) -> int:  # fmt: skip
    """Answers added until the course holds ``target``; how many it holds."""
    with db.reading() as s:
        held = s.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.course_id == course_id)) or 0  # fmt: skip
    task = bar.add_task(f"answers up to {target:,}", total=max(target - held, 0))
    n = held
    while n < target:
        rows = []
        for k in range(n, min(n + INSERT_BATCH, target)):
            activity, item = pairs[k % len(pairs)]
            rows.append({
                "user_id": learners[k % len(learners)], "course_id": course_id,
                "activity_key": activity, "item_key": item, "response": "x",
                "answer_text": ANSWER_TEXTS[k % len(ANSWER_TEXTS)], "correct": k % 3 != 0,
                "misses_before": 0, "counted": True, "feedback": {},
                "created_at": T0 + timedelta(seconds=37 * k), "misconceptions": "",
            })  # fmt: skip
        with db.transaction() as s:
            s.execute(insert(Attempt), rows)
        bar.advance(task, len(rows))
        n += len(rows)
    return n


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


@contextmanager
def _anon_peak(pid: int) -> Iterator[list[int]]:
    """The process's anonymous resident memory at its highest while the block runs (KiB)."""
    peak = [_memory_kib(pid, "RssAnon")]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], _memory_kib(pid, "RssAnon"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def _download(base: str, cookie: str, class_id: int) -> tuple[float, float, int, int]:
    """Seconds to the last byte and to the first, the rows and the bytes of one download."""
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/teach/classes/{class_id}/answers.csv", headers={"Cookie": cookie}
    )
    start = time.perf_counter()
    first = 0.0
    size = lines = 0
    with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
        while chunk := response.read1(1 << 16):
            if not size:
                first = time.perf_counter() - start
            size += len(chunk)
            lines += chunk.count(b"\n")  # no answer here holds a line break
    return time.perf_counter() - start, first, lines - 1, size


def _peer(backend: str, url: str, work: Path, class_id: int, course_id: int) -> tuple[float, int]:
    """The database's own CSV writer on the same join: seconds and bytes."""
    sql = PEER_SQL.format(class_id=class_id, course_id=course_id)
    if backend == "sqlite":
        command = ["sqlite3", "-csv", "-header", str(work / "school.db"), sql]
    else:
        command = ["psql", url.replace("postgresql+psycopg", "postgresql"), "-X", "-q", "-c",
                   f"\\copy ({sql}) TO STDOUT WITH CSV HEADER"]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, len(done.stdout)


@contextmanager
def _server(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen(
        [Path(sys.executable).parent / "learnloop", "serve", "--port", str(port), "--workers",
         "1", "--no-access-log"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/healthz", process)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(30)


def measure(backend: str, work: Path, sizes: list[int]) -> dict[str, object]:
    url = f"sqlite:///{work / 'school.db'}" if backend == "sqlite" else fresh_postgres(
        "learnloop_export")  # fmt: skip
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": url,
        "LEARNLOOP_INSTANCE_DIR": str(work),
        "LEARNLOOP_SECRET_KEY": "bench-only-" + "x" * 32,
        "LEARNLOOP_DEMO_PASSWORD": PASSWORD,
    }
    subprocess.run([Path(sys.executable).parent / "learnloop", "init"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    db = Database.from_url(url)
    try:
        class_id, course_id, pairs, _ = _class(db)
        _add_learners(db, class_id)
        learners = _class(db)[3]
        out: dict[str, object] = {"learners": len(learners), "sizes": {}}
        for size in sizes:
            with Progress(console=console, transient=True) as bar:
                held = _fill(db, course_id, pairs, learners, size, bar)
            with _server(env) as (base, pid):
                cookie, _ = _log_in(base, "teacher")
                _download(base, cookie, class_id)  # warm: imports, caches, the course parsed
                before = _memory_kib(pid, "VmRSS")
                anon_before = _memory_kib(pid, "RssAnon")
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM back to VmRSS
                with _anon_peak(pid) as anon:
                    runs = [_download(base, cookie, class_id) for _ in range(REPEATS)]
                peak = _memory_kib(pid, "VmHWM")
            peer = [_peer(backend, url, work, class_id, course_id) for _ in range(REPEATS)]
            seconds = statistics.median(r[0] for r in runs)
            peer_seconds = statistics.median(p[0] for p in peer)
            rows = runs[0][2]
            result = {
                "answers_in_course": held, "rows": rows, "bytes": runs[0][3],
                "seconds": seconds, "first_byte_ms": 1000 * statistics.median(r[1] for r in runs),
                "rows_per_second": rows / seconds,
                "server_rss_kib_before": before, "server_peak_above_kib": peak - before,
                "server_anon_peak_above_kib": anon[0] - anon_before,
                "peer_seconds": peer_seconds, "peer_bytes": peer[0][1],
                "ratio_to_peer": seconds / peer_seconds,
            }  # fmt: skip
            console.print(
                f"{backend} {rows:,} rows: {seconds:.2f} s ({rows / seconds:,.0f} rows/s, first "
                f"byte {result['first_byte_ms']:.0f} ms), server's own memory +"
                f"{(anon[0] - anon_before) / 1024:.1f} MiB (all resident +{(peak - before) / 1024:.1f}"
                f" MiB); the database's own CSV {peer_seconds:.2f} s ({seconds / peer_seconds:.1f}x)"
            )
            out["sizes"][str(size)] = result  # type: ignore[index]
        return out
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--systems", default="sqlite,postgres")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results: dict[str, object] = {"repeats": REPEATS}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.systems.split(","):
            work = Path(tmp) / backend
            work.mkdir()
            results[backend] = measure(backend, work, sizes)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
