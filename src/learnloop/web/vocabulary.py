"""Words the pages show for the platform's own codes (an activity's modality, an objective's
state, an account's role, a goal's pace), in English and marked for the catalogs; templates show them through
the reader's catalog (``{{ _(labels[modality]) }}``). ``i18n.install`` makes them globals of
every template."""

from __future__ import annotations

from learnloop.domain.language import N_

__all__ = ["MODALITY_LABELS", "PACE_LABELS", "REPORT_KIND_LABELS", "ROLE_LABELS", "STATE_LABELS"]

MODALITY_LABELS = {
    "reading": N_("Reading"),
    "video": N_("Video"),
    "interactive": N_("Interactive practice"),
    "hands-on": N_("Hands-on task"),
    "project": N_("Project"),
}
# An objective's state for a learner (``reports.learner_views``).
STATE_LABELS = {
    "mastered": N_("mastered"),
    "in-progress": N_("in progress"),
    "ready": N_("ready"),
    "locked": N_("locked"),
}
# Where a learner stands against their own goal (``domain.goals.GoalPace.status``), as their
# educator reads it.
PACE_LABELS = {
    "done": N_("reached"),
    "no-date": N_("no date set"),
    "overdue": N_("date passed"),
    "starting": N_("no pace yet"),
    "on-track": N_("on track"),
    "behind": N_("behind"),
}
ROLE_LABELS = {
    "learner": N_("learner"),
    "educator": N_("educator"),
    "admin": N_("admin"),
}
# What a learner says is wrong with a question (``domain.item_reports.REPORT_KINDS``), as the
# report form offers it and its readers see it.
REPORT_KIND_LABELS = {
    "answer-key": N_("The answer marked right is wrong, or a right answer was marked wrong"),
    "unclear": N_("The question is unclear"),
    "typo": N_("A typo, or a part that does not show"),
    "other": N_("Something else"),
}
