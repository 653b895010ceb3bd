"""Save screenshots of the main pages to a folder (``make screenshots`` -> docs/screenshots).

Starts a demo server of its own on a free loopback port (SQLite in a temporary folder) and drives
Debian's Chromium with Playwright. Nothing is left running.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright
from tests.e2e.live_server import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, live_server


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shots = [
        ("learner-home", "amara", "/learn", None),
        ("learner-activity", "amara", "/learn/activities/parts-practice", ("#item-pw-4", "5/7")),
        ("learner-progress", "amara", "/learn/progress", None),
        ("learner-reviews", "amara", "/learn/reviews", None),
        ("learner-placement", "newcomer", "/learn/placement", ("start", "")),
        ("educator-class", "teacher", "/teach/classes/1", None),
        ("educator-learner", "teacher", "/teach/classes/1/learners/9", None),
        ("educator-groups", "teacher", "/teach/classes/1/groups", None),
        ("educator-items", "teacher", "/teach/classes/1/items", ("viewport", "")),
        ("educator-work", "teacher", "/teach/work/1", None),  # the demo's first work, reviewed
        ("educator-curves", "teacher", "/teach/classes/1/curves", ("viewport", "")),
        ("educator-assignments", "teacher", "/teach/classes/1/assignments", None),
    ]
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_server(Path(tmp)) as (url, _),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with Progress() as progress:
            task = progress.add_task("Screenshots", total=len(shots))
            for name, user, path, answer in shots:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/login")
                page.get_by_label("Username").fill(user)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state()
                page.goto(f"{url}{path}")
                if answer and answer[0] == "viewport":  # a long page: its first screen
                    page.screenshot(path=str(out / f"{name}.png"))
                elif answer and answer[0] == "start":
                    page.get_by_role("button", name="Start the diagnostic").click()
                    page.wait_for_load_state()
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                elif answer:
                    selector, text = answer
                    page.locator(selector).get_by_label("Your answer").fill(text)
                    page.locator(selector).get_by_role("button", name="Check").click()
                    page.wait_for_load_state()
                    page.locator(selector).scroll_into_view_if_needed()
                    page.screenshot(path=str(out / f"{name}.png"))
                else:
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                context.close()
                progress.advance(task)
        browser.close()
    print(f"saved {len(shots)} screenshots to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
