"""Both journeys in a real browser (Debian's Chromium), against a real server."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.content.course_factory import ACTIVITY_A, ITEMS, write_course
from tests.e2e.live_server import DEMO_PASSWORD, learnloop

pytestmark = pytest.mark.browser
CHANGE = re.compile(r"Mastery of What a fraction means: (\d+)% → (\d+)%")


def login(page: Any, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def register(page: Any, url: str, name: str, username: str) -> None:
    """Create a learner account (password "long enough pw") and land on the onboarding."""
    page.goto(f"{url}/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("long enough pw")
    page.get_by_label("Password again").fill("long enough pw")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{url}/learn/onboarding")


def logout(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r".*/login$"))


def test_learner_answers_wrong_then_right_and_the_educator_sees_it(
    server: Any, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, _, _ = server
    login(page, url, "newcomer")
    page.wait_for_url(f"{url}/learn/onboarding")
    page.get_by_label("Your goal").select_option(label="Adding with unlike denominators")
    page.get_by_label("Interactive practice").check()
    page.get_by_label(re.compile("placement diagnostic")).uncheck()
    page.get_by_role("button", name="Save and start").click()
    page.wait_for_url(f"{url}/learn")
    reasons = page.locator(".reason")
    assert reasons.count() >= 2
    expect(reasons.first).to_contain_text("Toward your goal")

    page.goto(f"{url}/learn/activities/parts-practice")
    question = page.locator("#item-pw-5")
    question.get_by_label("4/3 of a pizza").check()
    question.get_by_role("button", name="Check").click()
    question = page.locator("#item-pw-5")
    expect(question.locator(".verdict")).to_contain_text("Not quite")
    expect(question.locator(".feedback")).to_contain_text(
        "That would be sharing 4 pizzas between 3 friends"
    )
    expect(question.locator(".hint")).to_contain_text("divided by")
    wrong = CHANGE.search(question.locator(".change").inner_text())
    assert wrong

    answer = page.locator("#item-pw-4")
    answer.get_by_label("Your answer").fill("5/12")
    answer.get_by_role("button", name="Check").click()
    answer = page.locator("#item-pw-4")
    expect(answer.locator(".verdict")).to_contain_text("Correct")
    right = CHANGE.search(answer.locator(".change").inner_text())
    assert right
    assert int(right.group(2)) > int(right.group(1)) >= int(wrong.group(2))
    mastery = int(right.group(2))
    logout(page)

    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    titles = page.locator("svg.heatmap title").all_text_contents()
    cell = next(t for t in titles if t.startswith("New Learner, What a fraction means"))
    assert f"in progress, {mastery}%, 2 answers" in cell

    page.goto(
        page.url.rstrip("/")
        + "/learners/"
        + page.get_by_role("link", name="New Learner").first.get_attribute("href").rsplit("/", 1)[1]
    )
    page.get_by_label("Message to New Learner").fill("Good recovery on the pizza question!")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".ok")).to_contain_text("Feedback sent")
    # the wrong pizza answer was a classmate's: withdrawn from the row's own disclosure
    row = page.locator("table.attempts tbody tr", has_text="pw-5")
    row.get_by_text("Withdraw…").click()
    row.get_by_label("Reason").fill("Her neighbour answered this one.")
    row.get_by_role("button", name="Withdraw this answer").click()
    expect(page.locator("#withdrawn .ok")).to_contain_text("Withdrawn")
    expect(page.locator("ul.withdrawn")).to_contain_text("Her neighbour answered this one.")
    expect(page.locator("table.attempts tbody tr", has_text="pw-5")).to_have_count(0)
    logout(page)

    login(page, url, "newcomer")
    message = page.locator(".message", has_text="Good recovery on the pizza question!")
    message.get_by_text("Reply to Ms. Rivera").click()
    message.get_by_label("Your reply").fill("Thanks! I mixed up the halves at first.")
    message.get_by_role("button", name="Send reply").click()
    expect(page.locator("#messages .ok")).to_contain_text("Reply sent.")
    expect(page.locator(".message.reply").first).to_contain_text("I mixed up the halves")
    page.goto(f"{url}/learn/progress")
    expect(page.locator("#withdrawn")).to_contain_text("by Ms. Rivera: Her neighbour answered")
    logout(page)

    login(page, url, "teacher")  # the reply is the newest on the class page
    page.goto(f"{url}/teach/classes/1")
    expect(page.locator(".message.reply").first).to_contain_text("I mixed up the halves")
    # the class's answers as a spreadsheet: the newcomer's right answer, not the withdrawn one
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name="Answers").click()
    assert re.fullmatch(
        r"year-7-fractions-demo-answers-\d{4}-\d\d-\d\d\.csv", info.value.suggested_filename
    )
    saved = tmp_path / "answers.csv"
    info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8-sig"))))
    assert [(r["item"], r["correct"]) for r in rows if r["username"] == "newcomer"] == [
        ("pw-4", "1")
    ]
    assert len({r["username"] for r in rows}) > 1  # the demo class's history too


def test_a_script_in_a_course_never_runs_in_the_browser(
    server: Any, page: Any, tmp_path: Path
) -> None:
    url, env, workdir = server
    hostile = ACTIVITY_A.replace(
        "Read **this**.",
        "Read.\n\n<script>window.__pwned = 1; alert('script')</script>\n\n"
        '<img src="x" onerror="window.__pwned = 2; alert(\'img\')">\n\n[link](javascript:alert(3))',
    )
    items = ITEMS.replace("  prompt: Pick one", '  prompt: "Pick <svg onload=alert(4)></svg> one"')
    folder = write_course(
        tmp_path / "hostile", **{"activities/a-read.md": hostile, "items/items.yaml": items}
    )
    learnloop(["import-course", str(folder)], env, workdir)

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    register(page, url, "Mallory", "mallory")
    page.get_by_label("Course").select_option(label="Mini course")
    page.get_by_role("button", name="Save and start").click()
    page.goto(f"{url}/learn/activities/a-read")
    page.get_by_text("Read.").wait_for()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script").count() == 0


def test_a_new_learner_takes_the_placement_diagnostic_in_the_browser(
    server: Any, page: Any, demo_course: Any
) -> None:
    from learnloop.services.demo_practice import answer_for

    url, _, _ = server
    register(page, url, "Pat", "pat")
    page.get_by_label("Course").select_option(label="Fractions, from halves to word problems")
    assert page.get_by_label(re.compile("placement diagnostic")).is_checked()
    page.get_by_role("button", name="Save and start").click()
    page.wait_for_url(f"{url}/learn/placement")
    asked = 0
    while page.locator('input[name="item"]').count():
        item = page.locator('input[name="item"]').get_attribute("value")
        answer = answer_for(demo_course, item, True)
        for value in [answer] if isinstance(answer, str) else answer:
            choice = page.locator(f'input[name="response"][value="{value}"]')
            if choice.count():
                choice.check()
            else:
                page.locator('input[name="response"]').fill(value)
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()
        asked += 1
        assert asked <= 5
    page.get_by_text(f"Done in {asked} questions").wait_for()
    page.get_by_role("link", name="See your next steps").click()
    page.wait_for_url(f"{url}/learn")
    assert "objectives mastered" in page.locator(".lead").first.inner_text()
    assert not page.get_by_text("Take the placement diagnostic").count()


def test_a_learner_downloads_their_data_and_the_admin_deletes_the_account(
    server: Any, page: Any, tmp_path: Path
) -> None:
    import json

    from playwright.sync_api import expect

    url, _, _ = server
    register(page, url, "Leaving Soon", "leaver")
    course = page.get_by_label("Course")
    if course.count():  # another test may have imported a second course
        course.select_option(label="Fractions, from halves to word problems")
    page.get_by_label(re.compile("placement diagnostic")).uncheck()
    page.get_by_role("button", name="Save and start").click()
    page.wait_for_url(f"{url}/learn")
    page.goto(f"{url}/learn/activities/parts-practice")
    answer = page.locator("#item-pw-4")
    answer.get_by_label("Your answer").fill("5/12")
    answer.get_by_role("button", name="Check").click()
    expect(page.locator("#item-pw-4 .verdict")).to_contain_text("Correct")

    page.get_by_role("link", name="My data").click()
    page.wait_for_url(f"{url}/account/data")
    answers = page.get_by_role("row", name=re.compile("Your answers to questions"))
    expect(answers).to_contain_text("1")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download everything (JSON)").click()
    saved = tmp_path / "data.json"
    info.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["user"]["username"] == "leaver"
    assert [a["item_key"] for a in data["tables"]["attempts"]] == ["pw-4"]
    assert len(data["xapi_statements"]) == 1
    logout(page)

    login(page, url, "admin")
    page.wait_for_url(f"{url}/admin")
    page.get_by_label("Username", exact=True).fill("leaver")
    page.get_by_label("The username again, to confirm").fill("leaver")
    page.get_by_role("button", name="Delete the account").click()
    expect(page.locator(".ok")).to_contain_text("Deleted the account leaver")
    logout(page)

    login(page, url, "leaver", "long enough pw")
    expect(page.locator(".error")).to_contain_text("wrong username or password")


def test_a_misconception_the_learner_shows_reaches_the_educators_pages(
    server: Any, page: Any
) -> None:
    """Amara gives two answers tagged 'Mixes up what the top and bottom numbers count'; the
    teacher's Items and misconceptions page counts them, and Suggested groups loads."""
    from playwright.sync_api import expect

    url, _, _ = server
    idea = "Mixes up what the top and bottom numbers count"

    def amara_count() -> int:
        page.get_by_role("link", name="Items and misconceptions").click()
        row = page.locator("table.misconceptions tr", has_text=idea)
        expect(row).to_have_count(1)
        found = re.search(r"Amara Okafor \((\d+)\)", row.inner_text())
        return int(found.group(1)) if found else 0

    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    before = amara_count()
    logout(page)

    login(page, url, "amara")
    page.wait_for_url(f"{url}/learn")
    page.goto(f"{url}/learn/activities/parts-read")
    # the reading's drawing (the course's media folder) loads under the pages' CSP
    drawing = page.get_by_role(
        "img", name="A round pizza cut into 4 equal slices, 3 of them shaded"
    )
    expect(drawing).to_be_visible()
    assert drawing.evaluate("img => img.complete && img.naturalWidth") == 160
    question = page.locator("#item-pw-1")
    question.get_by_label("We have 8 parts").check()
    question.get_by_role("button", name="Check").click()
    expect(page.locator("#item-pw-1 .feedback")).to_contain_text("numerator's job")
    page.goto(f"{url}/learn/activities/parts-practice")
    answer = page.locator("#item-pw-6")
    answer.get_by_label("Your answer").fill("denominator")
    answer.get_by_role("button", name="Check").click()
    expect(page.locator("#item-pw-6 .feedback")).to_contain_text("bottom")
    logout(page)

    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    assert amara_count() == before + 2
    page.go_back()
    page.get_by_role("link", name="Suggested groups").click()
    expect(page.get_by_role("heading", name="Suggested groups")).to_be_visible()
    expect(page.locator("li.group").first).to_contain_text("learners")


