"""An administrator without a shell, in Chromium: a course sent as a zip from the admin page, a
roster that puts a new pupil in a new class on it, and the pupil signing in with the one-time
password the page showed once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.content.test_course_archive import zipped
from tests.e2e.test_journeys import login, logout
from tests.services.test_course_uploads import INTEGERS

pytestmark = pytest.mark.browser


def test_an_admin_adds_a_course_and_a_roster_and_the_new_pupil_signs_in(
    server: Any, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    archive = tmp_path / "integers.zip"
    archive.write_bytes(zipped(INTEGERS, prefix="integers/"))
    login(page, url, "admin")
    page.wait_for_url(f"{url}/admin")
    page.get_by_label("Zip of the course folder").set_input_files(str(archive))
    page.get_by_role("button", name="Check and store the course").click()
    expect(page.locator("#upload-result")).to_contain_text("The course was added.")
    expect(page.locator("h1")).to_have_text("Negative numbers")

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "username,display_name,role,class,course\nrosa,Rosa Diaz,learner,Int 1,integers\n"
    )
    page.goto(f"{url}/admin")
    page.get_by_label("Roster CSV or OneRoster zip").set_input_files(str(roster))
    page.get_by_role("button", name="Import the roster").click()
    expect(page.locator("#roster-result")).to_contain_text("1 account created · 1 class created")
    row = page.locator("#new-passwords tbody tr")
    expect(row).to_have_count(1)
    password = row.locator("code").inner_text()
    page.reload()  # shown once: the page a reload asks for again is the plain admin page
    expect(page.locator("#new-passwords")).to_have_count(0)
    logout(page)

    login(page, url, "rosa", password)
    page.wait_for_url(f"{url}/account/password")
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("a passphrase of my own")
    page.get_by_label("New password again").fill("a passphrase of my own")
    page.get_by_role("button", name="Change the password").click()
    page.wait_for_url(f"{url}/account/password?done=1")
    page.goto(f"{url}/learn")  # onboarding, in her class's course: its objectives are the goals
    page.wait_for_url(f"{url}/learn/onboarding")
    expect(page.get_by_label(re.compile("Your goal"))).to_contain_text("Numbers below zero")
