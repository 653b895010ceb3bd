"""Two-step sign-in in Chromium: a learner turns it on from the QR page's key, signs out, and
signs in again with the password and then the app's code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from tests.e2e.test_journeys import login, logout, register

pytestmark = pytest.mark.browser


def test_a_learner_turns_two_step_sign_in_on_and_signs_in_with_a_code(
    server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    register(page, url, "Careful Cora", "cora")
    page.goto(f"{url}/account/two-step")
    page.get_by_role("button", name="Turn two-step sign-in on").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#secret").inner_text())
    page.get_by_label("The six digits your app shows now").fill(totp.now())
    page.get_by_role("button", name="Turn it on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    logout(page)

    login(page, url, "cora", "long enough pw")
    page.wait_for_url(re.compile(r".*/login/code.*"))
    # the code that turned it on counts once: the app's next one (the window takes it already)
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"{re.escape(url)}/learn.*"))
