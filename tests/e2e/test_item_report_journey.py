"""A report of a problem with a question, in Chromium: a learner follows the link under a question
to its form and sends it, the class's teacher answers it from the class's items page, and the learner reads
the answer under the question; the form and the teacher's list pass axe's WCAG 2.1 AA."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_journeys import login, logout
from tests.e2e.test_languages_and_access import violations

pytestmark = pytest.mark.browser


def test_a_learner_reports_a_question_and_reads_the_teachers_answer(server: Any, page: Any) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    login(page, url, "maya")
    page.goto(f"{url}/learn/activities/parts-practice")
    page.locator("#item-pw-6").get_by_role("link", name=re.compile("Report a problem")).click()
    page.get_by_label("The question is unclear").check()
    page.get_by_label("What you noticed").fill("Which of the two pictures is the cake?")
    assert violations(page) == []  # the report's own page, with the question
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r".*/learn/activities/parts-practice#item-pw-6$"))
    expect(page.locator("#item-pw-6 .reported")).to_contain_text("You reported a problem")
    logout(page)

    login(page, url, "teacher")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    page.get_by_role("link", name="Items and misconceptions").first.click()
    row = page.locator("table.item-reports tr", has_text="Which of the two pictures is the cake?")
    expect(row).to_contain_text("Maya Cohen")
    expect(row).to_contain_text("The question is unclear")
    assert violations(page) == []  # the teacher's list, with its answer forms
    row.get_by_label(re.compile("Your answer to Maya Cohen")).fill("The left one: I will say so.")
    row.get_by_role("button", name="Mark as looked at").click()
    page.wait_for_url(re.compile(r".*/items#reports$"))
    expect(
        page.locator("table.item-reports tr", has_text="Which of the two pictures is the cake?")
    ).to_contain_text("The left one: I will say so.")
    logout(page)

    login(page, url, "maya")
    page.goto(f"{url}/learn/activities/parts-practice")
    expect(page.locator("#item-pw-6 .reported")).to_contain_text("The left one: I will say so.")
