"""Request ids, request logs and metrics: what an operator's tools read."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from uvicorn.logging import DefaultFormatter

from learnloop.cli.log_format import JsonFormatter, logging_config
from learnloop.config import Settings
from learnloop.web.app import create_app
from tests.conftest import World
from tests.web.conftest import login

TOKEN = "metrics-token-for-tests"


def metrics_app(
    world: World, hasher: PasswordHasher, tmp_path: Path, token: str = TOKEN
) -> TestClient:
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test", metrics_token=token
    )
    return TestClient(
        create_app(settings, database=world.db, hasher=hasher), follow_redirects=False
    )


def test_metrics_answer_only_their_token_and_count_by_route_template(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    c = metrics_app(sqlite_world, hasher, tmp_path)
    assert c.get("/metrics").status_code == 401
    assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    login(c, "teacher")
    for _ in range(3):
        assert c.get(f"/teach/classes/{sqlite_world.class_id}").status_code == 200
    r = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    line = next(
        x for x in r.text.splitlines()
        if x.startswith("learnloop_http_requests_total{")
        and 'route="/teach/classes/{class_id}"' in x and 'status="200"' in x
    )  # fmt: skip
    assert float(line.rsplit(" ", 1)[1]) >= 3
    assert f'/teach/classes/{sqlite_world.class_id}"' not in r.text  # never the path itself
    assert "learnloop_http_request_duration_seconds_bucket" in r.text
    disabled = metrics_app(sqlite_world, hasher, tmp_path, token="")
    assert disabled.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_every_response_carries_a_request_id_and_one_log_record(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="learnloop.request"):
        given = client.get(
            "/login?next=/learn&email=someone@example.org", headers={"X-Request-ID": "abc-123"}
        )
        fresh = client.get("/login", headers={"X-Request-ID": "bad id with spaces"})
    assert given.headers["X-Request-ID"] == "abc-123"
    assert len(fresh.headers["X-Request-ID"]) == 32
    records = [r for r in caplog.records if r.name == "learnloop.request"]
    assert [r.request_id for r in records] == ["abc-123", fresh.headers["X-Request-ID"]]
    out = json.loads(JsonFormatter().format(records[0]))
    assert out["route"] == "/login"
    assert out["path"] == "/login"
    assert out["status"] == 200
    assert out["duration_ms"] >= 0
    assert out["logger"] == "learnloop.request"
    assert "someone@example.org" not in json.dumps(out)  # the query string is never logged
    for kind in ("text", "json"):  # uvicorn's access log (the full URL) is off in both formats
        config = logging_config(kind)
        assert config["loggers"]["uvicorn.access"]["handlers"] == []
        assert config["loggers"]["learnloop.request"]["level"] == "INFO"
        quiet = logging_config(kind, access_log=False)  # `learnloop serve --no-access-log`
        assert quiet["loggers"]["learnloop.request"]["level"] == "WARNING"
    text = logging_config("text")["formatters"]["main"]
    formatter = DefaultFormatter(fmt=text["fmt"], use_colors=False)
    assert formatter.format(records[0]) == "INFO:     GET /login 200"  # uvicorn's look


def test_workers_metrics_add_up_in_the_shared_folder(tmp_path: Path) -> None:
    """Two processes count requests in the multiprocess folder; a scrape sees the sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    code = (
        "from learnloop.web.observability import REQUESTS; "
        "REQUESTS.labels('GET', '/learn', '200').inc(); "
        "from learnloop.web.observability import metrics_response; "
        "import sys; status, body, _ = metrics_response('t', 'Bearer t'); "
        "sys.stdout.write(body.decode())"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    line = next(
        x for x in done.stdout.splitlines()
        if x.startswith("learnloop_http_requests_total{") and 'route="/learn"' in x
    )  # fmt: skip
    assert float(line.rsplit(" ", 1)[1]) == 3.0


def test_accepted_statements_are_counted(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    from learnloop.services.lrs import create_client
    from tests.web.test_xapi import VALID, basic

    c = metrics_app(sqlite_world, hasher, tmp_path)
    writer = create_client(sqlite_world.db, hasher, name="h5p", can_write=True)

    def accepted() -> float:
        text = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
        line = next(
            x for x in text.splitlines() if x.startswith("learnloop_xapi_statements_accepted_total")
        )
        return float(line.rsplit(" ", 1)[1])

    before = accepted()
    posted = c.post("/xapi/statements", json=VALID, headers=basic(writer.key, writer.secret))
    assert posted.status_code == 200
    rejected = c.post(
        "/xapi/statements", json=[{"actor": {}}], headers=basic(writer.key, writer.secret)
    )
    assert rejected.status_code == 400
    assert accepted() == before + len(VALID)
