"""The other side of an LTI 1.3 launch, for the tests: a platform with its own RSA key, which
publishes its key set and signs id_tokens the way Moodle or Canvas does (the claims of the IMS LTI
1.3 core specification's resource-link launch)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import jwt

from learnloop.adapters.lti import CLAIM, new_tool_key
from learnloop.services.lti import LaunchResult, begin_login, complete_launch
from learnloop.services.lti_platforms import PlatformRegistration, register_platform
from learnloop.storage import Database
from learnloop.storage.tables import LtiDeepLink

if TYPE_CHECKING:
    from tests.conftest import World

ISSUER = "https://moodle.example.org"
CLIENT_ID = "learnloop-client-7"
DEPLOYMENT = "deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class Platform:
    """One platform key (``kid``); ``id_token`` signs a launch, with claims overridden or removed
    (a value of None drops the claim)."""

    def __init__(self) -> None:
        self.key = new_tool_key()
        self.kid = self.key.kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk()]}

    def claims(self, nonce: str, /, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "moodle-user-42",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": "Ada Lovelace",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": "http://127.0.0.1:8000/lti/launch",
            CLAIM + "resource_link": {"id": "link-1", "title": "Fractions practice"},
            CLAIM + "context": {"id": "course-99", "title": "Year 7 Maths", "label": "Y7M"},
            CLAIM + "roles": [LEARNER],
        }
        for name, value in changes.items():
            bare = (
                name in claims
                or name.startswith("https://")
                or name in ("azp", "nbf", "given_name", "family_name", "email")
            )
            claim = name if bare else CLAIM + name
            if value is None:
                claims.pop(claim, None)
            else:
                claims[claim] = value
        return claims

    def id_token(self, nonce: str, /, *, kid: str | None = None, **changes: Any) -> str:
        return jwt.encode(
            self.claims(nonce, **changes), self.key.private_pem, algorithm="RS256",
            headers={"kid": kid or self.kid},
        )  # fmt: skip


def state_and_nonce(auth_url: str) -> tuple[str, str]:
    """What the tool's authentication request carries (the platform signs the nonce back)."""
    query = parse_qs(urlsplit(auth_url).query)
    return query["state"][0], query["nonce"][0]


def registration(platform: Platform, **changes: Any) -> PlatformRegistration:
    """The registration of ``platform`` (new platform courses on the demo course), changed."""
    fields: dict[str, Any] = {
        "name": "School Moodle", "issuer": ISSUER, "client_id": CLIENT_ID,
        "auth_login_url": ISSUER + "/mod/lti/auth.php", "auth_token_url": ISSUER + "/mod/lti/token.php",
        "deployments": (DEPLOYMENT,), "jwks": platform.jwks(), "course_slug": "fractions",
    }  # fmt: skip
    fields.update(changes)
    return PlatformRegistration(**fields)


def register(world: World, platform: Platform, **changes: Any) -> int:
    """Register ``platform`` on the world's database."""
    return register_platform(world.db, registration(platform, **changes))


def pending_deep_link(world: World) -> str:
    """A deep-linking request of the world's educator for their class, as their launch leaves it."""
    platform_id = register(world, Platform(), name=f"Moodle {secrets.token_hex(3)}",
                           client_id=secrets.token_hex(4))  # fmt: skip
    link_id = secrets.token_urlsafe(24)
    with world.db.transaction() as s:
        s.add(LtiDeepLink(
            id=link_id, platform_id=platform_id, user_id=world.educator.user_id,
            class_id=world.class_id, deployment_id=DEPLOYMENT,
            return_url=ISSUER + "/mod/lti/contentitem_return.php", data="moodle-data-1",
            accept_multiple=True, accept_line_items=True, created_at=datetime.now(UTC),
        ))  # fmt: skip
    return link_id


