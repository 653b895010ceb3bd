"""The LRS's speed over loopback, beside Ralph's (#4 point 4), in one run on one machine.

Each system gets a fresh store and the same load from wrk (a C load generator, so that the
client takes little of the two cores), with statements drawn from the same pools:

1. single-statement POSTs from an empty store until TARGET statements are stored, measured in
   windows (rate per window: a per-request scan would show as a falling rate);
2. filtered GETs (agent, verb, or activity, one filter a request, values from the pools) with the
   store at that size: p50 / p95 / p99 latency;
3. POSTs of batches of 100 statements.

Systems: learnloop on SQLite (a file, WAL, synchronous=FULL), learnloop on PostgreSQL (database
learnloop_bench on 127.0.0.1, dropped and made anew), Ralph 5.1.0 with its file-system backend
(in .bench-ralph-venv, started by ralph_server.py, which says what is patched). Ralph's POST reads
every stored statement to check ids, so its single-POST phase stops at RALPH_SECONDS rather than
at TARGET; its GETs are then measured at the size it reached, and the JSON says which.

Usage: lrs_speed.py [--target N] [--systems a,b,c] [--json OUT]
Prints the result JSON as its last line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

HERE = Path(__file__).parent
ROOT = HERE.parent
console = Console(stderr=True)

TARGET = 100_000
WINDOW_SECONDS = 10
RALPH_SECONDS = 120  # how long Ralph's single-POST phase may run (its POST slows as it grows)
CONNECTIONS = 16  # concurrent clients for the POST phases
GET_CONNECTIONS = 4
BATCH = 100
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
# Server processes, one a core. SQLite has one writer at a time, but its writers queue on a file
# lock (storage/database.py) and validating requests takes a core of its own: two processes beat
# one on every phase (2026-12-01, eighth session, same machine, one run each: single POSTs 2,015
# against 1,737/s, filtered GET p95 9.5 against 15.8 ms, batches 14,842 against 12,351/s).
# PostgreSQL takes two; Ralph two as well.
WORKERS = {"learnloop-sqlite": 2, "learnloop-postgres": 2, "ralph-fs": 2}

_POOLS = """
local actors, verbs, activities = 1000, 10, 500
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
function statement()
  return string.format(
    '{"actor":{"objectType":"Agent","name":"Learner %d","mbox":"mailto:learner%d@example.org"},'
    .. '"verb":{"id":"http://example.org/verbs/v%d","display":{"en-US":"verb %d"}},'
    .. '"object":{"id":"http://example.org/activities/a%d","definition":{"name":{"en-US":"Activity"}}},'
    .. '"result":{"success":true,"score":{"scaled":0.9}},'
    .. '"context":{"contextActivities":{"parent":[{"id":"http://example.org/courses/c%d"}]}}}',
    math.random(actors), math.random(actors), math.random(verbs), math.random(verbs),
    math.random(activities), math.random(10))
end
"""

WRK_RESULT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%f,"errors":%d,"bytes":%d,"p50_ms":%f,"p95_ms":%f,"p99_ms":%f}\\n',
    summary.requests, summary.duration / 1e6, errors, summary.bytes, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _request_setup(auth: str) -> str:
    return (
        f'wrk.headers["Authorization"] = "Basic {auth}"\n'
        'wrk.headers["X-Experience-API-Version"] = "1.0.3"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def post_script(auth: str, path: str, batch: int) -> str:
    body = "statement()" if batch == 1 else _batch_body(batch)
    return (
        _POOLS + _request_setup(auth) + "request = function()\n"
        f'  return wrk.format("POST", "{path}", nil, {body})\nend\n' + WRK_RESULT
    )


def _batch_body(batch: int) -> str:
    return f'"[" .. table.concat((function() local t = {{}} for i = 1, {batch} do t[i] = statement() end return t end)(), ",") .. "]"'


def get_script(auth: str, path: str) -> str:
    return (
        _POOLS
        + _request_setup(auth)
        + """
local function enc(s) return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
request = function()
  local kind = math.random(3)
  local q
  if kind == 1 then q = "agent=" .. enc('{"mbox":"mailto:learner' .. math.random(actors) .. '@example.org"}')
  elseif kind == 2 then q = "verb=" .. enc("http://example.org/verbs/v" .. math.random(verbs))
  else q = "activity=" .. enc("http://example.org/activities/a" .. math.random(activities)) end
  return wrk.format("GET", "PATH?" .. q .. "&limit=20")
end
""".replace("PATH", path)
        + WRK_RESULT
    )


@dataclass
class Target:
    name: str
    base: str  # e.g. http://127.0.0.1:PORT
    statements_path: str
    auth: str  # base64 of key:secret


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before it was ready")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def wrk(target: Target, script: str, seconds: int, connections: int) -> dict[str, float]:
    return run_wrk(target.base, script, seconds, connections)


def run_wrk(base: str, script: str, seconds: int, connections: int) -> dict[str, float]:
    """wrk with a Lua script ending in WRK_RESULT, at most two threads; its RESULT line."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        done = subprocess.run(
            ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout",
             "10s", "-s", f.name, base],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        os.unlink(f.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line[len("RESULT ") :])
    return result


