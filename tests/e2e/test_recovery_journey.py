"""A forgotten password in Chromium, through the live server's SMTP relay: a learner gives and
confirms an address, forgets their password, asks for a link from the login page, and chooses a
new one; each page on the way passes axe's WCAG 2.1 AA checks."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e.test_journeys import login, logout, register
from tests.e2e.test_languages_and_access import violations
from tests.smtp_inbox import Inbox

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+?(/(?:account/email/confirm|login/reset)/\S+)")


def mailed_path(mailbox: Inbox, to: str, after: int) -> str:
    """The link's path in the first mail to ``to`` after the first ``after`` (it may take a moment:
    a reset link goes after the answer)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for mail in mailbox.messages[after:]:
            match = LINK.search(mail.get_content())
            if mail["To"] == to and match:
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to}")


def test_a_learner_resets_a_forgotten_password_by_e_mail(
    server: Any, page: Any, mailbox: Inbox
) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    register(page, url, "Forgetful Fred", "fred")
    page.goto(f"{url}/account/password")
    assert violations(page) == []
    before = len(mailbox.messages)
    page.get_by_label("E-mail address").fill("fred@example.org")
    page.locator("#recovery-password").fill("long enough pw")
    page.get_by_role("button", name="Send a link to confirm it").click()
    expect(page.get_by_role("status")).to_contain_text("A link to confirm the address")
    page.goto(url + mailed_path(mailbox, "fred@example.org", before))
    assert violations(page) == []
    page.get_by_role("button", name="Confirm the address").click()
    expect(page.get_by_role("status")).to_contain_text("Address confirmed")
    page.goto(f"{url}/account/password")
    expect(page.locator("#recovery")).to_contain_text("can be sent to fred@example.org")
    logout(page)

    page.goto(f"{url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert violations(page) == []
    before = len(mailbox.messages)
    page.get_by_label("Username or e-mail address").fill("fred@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("is on its way")
    assert violations(page) == []
    page.goto(url + mailed_path(mailbox, "fred@example.org", before))
    assert violations(page) == []
    page.get_by_label("New password", exact=True).fill("an entirely new one")
    page.get_by_label("New password again").fill("an entirely new one")
    page.get_by_role("button", name="Change the password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    login(page, url, "fred", "an entirely new one")
    page.wait_for_url(re.compile(rf"{re.escape(url)}/learn.*"))