class PlatformServer:
    """The platform's service endpoints over real HTTP on 127.0.0.1: its token endpoint (which
    checks the tool's client assertion against the key set the tool publishes, as a platform
    does), a line item's scores, a course's roster in pages, its own key set, and its OpenID
    configuration and registration endpoint for dynamic registration. ``down`` makes every endpoint
    answer 503; ``errors`` holds what a malformed request broke (a test asserts it stays empty)."""

    def __init__(self, tool_keys: dict[str, Any]) -> None:
        self.tool_keys = tool_keys
        self.scores: list[dict[str, Any]] = []
        self.scopes: list[str] = []  # of each token request
        self.roster: list[list[dict[str, Any]]] = []  # members, page by page
        self.jwks: dict[str, Any] = {"keys": []}  # the platform's own public keys, at /jwks
        self.jwks_fetches = 0
        self.registrations: list[dict[str, Any]] = []  # dynamic registrations received
        self.configuration_changes: dict[str, Any] = {}  # to break the OpenID configuration
        self.down = False
        self.errors: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._guarded(self._post)

            def do_GET(self) -> None:
                self._guarded(self._get)

            def _guarded(self, handle: Any) -> None:
                if outer.down:
                    self._answer(503, {})
                    return
                try:
                    handle()
                except Exception as exc:  # a broken request: say so, and fail the test
                    outer.errors.append(repr(exc))
                    self._answer(500, {})

            def _post(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path = urlsplit(self.path)
                if path.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    key = jwt.PyJWKSet.from_dict(outer.tool_keys).keys[0].key
                    claims = jwt.decode(form["client_assertion"], key, algorithms=["RS256"],
                                        audience=outer.url + "/token")  # fmt: skip
                    assert (claims["iss"], claims["sub"]) == (CLIENT_ID, CLIENT_ID)
                    assert form["grant_type"] == "client_credentials"
                    outer.scopes.append(form["scope"])
                    self._answer(200, {"access_token": "tok-1", "token_type": "Bearer"})
                elif path.path == "/registrations":
                    assert self.headers["Authorization"] == "Bearer reg-token-1"
                    outer.registrations.append(json.loads(body))
                    self._answer(200, {
                        "client_id": "dyn-client-1",
                        "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": "dep-9"},
                    })  # fmt: skip
                elif path.path == "/lineitems/7/lineitem/scores" and path.query == "type_id=2":
                    assert self.headers["Authorization"] == "Bearer tok-1"
                    assert self.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
                    outer.scores.append(json.loads(body))
                    self._answer(200, {})
                else:
                    self._answer(404, {})

            def _get(self) -> None:
                path = urlsplit(self.path)
                if path.path == "/jwks":
                    outer.jwks_fetches += 1
                    self._answer(200, outer.jwks)
                    return
                if path.path == "/.well-known/openid-configuration":
                    self._answer(200, {
                        "issuer": outer.url, "authorization_endpoint": outer.url + "/auth",
                        "token_endpoint": outer.url + "/token", "jwks_uri": outer.url + "/jwks",
                        "registration_endpoint": outer.url + "/registrations",
                        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                            "product_family_code": "moodle", "version": "4.5",
                        },
                        **outer.configuration_changes,
                    })  # fmt: skip
                    return
                if path.path != "/memberships":
                    self._answer(404, {})
                    return
                assert self.headers["Authorization"] == "Bearer tok-1"
                assert (
                    self.headers["Accept"]
                    == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
                )
                page = int(parse_qs(path.query).get("page", ["0"])[0])
                more = page + 1 < len(outer.roster)
                link = f'<{outer.url}/memberships?page={page + 1}>; rel="next"' if more else ""
                body = {"id": outer.url + self.path, "context": {"id": "course-99"},
                        "members": outer.roster[page] if outer.roster else []}  # fmt: skip
                self._answer(200, body, link)

            def _answer(self, status: int, body: dict[str, Any], link: str = "") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if link:
                    self.send_header("Link", link)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def launch(
    db: Database,
    platform: Platform,
    *,
    issuer: str = ISSUER,
    now: datetime | None = None,
    **changes: Any,
) -> LaunchResult:
    """One whole launch through the services: the login initiation, then the platform's signed
    answer to it (its claims changed by ``changes``)."""
    started = begin_login(
        db, issuer=issuer, login_hint="42", target_link_uri="https://tool/lti/launch",
        redirect_uri="https://tool/lti/launch", now=now,
    )  # fmt: skip
    state, nonce = state_and_nonce(started.url)
    token = platform.id_token(nonce, **({"iss": issuer} if issuer != ISSUER else {}), **changes)
    return complete_launch(db, id_token=token, state=state, now=now)