def test_the_teacher_assigns_an_activity_and_the_learner_discusses_it(
    server: Any, page: Any
) -> None:
    """In the browser: an assignment from a learner's page reaches their home; a post in the
    activity's thread reaches the teacher's discussion page as text."""
    from playwright.sync_api import expect

    url, _, _ = server
    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    page.get_by_role("link", name="Ben Schulz").first.click()
    page.get_by_label("Activity", exact=True).select_option(label="Practice — naming fractions")
    page.get_by_label("Note (optional)").fill("Look again at equal parts.")
    due = date.today() + timedelta(days=2)
    page.get_by_label("Due (optional)").fill(due.isoformat())
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#assign .ok")).to_contain_text("Assigned")
    page.goto(f"{url}/teach/classes/1/assignments")  # the class's view: Ben has not done it yet
    row = page.locator("table.class-assignments tr", has_text="Look again at equal parts.")
    expect(row).to_contain_text("Ben Schulz")
    expect(row).to_contain_text(f"{due:%b} {due.day}")
    row.get_by_text("Remind, change or withdraw").click()  # a plain <details>: no script needed
    due = due + timedelta(days=5)
    row.get_by_label("Due (empty: none)").fill(due.isoformat())
    row.get_by_role("button", name="Change the due day").click()
    expect(page.locator("p.ok")).to_contain_text("The due day is changed")
    expect(row).to_contain_text(f"{due:%b} {due.day}")
    logout(page)

    login(page, url, "ben")
    page.wait_for_url(f"{url}/learn")
    card = page.locator(".assignment", has_text="Practice — naming fractions")
    expect(card).to_contain_text("Look again at equal parts.")
    expect(card.locator(".due")).to_have_text(f"due {due:%b} {due.day}")
    expect(page.locator(".assignment .due.overdue").first).to_contain_text("overdue since")
    card.get_by_role("link", name="Practice — naming fractions").click()
    expect(page.locator(".assigned-here")).to_contain_text("Look again at equal parts.")
    page.get_by_label("Your post").fill("<b>Why</b> must the parts be equal?")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("#discussion .post").last).to_contain_text(
        "<b>Why</b> must the parts be equal?"
    )
    logout(page)

    login(page, url, "teacher")
    page.goto(f"{url}/teach/classes/1/discussion")
    expect(page.locator(".post").first).to_contain_text("<b>Why</b> must the parts be equal?")
    expect(page.locator(".post b")).to_have_count(0)  # shown as text, never as markup
    page.goto(f"{url}/teach/classes/1/assignments")  # the demo's overdue reading, withdrawn
    expect(page.locator(".overdue-count")).to_be_visible()
    overdue = page.locator("table.class-assignments tr.overdue")
    overdue.get_by_text("Remind, change or withdraw").click()
    overdue.get_by_role("button", name="Withdraw").click()
    expect(page.locator("p.ok")).to_contain_text("Withdrawn from")
    expect(page.locator(".overdue-count")).to_have_count(0)


