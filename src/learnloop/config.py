"""Settings, read from the environment (prefix ``LEARNLOOP_``) at entry points and passed down.

Every pedagogical number the platform uses lives here with the reason for its value, so that a
school can change it in one place and a change is visible in review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PedagogySettings", "Settings"]


# Where `learnloop serve` listens by default, hence the default public address.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class PedagogySettings(BaseSettings):
    """The thresholds that shape what learners see and what educators are told."""

    model_config = SettingsConfigDict(env_prefix="LEARNLOOP_", extra="ignore")

    # Mastery: BKT's P(known) at which an objective counts as mastered. 0.95 is the criterion of
    # Corbett & Anderson (1995) used by the Cognitive Tutors and most BKT deployments since.
    mastery_threshold: float = Field(default=0.95, gt=0.5, lt=1.0)
    # At least this many counted answers before mastery is declared, so that two lucky guesses on
    # a lenient prior never unlock the next objectives (ASSISTments skill builders use 3 in a row).
    mastery_min_attempts: int = Field(default=3, ge=1)
    # Wheel-spinning: Beck & Gong (2013) found that a learner who has not mastered a skill after 10
    # practice opportunities rarely does without a change of approach; the educator is told then.
    stuck_min_attempts: int = Field(default=10, ge=2)
    # Gone quiet: no answer in the class's course for this many days. Most courses meet or set
    # work weekly, so a week of silence is a whole missed cycle; in early-warning studies of
    # online courses, how often a learner is active is among the strongest early signs of
    # falling behind (Macfadyen & Dawson 2010). Shorter would flag every weekend.
    quiet_after_days: int = Field(default=7, ge=1)
    # Recommended next steps shown on the learner's home: 3 is enough to give a real choice and
    # few enough to read at a glance (product.md, "2-3 recommended next steps").
    recommendations_shown: int = Field(default=3, ge=2, le=10)
    # Item analysis (educator's "Items and misconceptions"). An item's first-try rate and
    # discrimination are judged only once this many of the class's learners tried it: with fewer,
    # one learner moves the rate by more than 20 points, too much to call an item hard or easy.
    item_min_learners: int = Field(default=5, ge=2)
    # Classical item analysis calls items that fewer than 30% answer right "difficult" and those
    # that more than 90-95% answer right "easy" (Ebel & Frisbie 1991); both tell the author
    # little about who has learned what. First tries only: later tries follow hints.
    item_hard_below: float = Field(default=0.30, gt=0.0, lt=1.0)
    item_easy_above: float = Field(default=0.95, gt=0.0, le=1.0)
    # An item-rest correlation under 0.2 marks an item that does not separate learners who know
    # the objective from those who do not; Ebel's guideline calls it poor, to be revised.
    item_discrimination_min: float = Field(default=0.2, ge=-1.0, le=1.0)
    # ... judged only once this many learners tried the item: a correlation over n learners has a
    # standard error of about 1/sqrt(n), over 0.3 below 10, as large as the gaps it should show.
    item_discrimination_min_learners: int = Field(default=10, ge=3)
    # A learner "shows" a misconception once this many answers revealed it: one can be a slip.
    misconception_min_answers: int = Field(default=2, ge=1)
    # Learning curves (educator's "Learning curves"): a point is drawn once this many of the
    # class's learners reached that practice opportunity, as for item rates (item_min_learners).
    # Curves run to stuck_min_attempts opportunities, where a learner counts as stuck.
    curve_min_learners: int = Field(default=5, ge=2)
    # A curve's category uses the categories of PSLC DataShop's learning-curve classification
    # (Koedinger, Stamper et al.) with thresholds of our own: errors count as falling when the
    # first two points' mean is curve_min_drop above the last two's (less is within the noise of a
    # class: one learner of ten moves a rate by 10 points); a curve still above curve_high_error
    # at its end (two answers in five wrong) is "still high"; one below curve_low_error from the
    # start (under one in five wrong) that does not fall is "low and flat": practice past need.
    curve_min_drop: float = Field(default=0.10, gt=0.0, lt=1.0)
    curve_high_error: float = Field(default=0.40, gt=0.0, lt=1.0)
    curve_low_error: float = Field(default=0.20, gt=0.0, lt=1.0)
    # Suggested groups hold at most this many learners: within-class groups of 3 to 4 learned
    # most in Lou et al.'s meta-analysis (1996, Review of Educational Research 66(4)), and an
    # educator can sit with four at a time.
    group_size_max: int = Field(default=4, ge=2, le=12)


class Settings(BaseSettings):
    """Where the platform keeps its data and how it serves it."""

    model_config = SettingsConfigDict(env_prefix="LEARNLOOP_", extra="ignore")

    # SQLite by default (embedded, nothing else to run); a postgresql+psycopg:// URL in production.
    database_url: str = "sqlite:///var/learnloop.db"
    # Where the instance keeps what is not in the database: the generated secret key, demo logins.
    # text: uvicorn's readable lines; json: one JSON object a line, request ids included
    log_format: Literal["text", "json"] = "text"
    # The bearer token Prometheus sends to GET /metrics; empty: no metrics endpoint (404).
    metrics_token: str = ""
    instance_dir: Path = Path("var")
    # Signs CSRF tokens. Empty means: generate one on first start and keep it in instance_dir.
    secret_key: str = ""
    # Set true behind HTTPS so that cookies are never sent in clear.
    secure_cookies: bool = False
    session_hours: int = Field(default=12, ge=1)
    # Failed logins allowed within the window before logins are refused for a while (429), per
    # account and per address. NIST SP 800-63B (5.2.2) asks for at most 100 consecutive failures
    # per account; 10 in 15 minutes stops online guessing (about 1,000 guesses a day) while an
    # owner who mistypes is rarely refused, and a success clears the count. An address gets
    # more because a school's pupils often share one public address.
    login_failures_per_account: int = Field(default=10, ge=1)
    login_failures_per_address: int = Field(default=100, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    host: str = "127.0.0.1"
    # Behind a reverse proxy, its address (comma-separated, or "*"): the client's address is then
    # read from X-Forwarded-For. Empty: the connection's own address is the client's (and behind
    # a proxy every client would share the proxy's, and its login-failure limit).
    forwarded_allow_ips: str = ""
    port: int = Field(default=8000, ge=1, le=65535)
    # The address learners and content reach the platform at: learnloop's xAPI activity ids and
    # learners' xAPI accounts live under it (docs/xapi.md), so set it to the public URL.
    public_url: str = DEFAULT_PUBLIC_URL
    # The xAPI version that answers a request naming none (it is refused with 400 either way).
    # ADL's 1.0.3 and 2.0.0 suites each want their own version on that answer: run each suite
    # with this set to match (docs/xapi.md).
    xapi_default_version: Literal["1.0.3", "2.0.0"] = "1.0.3"
    # The pages' language for a reader who chose none and whose browser asks for none that
    # learnloop has a catalog for (src/learnloop/locales): "en", or "fr".
    default_language: str = "en"
    # The largest body the LRS reads (statements with their attachments, or a document), in
    # bytes; a larger one is refused with 413 before it is read whole. Attachments are held in
    # memory while a request is checked, so this bounds what one request can cost.
    xapi_max_request_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # The largest body any page or API request may send, in bytes (the LRS has its own limit
    # above): forms and JSON are a few kilobytes, so a megabyte refuses with 413 what could only
    # fill the server's memory or disk.
    max_request_bytes: int = Field(default=1024 * 1024, ge=64 * 1024)
    # The largest file an administrator uploads (a course's zip, a roster), in bytes. A course's
    # media are already compressed (images, sound, video), so the zip is about the course's size.
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, ge=1024 * 1024)
    # The demo accounts' password; empty means: generate one per install (kept in instance_dir).
    demo_password: str = ""
    # Where `learnloop remind` sends the e-mail reminders: smtp://host[:port] (plain,
    # for a relay on the same host), smtp+starttls://user:password@host[:587], or
    # smtps://user:password@host[:465]. The pages send through it too: the links that confirm an
    # address and reset a forgotten password. Empty: no e-mail, and the pages that would send
    # some say so.
    smtp_url: str = ""
    # The From address of every mail learnloop sends: reminders, and the links that confirm an
    # address or reset a forgotten password (the relay must accept it).
    mail_from: str = "learnloop@localhost"
    # How long a link to reset a forgotten password works: long enough for a slow mail to arrive
    # and be read, short enough that an old mail found later in an inbox opens nothing (OWASP's
    # Forgot Password Cheat Sheet asks for a short life; an hour is the common choice).
    reset_link_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # How long a link that confirms a recovery address works: the owner may read mail once a day.
    confirm_link_hours: int = Field(default=48, ge=1, le=14 * 24)
    pedagogy: PedagogySettings = Field(default_factory=PedagogySettings)

    def resolved_secret_key(self) -> str:
        """The configured key, or the instance's generated one (created on first use)."""
        if self.secret_key:
            return self.secret_key
        import secrets

        path = self.instance_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
