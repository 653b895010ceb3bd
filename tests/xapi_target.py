"""Another Learning Record Store on loopback, for the tests that send statements to one: a second
learnloop (its own SQLite database, its own LRS client) served by uvicorn in a thread, so that
what it is sent goes through a real HTTP server and a conformant LRS."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import uvicorn
from argon2 import PasswordHasher

from learnloop.config import Settings
from learnloop.services.lrs import create_client
from learnloop.storage import Database
from learnloop.web.app import create_app
from tests.smtp_inbox import free_port

__all__ = ["PickyLrs", "TargetLrs", "picky_lrs", "target_lrs"]


@dataclass
class TargetLrs:
    endpoint: str  # ends in /xapi/
    key: str
    secret: str
    db: Database


@contextmanager
def target_lrs(
    folder: Path, template: Path, *, port: int = 0, again: TargetLrs | None = None
) -> Iterator[TargetLrs]:
    """A learnloop LRS serving at a loopback port (``port``, else a free one), its database a
    copy of ``template``; ``again``: the same LRS started anew (its database and credentials)."""
    folder.mkdir(parents=True, exist_ok=True)
    if again is None:
        shutil.copyfile(template, folder / "target.db")
    db = Database.from_url(f"sqlite:///{folder / 'target.db'}")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if again is None:
        made = create_client(db, hasher, name="learnloop upstream", can_write=True)
        key, secret = made.key, made.secret
    else:
        key, secret = again.key, again.secret
    port = port or free_port()
    settings = Settings(database_url="sqlite://", instance_dir=folder, secret_key="target-secret",
                        public_url=f"http://127.0.0.1:{port}")  # fmt: skip
    app = create_app(settings, database=db, hasher=hasher)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the target LRS did not start")
        time.sleep(0.02)
    try:
        yield TargetLrs(f"http://127.0.0.1:{port}/xapi/", key, secret, db)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.dispose()


@dataclass
class PickyLrs:
    endpoint: str
    kept: list[str] = field(default_factory=list)  # the ids it took, in order


@contextmanager
def picky_lrs(refuse: str) -> Iterator[PickyLrs]:
    """A bare HTTP LRS on loopback that refuses (400) any batch holding the statement ``refuse``
    and keeps the ids of the others."""
    kept: list[str] = []

    class Picky(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = orjson.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ids = [st["id"] for st in body]
            if refuse in ids:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(b"statement.object: not one this LRS takes")
                return
            kept.extend(ids)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(orjson.dumps(ids))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Picky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield PickyLrs(f"http://127.0.0.1:{server.server_address[1]}/xapi/", kept)
    finally:
        server.shutdown()
        server.server_close()