def test_the_teacher_gives_rubric_feedback_on_handed_in_work(server: Any, page: Any) -> None:
    """In the browser: the demo's handed-in work waits on the teacher's page; the rubric is
    filled in with the keyboard-usable radio buttons; the learner reads the feedback."""
    from playwright.sync_api import expect

    from learnloop.services.demo import DEMO_LEARNERS

    url, _, _ = server
    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    page.get_by_role("link", name="Handed-in work").click()
    row = page.locator("table").first.locator("tbody tr").first
    learner = row.locator("td").first.inner_text()
    activity = row.locator("td").nth(1).inner_text()
    row.get_by_role("link", name="Read and give feedback").click()
    fieldsets = page.locator("fieldset")  # one a rubric criterion (measuring-cups has none)
    for i in range(fieldsets.count()):
        fieldsets.nth(i).get_by_role("radio").last.check()
    page.get_by_label(re.compile("^Comment")).fill("Every <i>part</i> is there: well done.")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.locator("p.ok")).to_contain_text(f"Feedback saved: {learner} sees it")
    logout(page)

    username = next(u for u, name in DEMO_LEARNERS if name == learner)
    login(page, url, username)
    page.wait_for_url(re.compile(rf"{url}/learn.*"))
    page.goto(f"{url}/learn/progress")
    page.get_by_role("link", name=activity).first.click()
    review = page.locator("#work .review").first
    expect(review).to_contain_text("Feedback from Ms. Rivera")
    expect(review).to_contain_text("Every <i>part</i> is there: well done.")  # text, not markup
    expect(page.locator("#work .review i")).to_have_count(0)


