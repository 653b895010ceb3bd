"""Small buttons are red only where they remove something: a learner should not read "Keep as a
group" or "Change" (the language) as a warning, nor miss one on "Delete"."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "learnloop" / "web" / "templates"
FORM = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.S)
SMALL_BUTTON = re.compile(r'<button[^>]*class="(small[^"]*)"')
# the last part of a removing form's path ("end": one's own session, signed out)
REMOVING = {"remove", "hide", "delete", "disband", "unlink", "withdraw", "end"}


def _small_buttons() -> list[tuple[str, str, str]]:
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for action, body in FORM.findall(template.read_text(encoding="utf-8")):
            for classes in SMALL_BUTTON.findall(body):
                found.append((template.name, action, classes))
    return found


def test_a_small_button_is_red_exactly_when_its_form_removes_something() -> None:
    buttons = _small_buttons()
    assert len(buttons) >= 9  # every small button of the pages, so that the scan is not empty
    for name, action, classes in buttons:
        removes = action.rstrip("/").rsplit("/", 1)[-1] in REMOVING
        assert ("danger" in classes.split()) == removes, (name, action, classes)