def fresh_postgres(name: str) -> str:
    """The URL of database ``name`` on the local PostgreSQL, dropped and made anew."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return POSTGRES + name


@contextmanager
def learnloop_server(backend: str, work: Path) -> Iterator[Target]:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    if backend == "sqlite":
        url = f"sqlite:///{work / 'lrs.db'}"
    else:
        url = fresh_postgres("learnloop_bench")
    env["LEARNLOOP_DATABASE_URL"] = url
    env["LEARNLOOP_SECRET_KEY"] = "bench-only-" + "x" * 32
    subprocess.run([bin_dir / "learnloop", "init", "--no-demo"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    created = subprocess.run(
        [bin_dir / "learnloop", "lrs-client", "create", "bench"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    key = re.search(r"key: (\S+)", created)
    secret = re.search(r"secret: (\S+)", created)
    if key is None or secret is None:
        raise RuntimeError(f"no credentials in: {created}")
    port = free_port()
    process = subprocess.Popen(
        [bin_dir / "learnloop", "serve", "--port", str(port), "--workers",
         str(WORKERS[f"learnloop-{backend}"]),
         "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}/xapi/about", process)
        auth = base64.b64encode(f"{key[1]}:{secret[1]}".encode()).decode()
        yield Target(f"learnloop-{backend}", f"http://127.0.0.1:{port}", "/xapi/statements", auth)
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def ralph_server(work: Path) -> Iterator[Target]:
    python = ROOT / ".bench-ralph-venv" / "bin" / "python"
    port = free_port()
    process = subprocess.Popen(
        [python, HERE / "ralph_server.py", str(port), str(work / "ralph"), "bench", "secret",
         str(WORKERS["ralph-fs"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}/__lbheartbeat__", process)
        auth = base64.b64encode(b"bench:secret").decode()
        yield Target("ralph-fs", f"http://127.0.0.1:{port}", "/xAPI/statements", auth)
    finally:
        process.terminate()
        process.wait(30)


def measure(target: Target, goal: int, time_cap: float | None) -> dict[str, object]:
    windows: list[dict[str, float]] = []
    stored = 0
    started = time.monotonic()
    single = post_script(target.auth, target.statements_path, 1)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"{target.name}: single POSTs", total=goal)
        while stored < goal and (time_cap is None or time.monotonic() - started < time_cap):
            run = wrk(target, single, WINDOW_SECONDS, CONNECTIONS)
            ok = run["requests"] - run["errors"]
            stored += int(ok)
            windows.append({"stored_after": stored, "per_second": ok / run["seconds"],
                            "errors": run["errors"], "p95_ms": run["p95_ms"]})  # fmt: skip
            progress.update(task, completed=min(stored, goal))
    rates = [w["per_second"] for w in windows]
    half = len(rates) // 2
    console.print(
        f"{target.name}: {stored} stored by single POSTs, {rates[0]:.0f} → {rates[-1]:.0f}/s"
    )
    gets = wrk(target, get_script(target.auth, target.statements_path), WINDOW_SECONDS,
               GET_CONNECTIONS)  # fmt: skip
    console.print(f"{target.name}: filtered GET p95 {gets['p95_ms']:.1f} ms at {stored} stored")
    batch = wrk(target, post_script(target.auth, target.statements_path, BATCH), WINDOW_SECONDS,
                CONNECTIONS // 4)  # fmt: skip
    batch_rate = (batch["requests"] - batch["errors"]) * BATCH / batch["seconds"]
    console.print(f"{target.name}: batches of {BATCH}: {batch_rate:.0f} statements/s")
    return {
        "single_post": {
            "statements": stored,
            "per_second": sum(w["per_second"] * WINDOW_SECONDS for w in windows)
            / (WINDOW_SECONDS * len(windows)),
            "first_window_per_second": rates[0],
            "last_window_per_second": rates[-1],
            # the machine is shared and single windows are noisy: halves compare better
            "first_half_median": statistics.median(rates[: max(half, 1)]),
            "second_half_median": statistics.median(rates[half:]),
            "errors": sum(w["errors"] for w in windows),
            "windows": windows,
        },
        "filtered_get": {"stored": stored, **gets},
        "batch_post": {
            "batch": BATCH,
            "per_second": batch_rate,
            "errors": batch["errors"],
            "p95_ms": batch["p95_ms"],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=int, default=TARGET)
    parser.add_argument("--systems", default="learnloop-sqlite,learnloop-postgres,ralph-fs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    results: dict[str, object] = {"target": args.target, "workers": WORKERS,
                                  "connections": CONNECTIONS, "window_seconds": WINDOW_SECONDS}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.systems.split(","):
            work = Path(tmp) / name
            work.mkdir()
            if name == "ralph-fs":
                with ralph_server(work) as target:
                    results[name] = measure(target, args.target, RALPH_SECONDS)
            else:
                with learnloop_server(name.removeprefix("learnloop-"), work) as target:
                    results[name] = measure(target, args.target, None)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
