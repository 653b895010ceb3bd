"""Nothing acknowledged is lost, nothing is half-stored: the LRS server is killed with SIGKILL in
the middle of a load of single statements and batches, and restarted (#4 point 5).

A real server (`learnloop serve`, two worker processes) on a real database, loaded by threads that
send statements with their own ids and note which requests were answered 200. After the kill and
a restart, every acknowledged statement is there, and every batch sent, answered or not, is there
whole or not at all."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from learnloop.storage.tables import XapiStatement
from tests.conftest import POSTGRES_URL, scratch_schema

BIN = Path(sys.executable).parent / "learnloop"
BATCH = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _statement(statement_id: str, n: int) -> dict[str, object]:
    return {
        "id": statement_id,
        "actor": {"mbox": f"mailto:learner{n % 50}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": f"http://example.org/activities/a{n % 20}"},
    }


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [BIN, "serve", "--port", str(self.port), "--workers", "2", "--no-access-log"],
                env=self.env, stdout=out, stderr=out, start_new_session=True,
            )  # fmt: skip
        end = time.monotonic() + 30
        while time.monotonic() < end:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                c.request("GET", "/xapi/about")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
            finally:
                c.close()
        raise AssertionError(f"the server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the parent and both workers, at once
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)


class Load:
    """Threads posting single statements and batches until told to stop; what was answered."""

    def __init__(self, port: int, auth: str) -> None:
        self.port, self.auth = port, auth
        self.acked: list[str] = []
        self.batches_sent: list[list[str]] = []
        self.batches_acked = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self, batch: int) -> None:
        n = 0
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {
            "Authorization": f"Basic {self.auth}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
        while not self.stop.is_set():
            ids = [str(uuid.uuid4()) for _ in range(batch)]
            body = [_statement(i, n + k) for k, i in enumerate(ids)]
            n += batch
            if batch > 1:
                with self.lock:
                    self.batches_sent.append(ids)
            try:
                connection.request("POST", "/xapi/statements", json.dumps(body), headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()  # the server is gone (the kill) or not back yet
                time.sleep(0.05)
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            if response.status == 200:
                assert json.loads(answer) == ids
                with self.lock:
                    self.acked.extend(ids)
                    self.batches_acked += batch > 1
        connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lrs.db'}"
        return
    with scratch_schema("kill") as schema:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def test_sigkill_mid_load_loses_nothing_acknowledged(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LEARNLOOP_DATABASE_URL": database_url,
        "LEARNLOOP_SECRET_KEY": "durability-test-" + "k" * 32,
        "LEARNLOOP_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    subprocess.run([BIN, "init", "--no-demo"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [BIN, "lrs-client", "create", "loader"], env=env, check=True, capture_output=True, text=True
    ).stdout
    key = re.search(r"key: (\S+)", created)
    secret = re.search(r"secret: (\S+)", created)
    assert key is not None
    assert secret is not None
    auth = base64.b64encode(f"{key[1]}:{secret[1]}".encode()).decode()

    server = Server(env, tmp_path / "server.log")
    server.start()
    load = Load(server.port, auth)
    threads = [threading.Thread(target=load.run, args=(1,)) for _ in range(6)]
    threads += [threading.Thread(target=load.run, args=(BATCH,)) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while (len(load.acked) < 400 or load.batches_acked < 5) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert load.batches_acked >= 5, "the load did not get going"
        server.kill()  # requests are in flight: the loaders are still sending
        time.sleep(0.3)
        load.stop.set()
        for thread in threads:
            thread.join(30)
        acked = set(load.acked)
        server.start()

        engine = create_engine(database_url)
        with engine.connect() as c:
            stored = set(c.scalars(select(XapiStatement.id)))
        engine.dispose()
        assert acked <= stored, f"{len(acked - stored)} acknowledged statements were lost"
        for ids in load.batches_sent:  # answered or cut off by the kill: whole or absent
            present = sum(i in stored for i in ids)
            assert present in (0, len(ids)), f"a batch was half-stored: {present} of {len(ids)}"

        # The restarted server serves what it acknowledged before the kill.
        sample = sorted(acked)[0]
        web = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        web.request("GET", f"/xapi/statements?statementId={sample}",
                    headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"})  # fmt: skip
        response = web.getresponse()
        found = json.loads(response.read())
        web.close()
        assert response.status == 200
        assert found["id"] == sample
    finally:
        load.stop.set()
        server.stop()
