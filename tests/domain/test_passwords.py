"""What a new password may not be (NIST SP 800-63B 5.1.1.2): each kind of guessable password is
refused with its reason and the form's field; passwords a person made up pass."""

from __future__ import annotations

import pytest

from learnloop.domain.passwords import check_new_password
from learnloop.exceptions import InvalidInput


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least 8 characters"),
        ("aaaaaaaaaa", "said again and again"),
        ("abababab", "said again and again"),
        ("12121212", "said again and again"),
        ("xyz xyz xyz", "said again and again"),
        ("12345678", "a run of keys or letters"),
        ("98765432", "a run of keys or letters"),
        ("78901234", "a run of keys or letters"),  # the run goes round
        ("abcdefghij", "a run of keys or letters"),
        ("QWERTYUIOP", "a run of keys or letters"),
        ("azertyuiop", "a run of keys or letters"),  # the French keyboard's row
        ("lkjhgfdsa", "a run of keys or letters"),
        ("Learnloop2026", "the site's name"),
        ("i am omarsharif", "your username"),
        ("martin-2014!", "your name"),
        ("Password1!", "a common word"),
        ("p@ssw0rd2024", "a common word"),
        ("!!motdepasse!!", "a common word"),
        ("Soleil2024", "a common word"),
    ],
)
def test_guessable_passwords_are_refused_with_their_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_new_password(password, username="omarsharif", display_name="Omar Martin", field="new")
    assert refused.value.field == "new"
    assert reason in refused.value.message


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "tr0ub4dor&3",
        "84729163",
        "beneath the sea",
        "my dog eats pizza",
        "Gj7#kq2!Lz",
        "ben likes 7 cats",
    ],
)
def test_passwords_a_person_made_up_pass(password: str) -> None:
    check_new_password(
        password, username="ben", display_name="Ben Ali"
    )  # a short name counts for little
