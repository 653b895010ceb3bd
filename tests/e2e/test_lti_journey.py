"""An LTI 1.3 launch in a real browser (Debian's Chromium): a platform on another site
(``localhost`` against learnloop's ``127.0.0.1``) sends its user through the login initiation and
posts its signed launch back across sites, as Moodle does in a new window; learnloop's session
cookie must survive that cross-site post and its redirect."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.e2e.live_server import learnloop
from tests.lti_platform import CLIENT_ID, DEPLOYMENT, Platform

pytestmark = pytest.mark.browser


class _BrowserPlatform:
    """The platform's two pages: its course, with a link that starts the launch, and its
    authentication endpoint, which answers with the signed launch in a form to post."""

    def __init__(self, learnloop_url: str) -> None:
        self.keys = Platform()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path)
                if path.path == "/course":
                    start = (f"{learnloop_url}/lti/login?iss={quote(outer.issuer)}&login_hint=42"
                             f"&target_link_uri={quote(learnloop_url + '/lti/launch')}")  # fmt: skip
                    body = f'<h1>Year 7 Maths</h1><a href="{html.escape(start)}">Fractions in learnloop</a>'
                elif path.path == "/admin":  # the platform's tool registration, learnloop framed
                    query = {k: v[0] for k, v in parse_qs(path.query).items()}
                    frame = (f"{query['tool']}?openid_configuration="
                             f"{quote(outer.issuer + '/.well-known/openid-configuration')}"
                             "&registration_token=reg-1")  # fmt: skip
                    body = ('<h1 id="state">Registering</h1>'
                            f'<iframe title="tool" src="{html.escape(frame)}" width="800" height="400"></iframe>'
                            "<script>window.addEventListener('message', function (e) {"
                            " if (e.data && e.data.subject === 'org.imsglobal.lti.close')"
                            " document.getElementById('state').textContent = 'Closed'; });</script>")  # fmt: skip
                elif path.path == "/.well-known/openid-configuration":
                    self._json({
                        "issuer": outer.issuer, "authorization_endpoint": outer.issuer + "/auth",
                        "token_endpoint": outer.issuer + "/token", "jwks_uri": outer.issuer + "/jwks",
                        "registration_endpoint": outer.issuer + "/registrations",
                    })  # fmt: skip
                    return
                elif path.path == "/jwks":
                    self._json(outer.keys.jwks())
                    return
                elif path.path == "/auth":
                    query = {k: v[0] for k, v in parse_qs(path.query).items()}
                    token = outer.keys.id_token(
                        query["nonce"], iss=outer.issuer,
                        target_link_uri=learnloop_url + "/lti/launch",
                    )  # fmt: skip
                    body = (f'<form method="post" action="{learnloop_url}/lti/launch">'
                            f'<input type="hidden" name="id_token" value="{token}">'
                            f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
                            "<button>Continue to learnloop</button></form>")  # fmt: skip
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # the registration endpoint
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.registered = self.headers.get("Authorization") == "Bearer reg-1"
                self._json({"client_id": "browser-client",
                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": "d-1"}})  # fmt: skip

            def _json(self, value: Any) -> None:
                data = json.dumps(value).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.registered = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://localhost:{self.server.server_address[1]}"  # another site
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def platform(server: Any) -> Iterator[_BrowserPlatform]:
    url, env, workdir = server
    running = _BrowserPlatform(url)
    keys = Path(workdir) / "platform-keys.json"
    keys.write_text(json.dumps(running.keys.jwks()))
    learnloop([
        "lti-platform", "add", "E2E Moodle", "--issuer", running.issuer, "--client-id", CLIENT_ID,
        "--login-url", running.issuer + "/auth", "--token-url", running.issuer + "/token",
        "--deployment", DEPLOYMENT, "--jwks-file", str(keys), "--course", "fractions",
    ], env, workdir)  # fmt: skip
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_a_platform_user_lands_in_learnloop_signed_in(
    server: Any, page: Any, platform: _BrowserPlatform
) -> None:
    url = server[0]
    page.goto(platform.issuer + "/course")
    page.get_by_role("link", name="Fractions in learnloop").click()
    page.get_by_role("button", name="Continue to learnloop").click()  # the cross-site form post
    page.wait_for_url(f"{url}/learn/onboarding")
    assert "Ada Lovelace" in page.content()
    page.goto(f"{url}/learn/progress")  # the session holds on the next page
    assert page.url == f"{url}/learn/progress"


def test_the_platform_registers_learnloop_in_a_frame(server: Any, page: Any) -> None:
    url, env, workdir = server
    running = _BrowserPlatform(url)
    try:
        printed = learnloop(
            ["lti-platform", "invite", "--course", "fractions"], env, workdir
        ).stdout
        code = printed.split("/lti/register/")[1].split()[0]
        page.goto(f"{running.issuer}/admin?tool={quote(f'{url}/lti/register/{code}')}")
        frame = page.frame_locator("iframe[title=tool]")
        frame.get_by_text("learnloop is registered").wait_for()
        assert running.registered
        frame.get_by_role("button", name="Back to the platform").click()
        page.get_by_role("heading", name="Closed").wait_for()
        listed = learnloop(["lti-platform", "list"], env, workdir).stdout
        assert "browser-client" in listed
    finally:
        running.server.shutdown()
        running.server.server_close()