def test_a_shared_reflection_reaches_the_teacher_and_the_curves_draw(
    server: Any, page: Any
) -> None:
    """In the browser: a learner keeps a reflection and shares it from the progress page; the
    teacher reads it on the learner's page, and the learning curves page draws its charts."""
    from playwright.sync_api import expect

    url, _, _ = server
    login(page, url, "keiko")
    page.wait_for_url(re.compile(rf"{url}/learn.*"))
    page.goto(f"{url}/learn/progress")
    page.get_by_label("About").select_option(label="What a fraction means")
    page.get_by_label("What went well?").fill("Folding the <em>strips</em> myself.")
    page.get_by_label("Share with my educators").check()
    page.get_by_role("button", name="Keep this reflection").click()
    entry = page.locator("#reflections .reflection").first
    expect(entry).to_contain_text("Folding the <em>strips</em> myself.")  # text, not markup
    expect(entry).to_contain_text("shared with your educators")
    logout(page)

    login(page, url, "teacher")
    page.wait_for_url(f"{url}/teach")
    page.get_by_role("link", name=re.compile("Year 7 Fractions")).click()
    page.get_by_role("link", name="Keiko Tanaka").first.click()
    shared = page.locator("#reflections")
    expect(shared).to_contain_text("Folding the <em>strips</em> myself.")
    expect(shared.locator("em")).to_have_count(0)
    page.goto(f"{url}/teach/classes/1")
    page.get_by_role("link", name="Learning curves").click()
    charts = page.locator("svg.curve[role=img]")
    assert charts.count() >= 1
    expect(page.locator("table caption")).to_contain_text("Share of wrong answers")


