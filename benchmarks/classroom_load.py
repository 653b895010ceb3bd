"""A school's load on one machine: learners answering and loading pages at once, over loopback.

product.md promises a platform that "runs on one modest machine for a school (embedded SQLite,
no other service)". This measures what such a machine takes, on the platform's own write path
(an answer: graded, stored, mastery updated, an xAPI statement recorded, in one transaction)
and its busiest pages, on SQLite and on PostgreSQL, two server processes each (one a core):

1. answers: POSTs of the answer form by LEARNERS logged-in learners at random (a right or a
   wrong answer to an item of the course's first objective, which no prerequisite locks), from
   CONNECTIONS connections for SECONDS: answers a second and latency;
2. the learner's home (recommendations with their reasons, reviews due, goal pace) under the
   same load of GETs;
3. an activity page with its questions;
4. the class overview for the educator (a heatmap of the whole class), one connection.

Every page is asked for gzipped, as a browser asks. The learners are real accounts in the demo
class (so the class overview grows by them), created before the clock through the services,
their passwords hashed with light argon2 settings so that logging them in takes seconds.

No peer runs here: the platforms a school would pick instead (Moodle, Kolibri) need their own
servers and content from the internet. The same run compares the two databases.

Usage: classroom_load.py [--learners N] [--seconds S] [--systems sqlite,postgres] [--workers W]
                         [--json OUT]
Prints the result JSON as its last line.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from argon2 import PasswordHasher
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select

from learnloop.services.accounts import register_user
from learnloop.services.courses import add_to_class
from learnloop.services.demo import DEMO_CLASS, DEMO_LEARNERS, answer_for
from learnloop.services.onboarding import complete_onboarding
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import SchoolClass
from lrs_speed import WRK_RESULT, free_port, fresh_postgres, run_wrk, wait_ready

console = Console(stderr=True)

LEARNERS = 200  # about seven classes of thirty sharing the machine
CONNECTIONS = 16  # learners whose request is in flight at any moment
SECONDS = 15
WORKERS = 2  # one server process a core, as docs/operations.md advises
PASSWORD = "bench-only-password"  # noqa: S105 (accounts of a throwaway database)
RESPONSES_PER_ITEM = 4  # right and wrong answers drawn per item, for variety


@dataclass(frozen=True)
class School:
    base: str  # http://127.0.0.1:PORT
    learners: list[str]  # the usernames added
    answers: list[tuple[str, str, str]]  # (activity, item, form body)
    class_id: int


def _answers(url: str) -> tuple[list[tuple[str, str, str]], int]:
    """Form bodies (without the token) of right and wrong answers to the first objective's items,
    as (activity, item, body), and the demo class's id."""
    db = Database.from_url(url)
    try:
        with db.reading() as s:
            class_id, course_id = s.execute(
                select(SchoolClass.id, SchoolClass.course_id).where(SchoolClass.name == DEMO_CLASS)
            ).one()
            course = course_by_id(s, course_id)
    finally:
        db.dispose()
    first = course.graph.topological_order[0]
    rng = np.random.default_rng(2026)
    out = []
    for activity in course.activities_for(first):
        if set(activity.objectives) != {first}:
            continue
        for item in activity.items:
            for n in range(RESPONSES_PER_ITEM):
                response = answer_for(course, item, n % 2 == 0, rng=rng)
                values = response if isinstance(response, list) else [response]
                body = "&".join(f"response={urllib.parse.quote_plus(v)}" for v in values)
                out.append((activity.key, item, body))
    return out, class_id


def _learners(url: str, class_id: int, n: int) -> list[str]:
    db = Database.from_url(url)
    light = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    names = []
    try:
        for i in range(n):
            viewer = register_user(
                db, light, username=f"pupil{i}", password=PASSWORD, display_name=f"Pupil {i:03d}"
            )
            add_to_class(db, class_id=class_id, user_id=viewer.user_id)
            complete_onboarding(
                db, viewer, course_id=None, goal_objective=None, goal_date=None, interests="music",
                preferred_modalities=["interactive"], weekly_minutes=60,
            )  # fmt: skip
            names.append(viewer.username)
    finally:
        db.dispose()
    return names


