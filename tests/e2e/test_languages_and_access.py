"""In a real browser: a French-speaking learner's pages, and every main page checked against
WCAG 2.1 A and AA by axe-core (Deque's engine, shipped by axe-playwright-python) in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.live_server import DEMO_PASSWORD, learnloop

pytestmark = pytest.mark.browser

# The rules of WCAG 2.0 and 2.1, levels A and AA (axe-core's tags); best practices are not a test.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def french_page(browser: Any) -> Iterator[Any]:
    """A browser whose language is French (its Accept-Language says so)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Any, url: str, username: str, *, french: bool = False) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Nom d’utilisateur" if french else "Username").fill(username)
    page.get_by_label("Mot de passe" if french else "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter" if french else "Log in").click()
    page.wait_for_load_state()


def violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=WCAG_AA).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in found
    ]


def test_a_french_browser_gets_french_pages_and_the_reader_can_switch(
    server: Any, french_page: Any
) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    page = french_page
    page.goto(f"{url}/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    log_in(page, url, "ben", french=True)
    page.wait_for_url(f"{url}/learn")
    expect(page.get_by_role("heading", name="Prochaines étapes recommandées")).to_be_visible()
    expect(page.locator(".reason").first).not_to_contain_text("Toward your goal")

    page.goto(f"{url}/learn/activities/parts-practice")
    question = page.locator("#item-pw-5")
    question.get_by_label("4/3 of a pizza").check()  # the course itself is written in English
    question.get_by_role("button", name="Vérifier").click()
    expect(page.locator("#item-pw-5 .verdict")).to_contain_text("Pas tout à fait")
    expect(page.locator("#item-pw-5 .hint")).to_contain_text("Indice")

    # the reader prefers English: the choice beats the browser, here and on the next pages
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url(f"{url}/learn/activities/parts-practice")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#item-pw-5").get_by_role("button", name="Check")).to_be_visible()
    page.goto(f"{url}/learn")
    expect(page.get_by_role("heading", name="Recommended next steps")).to_be_visible()


def home_and_first_class(page: Any, url: str, username: str, home: str, language: str) -> list[str]:
    """Log in afresh in ``language`` (the cookie the page's form sets); audit the home page and the
    first class it links to, leaving the page there."""
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "lang", "value": language, "url": url}])
    log_in(page, url, username, french=language == "fr")
    page.goto(url + home)
    found = violations(page)
    page.locator(f"a[href^='{home}/classes/']").first.click()
    page.wait_for_load_state()
    return found + violations(page)


LEARNER_PAGES = ["/learn", "/learn/progress", "/learn/reviews", "/learn/placement", "/learn/reminders",
                 "/learn/score-test", "/learn/courses", "/join",
                 "/learn/activities/parts-practice", "/learn/activities/recipe-project",
                 "/learn/activities/parts-practice/items/pw-3/report",
                 "/account/password", "/account/data", "/account/two-step",
                 "/learn/progress/report"]  # fmt: skip


