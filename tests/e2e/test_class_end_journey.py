"""A class's end of year in Chromium: the admin makes a class, puts the teacher in it and ends
it; the teacher finds it apart on their classes page and reads it with nothing to start in it;
the pages on the way pass axe's WCAG 2.1 AA."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_journeys import login, logout
from tests.e2e.test_languages_and_access import violations

pytestmark = pytest.mark.browser


def test_an_admin_ends_a_class_and_its_teacher_finds_it_apart(server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    login(page, url, "admin")
    page.goto(f"{url}/admin")
    page.locator("#class-name").fill("Old 6A")
    page.get_by_role("button", name="Create the class").click()
    page.wait_for_url(re.compile(r".*/admin/classes/\d+$"))
    page.get_by_label("Usernames").fill("teacher")
    page.get_by_role("button", name="Add to the class").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="End the class").click()
    page.wait_for_url(re.compile(r".*/admin/classes/\d+#life$"))
    expect(page.locator("p.ended")).to_contain_text("This class ended on")
    expect(page.get_by_role("button", name="Reopen the class")).to_be_visible()
    assert violations(page) == []
    logout(page)

    login(page, url, "teacher")
    page.goto(f"{url}/teach")
    ended = page.locator("details.ended-classes")
    ended.locator("summary").click()
    expect(ended).to_contain_text("Old 6A")
    assert violations(page) == []
    ended.get_by_role("link", name="Old 6A").click()
    expect(page.locator("p.ended")).to_contain_text("nothing new starts in it")
    expect(page.locator("#joining")).to_have_count(0)
    assert violations(page) == []