def test_a_newcomer_joins_the_class_by_the_teachers_link(server: Any, page: Any) -> None:
    """The teacher makes a join code on the class page; a newcomer follows its link, creates an
    account on the way, is told who will see their work, joins, and the teacher sees them."""
    from tests.e2e.test_languages_and_access import violations

    url, _, _ = server
    login(page, url, "teacher")
    page.goto(f"{url}/teach/classes/1")
    page.get_by_label("Valid for (days)").fill("7")
    page.get_by_role("button", name="Make a code").click()
    page.wait_for_url(re.compile(r".*/teach/classes/1(#joining)?$"))
    shared = page.locator("#joining a[href*='/join/']").get_attribute("href")
    # the link is made at the platform's public address (LEARNLOOP_PUBLIC_URL, left at its
    # default here), not at this test server's port
    assert shared is not None
    assert shared.startswith("http://127.0.0.1:8000/join/")
    link = url + shared.removeprefix("http://127.0.0.1:8000")
    assert violations(page) == []
    logout(page)

    page.goto(link)  # the link the teacher shares
    page.wait_for_url(re.compile(r".*/login\?next=/join/"))
    page.get_by_role("link", name="Create a learner account").click()
    page.get_by_label("Your name").fill("Sam Newcomer")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill("long enough pw")
    page.get_by_label("Password again").fill("long enough pw")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(link)
    assert "Joining lets its educators (Ms. Rivera) see your progress" in page.inner_text("main")
    assert violations(page) == []
    page.get_by_role("button", name="Join the class").click()
    page.wait_for_url(f"{url}/learn/onboarding")  # the class chose the course: no course to pick
    assert not page.get_by_label("Course").count()
    page.get_by_role("button", name="Save and start").click()
    page.wait_for_load_state()
    logout(page)

    login(page, url, "teacher")
    page.goto(f"{url}/teach/classes/1")
    assert page.locator("ul.learner-links").get_by_text("Sam Newcomer").count() == 1
