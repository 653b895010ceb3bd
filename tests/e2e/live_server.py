"""A real learnloop server in a subprocess (SQLite in a temp folder, the demo loaded), and
Debian's Chromium driven by Playwright. Used by the end-to-end tests and scripts/screenshots.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Headless flags that keep Chromium off the network (this machine has none) and quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-password-e2e"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def learnloop(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "learnloop", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


@contextmanager
def live_server(
    workdir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (base URL, environment) of a server on a free loopback port; stop it afterwards.
    ``extra_env``: more settings (the end-to-end tests' SMTP relay)."""
    port = free_port()
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": f"sqlite:///{workdir / 'learnloop.db'}",
        "LEARNLOOP_INSTANCE_DIR": str(workdir / "var"),
        "LEARNLOOP_DEMO_PASSWORD": DEMO_PASSWORD,
        "LEARNLOOP_PORT": str(port),
        **(extra_env or {}),
    }
    learnloop(["init"], env, workdir)
    log_path = workdir / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "learnloop", "serve", "--port", str(port)],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:  # noqa: S310 (loopback)
                    if r.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {log_path.read_text()}") from None
                time.sleep(0.2)
        yield url, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