def _log_in(base: str, username: str) -> tuple[str, str]:
    """The Cookie header of a logged-in browser, and its CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    field = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if field is None:
        raise RuntimeError("no CSRF field on the login page")
    form = {"csrf_token": field[1], "username": username, "password": PASSWORD}
    opener.open(base + "/login", urllib.parse.urlencode(form).encode())
    cookies = {c.name: c.value for c in jar}
    if "ll_session" not in cookies:
        raise RuntimeError(f"{username} could not log in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["ll_csrf"]


def _lua_string(s: str) -> str:
    return json.dumps(s)  # a JSON string of ASCII is a valid Lua string literal


def _script(sessions: list[tuple[str, str]], body: str) -> str:
    table = ",\n".join(f"{{{_lua_string(c)}, {_lua_string(t)}}}" for c, t in sessions)
    return (
        f"local sessions = {{\n{table}\n}}\n"
        "math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))\n" + body + WRK_RESULT
    )


def answer_script(sessions: list[tuple[str, str]], answers: list[tuple[str, str, str]]) -> str:
    rows = ",\n".join(
        f"{{{_lua_string(f'/learn/activities/{a}/items/{i}')}, {_lua_string(b)}}}"
        for a, i, b in answers
    )
    return _script(
        sessions,
        f"local answers = {{\n{rows}\n}}\n"
        """request = function()
  local s = sessions[math.random(#sessions)]
  local a = answers[math.random(#answers)]
  return wrk.format("POST", a[1], {["Cookie"] = s[1], ["Accept-Encoding"] = "gzip",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, "csrf_token=" .. s[2] .. "&" .. a[2])
end
""",
    )


def page_script(sessions: list[tuple[str, str]], path: str) -> str:
    return _script(
        sessions,
        "request = function()\n"
        "  local s = sessions[math.random(#sessions)]\n"
        f'  return wrk.format("GET", {_lua_string(path)}, {{["Cookie"] = s[1], '
        '["Accept-Encoding"] = "gzip"})\nend\n',
    )


def measured(base: str, script: str, seconds: int, connections: int) -> dict[str, float]:
    result = run_wrk(base, script, seconds, connections)
    result["per_second"] = result["requests"] / result["seconds"]
    result["bytes_per_response"] = result["bytes"] / max(result["requests"], 1)  # headers too
    return result


def plain_size(base: str, cookie: str, path: str) -> int:
    """The body's size when the client does not accept gzip."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
        return len(response.read())


@contextmanager
def school(backend: str, work: Path, learners: int, workers: int) -> Iterator[School]:
    """A fresh database with the demo and ``learners`` more learners, served by ``workers``
    processes."""
    bin_dir = Path(sys.executable).parent
    url = (
        f"sqlite:///{work / 'school.db'}"
        if backend == "sqlite"
        else fresh_postgres("learnloop_school")
    )
    env = {**os.environ, "LEARNLOOP_DATABASE_URL": url, "LEARNLOOP_INSTANCE_DIR": str(work),
           "LEARNLOOP_SECRET_KEY": "bench-only-" + "x" * 32,
           "LEARNLOOP_DEMO_PASSWORD": PASSWORD}  # fmt: skip
    subprocess.run([bin_dir / "learnloop", "init"], env=env, check=True, capture_output=True)
    answers, class_id = _answers(url)
    names = _learners(url, class_id, learners)
    port = free_port()
    process = subprocess.Popen(
        [bin_dir / "learnloop", "serve", "--port", str(port), "--workers", str(workers),
         "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/healthz", process)
        yield School(base, names, answers, class_id)
    finally:
        process.terminate()
        process.wait(30)


def measure(
    backend: str, work: Path, learners: int, seconds: int, workers: int
) -> dict[str, object]:
    with school(backend, work, learners, workers) as s:
        base, answers, names = s.base, s.answers, s.learners
        sessions = []
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(f"{backend}: logging {len(names)} learners in", total=len(names))
            for name in names:
                sessions.append(_log_in(base, name))
                bar.advance(task)
        teacher = [_log_in(base, "teacher")]
        activity = f"/learn/activities/{answers[0][0]}"
        overview = f"/teach/classes/{s.class_id}"
        phases = {
            "answers": (answer_script(sessions, answers), CONNECTIONS),
            "home": (page_script(sessions, "/learn"), CONNECTIONS),
            "activity": (page_script(sessions, activity), CONNECTIONS),
            "class_overview": (page_script(teacher, overview), 1),
        }
        out: dict[str, object] = {
            "learners": len(names) + len(DEMO_LEARNERS) + 1,  # the demo's, and its newcomer
            "workers": workers,
            "uncompressed_bytes": {
                "home": plain_size(base, sessions[0][0], "/learn"),
                "activity": plain_size(base, sessions[0][0], activity),
                "class_overview": plain_size(base, teacher[0][0], overview),
            },
        }
        for name, (script, connections) in phases.items():
            console.print(f"{backend}: {name}, {connections} connections, {seconds} s")
            result = measured(base, script, seconds, connections)
            console.print(
                f"  {result['per_second']:,.0f}/s, p50 {result['p50_ms']:.1f} ms, "
                f"p95 {result['p95_ms']:.1f} ms, errors {result['errors']:.0f}, "
                f"{result['bytes_per_response'] / 1024:.1f} KiB a response"
            )
            out[name] = result
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--systems", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    results: dict[str, object] = {"connections": CONNECTIONS, "seconds": args.seconds}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.systems.split(","):
            work = Path(tmp) / backend
            work.mkdir()
            results[backend] = measure(backend, work, args.learners, args.seconds, args.workers)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
