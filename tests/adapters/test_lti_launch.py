"""LTI 1.3 launches read and checked: a valid resource-link launch becomes a Launch; each way a
launch can be wrong is refused with the claim at fault; keys are picked from a key set by kid."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from learnloop.adapters.lti import (
    AGS_CLAIM,
    CLAIM,
    SCORE_SCOPE,
    LaunchRefused,
    is_educator,
    login_request_url,
    platform_key,
    public_jwks,
    read_launch,
    scores_url,
    unverified_kid,
)
from tests.lti_platform import CLIENT_ID, INSTRUCTOR, ISSUER, LEARNER, Platform

NONCE = "n-0123456789"


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform()


def _read(platform: Platform, token: str, *, now: float | None = None) -> Any:
    key = platform_key(platform.jwks(), unverified_kid(token))
    return read_launch(
        token, key=key, issuer=ISSUER, client_id=CLIENT_ID, nonce=NONCE,
        now=time.time() if now is None else now,
    )  # fmt: skip


def test_a_resource_link_launch_is_read(platform: Platform) -> None:
    token = platform.id_token(NONCE, custom={"course": "fractions", "activity": "parts-practice"})
    launch = _read(platform, token)
    assert (launch.issuer, launch.client_id, launch.deployment_id) == (
        ISSUER,
        CLIENT_ID,
        "deployment-1",
    )
    assert (launch.subject, launch.name) == ("moodle-user-42", "Ada Lovelace")
    assert (launch.context_id, launch.context_title) == ("course-99", "Year 7 Maths")
    assert (launch.resource_link_id, launch.resource_link_title) == ("link-1", "Fractions practice")
    assert launch.roles == frozenset({LEARNER})
    assert launch.custom == {"course": "fractions", "activity": "parts-practice"}


def test_the_name_falls_back_to_given_and_family_names(platform: Platform) -> None:
    token = platform.id_token(NONCE, name=None, given_name="Grace", family_name="Hopper")
    assert _read(platform, token).name == "Grace Hopper"


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"aud": "another-tool"}, "aud"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"exp": int(time.time()) - 3600}, "exp"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"nbf": int(time.time()) + 3600}, "nbf"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"sub": None}, "sub"),
        ({"exp": None}, "exp"),
        ({"message_type": "LtiSubmissionReviewRequest"}, CLAIM + "message_type"),
        ({"version": "1.1"}, CLAIM + "version"),
        ({"deployment_id": None}, CLAIM + "deployment_id"),
        ({"resource_link": None}, CLAIM + "resource_link"),
        ({"resource_link": {"title": "no id"}}, CLAIM + "resource_link"),
        ({"roles": "Learner"}, CLAIM + "roles"),
        ({"target_link_uri": None}, CLAIM + "target_link_uri"),
        ({"aud": [CLIENT_ID, "other"]}, "azp"),  # several audiences and no azp
        ({"custom": ["not", "an", "object"]}, CLAIM + "custom"),
    ],
)
def test_a_wrong_launch_names_its_claim(
    platform: Platform, changes: dict[str, Any], claim: str
) -> None:
    with pytest.raises(LaunchRefused) as info:
        _read(platform, platform.id_token(NONCE, **changes))
    assert info.value.claim == claim, str(info.value)


def test_several_audiences_are_accepted_with_azp(platform: Platform) -> None:
    token = platform.id_token(NONCE, aud=[CLIENT_ID, "other"], azp=CLIENT_ID)
    assert _read(platform, token).client_id == CLIENT_ID


def test_the_time_checked_is_the_one_passed_in(platform: Platform) -> None:
    token = platform.id_token(NONCE)
    _read(platform, token, now=time.time() + 290)
    with pytest.raises(LaunchRefused, match="exp: the token has expired"):
        _read(platform, token, now=time.time() + 3600)


def test_a_token_signed_by_another_key_or_algorithm_is_refused(platform: Platform) -> None:
    impostor = Platform()
    forged = jwt.encode(platform.claims(NONCE), impostor.key.private_pem, algorithm="RS256",
                        headers={"kid": platform.kid})  # fmt: skip
    with pytest.raises(LaunchRefused, match="id_token: not verified"):
        _read(platform, forged)
    # HS256 "signed" with the public key as a shared secret: the classic confusion attack
    public = platform.jwks()["keys"][0]["n"]
    hs = jwt.encode(
        platform.claims(NONCE), public, algorithm="HS256", headers={"kid": platform.kid}
    )
    with pytest.raises(LaunchRefused, match="id_token: not verified"):
        _read(platform, hs)
    with pytest.raises(LaunchRefused, match="id_token: not a JWT"):
        unverified_kid("not-a-jwt")
    without_kid = jwt.encode(platform.claims(NONCE), platform.key.private_pem, algorithm="RS256")
    with pytest.raises(LaunchRefused, match="names no key"):
        unverified_kid(without_kid)


def test_keys_are_picked_by_kid(platform: Platform) -> None:
    other = Platform()
    keyset = {"keys": platform.jwks()["keys"] + other.jwks()["keys"]}
    assert platform_key(keyset, platform.kid) is not None
    assert platform_key(keyset, other.kid) is not None
    assert platform_key(keyset, "unknown") is None
    assert platform_key({"keys": []}, platform.kid) is None
    with pytest.raises(LaunchRefused, match="not a JWKS"):
        platform_key({"keys": [{"kty": "nonsense"}]}, platform.kid)


def test_the_tools_key_set_holds_no_private_part(platform: Platform) -> None:
    jwk = public_jwks([platform.key])["keys"][0]
    assert (jwk["kty"], jwk["alg"], jwk["use"], jwk["kid"]) == ("RSA", "RS256", "sig", platform.kid)
    assert set(jwk) == {"kty", "n", "e", "kid", "alg", "use"}


def test_roles_that_teach() -> None:
    assert is_educator(frozenset({INSTRUCTOR}))
    assert is_educator(frozenset({INSTRUCTOR + "#TeachingAssistant"}))
    assert is_educator(frozenset({"Instructor"}))  # a short name, as some platforms send it
    assert not is_educator(frozenset({LEARNER}))
    assert not is_educator(
        frozenset({"http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"})
    )
    assert not is_educator(frozenset())


def test_the_authentication_request() -> None:
    url = login_request_url(
        "https://moodle.example.org/mod/lti/auth.php?x=1", client_id=CLIENT_ID,
        redirect_uri="https://learnloop.example/lti/launch", login_hint="42", state="s", nonce="n",
        lti_message_hint="hint",
    )  # fmt: skip
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path == "/mod/lti/auth.php"
    assert query == {
        "x": "1", "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": CLIENT_ID, "redirect_uri": "https://learnloop.example/lti/launch",
        "login_hint": "42", "state": "s", "nonce": "n", "lti_message_hint": "hint",
    }  # fmt: skip


def test_the_grade_services_claim_gives_the_line_item_only_with_the_score_scope(
    platform: Platform,
) -> None:
    lineitem = "https://moodle.example.org/mod/lti/services.php/2/lineitems/7/lineitem?type_id=2"
    scoped = {AGS_CLAIM: {"scope": [SCORE_SCOPE], "lineitem": lineitem}}
    assert _read(platform, platform.id_token(NONCE, **scoped)).lineitem_url == lineitem
    read_only = {
        AGS_CLAIM: {
            "scope": [SCORE_SCOPE.replace("score", "result.readonly")],
            "lineitem": lineitem,
        }
    }
    assert _read(platform, platform.id_token(NONCE, **read_only)).lineitem_url == ""
    assert _read(platform, platform.id_token(NONCE)).lineitem_url == ""
    with pytest.raises(LaunchRefused) as info:
        _read(platform, platform.id_token(NONCE, **{AGS_CLAIM: "nope"}))
    assert info.value.claim == AGS_CLAIM
    assert scores_url(lineitem) == lineitem.replace("/lineitem?", "/lineitem/scores?")


def test_a_deep_linking_request_needs_its_settings_not_a_resource_link(platform: Platform) -> None:
    settings = {"deep_link_return_url": "https://moodle.example.org/return", "accept_types": ["ltiResourceLink"],
                "accept_multiple": False, "data": "opaque"}  # fmt: skip
    deep = {"message_type": "LtiDeepLinkingRequest", "resource_link": None}
    launch = _read(platform, platform.id_token(NONCE, deep_linking_settings=settings, **deep))
    assert (launch.message_type, launch.resource_link_id) == ("LtiDeepLinkingRequest", "")
    assert (launch.deep_link_return_url, launch.deep_link_data) == (
        "https://moodle.example.org/return",
        "opaque",
    )
    assert (launch.deep_link_multiple, launch.deep_link_line_items) == (False, True)
    for broken in (
        None,
        {"accept_types": ["ltiResourceLink"]},
        {**settings, "accept_types": ["html"]},
    ):
        with pytest.raises(LaunchRefused) as info:
            _read(platform, platform.id_token(NONCE, deep_linking_settings=broken, **deep))
        assert info.value.claim == CLAIM + "deep_linking_settings"