def test_every_main_page_passes_wcag_21_aa(server: Any, page: Any, french_page: Any) -> None:
    url, _, _ = server
    problems: list[str] = []
    for path in ("/login", "/register", "/login/forgot", "/login/reset/an-old-link"):
        for p in (page, french_page):
            p.goto(url + path)
            problems += violations(p)

    log_in(page, url, "chloe")
    log_in(french_page, url, "dev", french=True)
    for p in (page, french_page):
        for path in LEARNER_PAGES:
            p.goto(url + path)
            problems += violations(p)
        # a page with feedback on a wrong answer showing
        p.goto(f"{url}/learn/activities/parts-practice")
        question = p.locator("#item-pw-5")
        question.get_by_label("4/3 of a pizza").check()
        question.locator("form[action*='/items/pw-5#'] button").click()
        p.locator("#item-pw-5 .verdict").wait_for()
        problems += violations(p)

    page.context.clear_cookies()
    log_in(page, url, "ben")  # a home with the teacher's message and ben's reply, its form open
    page.goto(url + "/learn")
    page.locator("#messages summary").first.click()
    problems += violations(page)

    page.goto(url + "/learn/calendar")  # the calendar link, just made: shown in a field
    page.get_by_role("button", name="Make my calendar link").click()
    page.wait_for_load_state()
    problems += violations(page)

    page.context.clear_cookies()
    log_in(page, url, "elena")  # the teacher's message to elena is still new: badge and notice
    assert page.locator("#messages .new-badge").count() == 1
    problems += violations(page)
    page.goto(url + "/account/data")
    page.locator("a[href$='/leave']").first.click()  # the confirmation only: nobody leaves here
    page.wait_for_load_state()
    assert page.locator("button.danger").count() == 1
    problems += violations(page)

    # an LRS that gets the statements: its row and its forms on the connections page
    learnloop(["xapi-forward", "add", "District LRS", "--endpoint", "https://lrs.example.org/xapi/",
               "--username", "key", "--password", "secret"], server[1], server[2])  # fmt: skip
    for language in ("en", "fr"):  # the reader's choice of language, as the page's form sets it
        problems += home_and_first_class(page, url, "teacher", "/teach", language)
        class_url = page.url.rstrip("/")
        learner = page.locator("ul.learner-links a").first.get_attribute("href")
        for path in (
            "/items",
            "/groups",
            "/curves",
            "/discussion",
            "/work",
            "/assignments",
            "/activities",
            "/activities/parts-practice",
            "/activities/fraction-strips",
        ):
            page.goto(class_url + path)
            problems += violations(page)
        page.goto(url + learner)
        problems += violations(page)
        page.goto(url + learner + "/report")  # the learner's progress on one page
        problems += violations(page)
        page.goto(class_url + "/reports")  # every learner's, to print
        problems += violations(page)
        page.goto(url + "/teach/reminders")
        problems += violations(page)

        problems += home_and_first_class(page, url, "admin", "/admin", language)
        assert page.locator("html").get_attribute("lang") == language
        page.goto(url + "/admin/courses/fractions")  # a course's contents and fitted models
        problems += violations(page)
        page.goto(url + "/admin/courses/fractions/files/items/01-parts.yaml?line=33&item=pw-3")
        assert page.locator("textarea#text").count() == 1
        problems += violations(page)  # a course file in the editor, at a question
        page.goto(url + "/admin/accounts?q=a")  # the accounts found, with the search form
        problems += violations(page)
        page.goto(url + "/admin/connections")  # LTI platforms, LRS clients, other LRSs; forms
        assert page.locator("#forwards tbody tr").count() == 1
        problems += violations(page)
        page.goto(url + "/admin/audit")  # the whole audit trail, with its search form
        problems += violations(page)
    assert problems == []


def answer_shown_question(page: Any) -> None:
    """Answer the question on the page with whatever its inputs take first, and submit it."""
    form = page.locator("form[action$='/answer']")
    choices = form.locator("input[type=radio], input[type=checkbox]")
    if choices.count():
        choices.first.check()
    for select in form.locator("select").all():
        select.select_option(index=1)
    text = form.locator("input[name=response]:not([type=radio]):not([type=checkbox])")
    if text.count():
        text.fill("1/2")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_the_score_test_in_the_browser_in_both_languages(
    server: Any, page: Any, french_page: Any
) -> None:
    """The demo's score test (its bank calibrated when the demo was made), taken to the end in
    English and in French: every question page and the result pass WCAG 2.1 AA."""
    url, _, _ = server
    problems: list[str] = []
    for p, who, start, done in (
        (page, "elena", "Start the test", "Your latest score"),
        (french_page, "farid", "Commencer le test", "Votre dernier score"),
    ):
        log_in(p, url, who, french=p is french_page)
        p.goto(url + "/learn/score-test")
        p.get_by_role("button", name=start).click()
        p.wait_for_load_state()
        asked = 0
        while p.locator("form[action$='/answer']").count():
            if asked in (0, 5):
                problems += violations(p)
            answer_shown_question(p)
            asked += 1
        assert 1 <= asked <= 12
        assert p.get_by_role("heading", name=done).is_visible()
        assert p.locator("strong.score").inner_text().isdigit()
        problems += violations(p)
    assert problems == []
