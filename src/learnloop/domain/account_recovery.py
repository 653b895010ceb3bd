"""Getting back into an account whose password is forgotten, by e-mail: the limits that keep it
from being a way in for someone else or a way to fill someone's inbox, and the two mails it sends
(services.account_recovery writes, web.pages.account_recovery sends).

An owner gives an address for it on their password page (their password typed again, so that a
session left open cannot redirect it) and confirms it by opening the link sent there. Anyone may
then ask for a reset link by username or by that address; the answer is the same whether or not
an account matches, and the link goes only to the confirmed address. Opening it lets the holder
choose a new password once, within the hour; where the account has two-step sign-in, the code is
asked for too, so that an e-mail account alone never opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.domain.reminders import check_email
from learnloop.exceptions import InvalidInput

__all__ = [
    "ACCOUNTS_PER_ADDRESS",
    "RESET_MAILS_PER_HOUR",
    "LinkPurpose",
    "MailText",
    "check_recovery_email",
    "link_mail",
    "masked",
    "notice_mail",
]

LinkPurpose = Literal["confirm", "reset"]

# Reset links sent to one account in an hour: the owner needs one, two when the first was slow
# to arrive; past three, whoever asks is filling the owner's inbox, and more are not sent (the
# answer to the request says the same either way, so it tells nobody anything).
RESET_MAILS_PER_HOUR = 3
# Confirmation mails for one account in an hour: as many as an owner who mistyped the address
# twice needs, and no more, so that the form cannot send mail to strangers in bulk.
CONFIRM_MAILS_PER_HOUR = 3
# Accounts one address may recover at once: a parent who gave one address for each of their
# children's accounts gets a link for each; past this many, a request by address is refused as
# a list of accounts no family has (a request by username still works).
ACCOUNTS_PER_ADDRESS = 5


def check_recovery_email(address: str) -> str:
    """The address, stripped, or InvalidInput naming the field ``email``."""
    if not address.strip():
        raise InvalidInput(
            "email", "give the address to send a link to when you forget your password"
        )
    return check_email(address)


@dataclass(frozen=True)
class MailText:
    subject: str
    body: str


def link_mail(
    purpose: LinkPurpose,
    *,
    display_name: str,
    username: str,
    url: str,
    site: str,
    valid_for: str,
    words: Wording = IN_ENGLISH,
) -> MailText:
    """The mail that carries a one-time link, in plain text, written with ``words`` (the
    language of the page that asked for it). ``valid_for`` says how long the link works, in the
    reader's words ("60 minutes")."""
    if purpose == "confirm":
        subject = words("Confirm your address for learnloop")
        lines = [
            words(
                "You gave this address to the learnloop account %(username)s at %(site)s, for "
                "the day you forget your password.", username=username, site=site,
            ),
            "",
            words("To confirm it, open this link within %(time)s:", time=valid_for),
            url,
            "",
            words("If you did not ask for this, ignore this mail: nothing will be sent here again."),
        ]  # fmt: skip
    else:
        subject = words("Choose a new learnloop password")
        lines = [
            words(
                "Someone, probably you, asked to reset the password of the learnloop account "
                "%(username)s at %(site)s.", username=username, site=site,
            ),
            "",
            words("To choose a new password, open this link within %(time)s:", time=valid_for),
            url,
            "",
            words("If it was not you, ignore this mail: your password stays as it is."),
        ]  # fmt: skip
    body = "\n".join([words("Hello %(name)s,", name=display_name), "", *lines, ""])
    return MailText(subject, body)


def masked(address: str) -> str:
    """An address as a notice to another one shows it: enough for its owner to know it, not for
    a stranger who reads the mail to use it (``l***@example.org``)."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def notice_mail(
    kind: Literal["password", "address"],
    *,
    display_name: str,
    username: str,
    site: str,
    new_address: str = "",
    words: Wording = IN_ENGLISH,
) -> MailText:
    """The mail that tells the account's confirmed address of a change made to the account (its
    password, or the address itself), so that its owner hears of a change they did not make."""
    if kind == "password":
        subject = words("Your learnloop password was changed")
        what = words(
            "The password of the learnloop account %(username)s at %(site)s was changed.",
            username=username, site=site,
        )  # fmt: skip
    else:
        subject = words("Your learnloop recovery address was changed")
        what = (
            words(
                "Links for a forgotten password of the learnloop account %(username)s at %(site)s "
                "now go to %(address)s, not here.", username=username, site=site,
                address=masked(new_address),
            )
            if new_address
            else words(
                "Links for a forgotten password of the learnloop account %(username)s at %(site)s "
                "no longer go here: the address was removed.", username=username, site=site,
            )
        )  # fmt: skip
    body = "\n".join([
        words("Hello %(name)s,", name=display_name), "", what, "",
        words("If it was you, there is nothing to do."),
        words(
            "If it was not, choose a new password at once (%(url)s) and tell the site's "
            "administrators.", url=f"{site}/login/forgot",
        ),
        "",
    ])  # fmt: skip
    return MailText(subject, body)
