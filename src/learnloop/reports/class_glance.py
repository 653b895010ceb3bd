"""What needs an educator in a class, at a glance: the learners who are stuck (the class page's
rule), those who have gone quiet (reports.quiet_learners), the handed-in work that waits for
feedback, the assignments past their due day that someone has not done and the questions its
learners reported that nobody has looked at yet. The educator's classes page shows it for each
class they teach, and their e-mail reminder says the same (reports.reminders), so the two never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from learnloop.config import PedagogySettings
from learnloop.domain import Viewer
from learnloop.domain.reminders import OverdueWork
from learnloop.reports.assignments import class_assignments
from learnloop.reports.class_views import class_overview
from learnloop.reports.item_reports import open_reports_in_class
from learnloop.reports.projects import class_work
from learnloop.storage import Database

__all__ = ["ClassGlance", "class_glance"]


@dataclass(frozen=True)
class ClassGlance:
    stuck: tuple[tuple[str, str], ...]  # (learner, objective title), most attempts first
    awaiting_feedback: int  # pieces of handed-in work without the educators' feedback yet
    overdue: tuple[OverdueWork, ...]  # each with how many learners have not done it
    quiet: tuple[str, ...] = ()  # learners gone quiet, the longest first
    quiet_days: int = 7  # after how many days without an answer (pedagogy.quiet_after_days)
    reported: int = 0  # the class's learners' reports on questions not looked at yet

    @property
    def anything(self) -> bool:
        return bool(
            self.stuck or self.awaiting_feedback or self.overdue or self.quiet or self.reported
        )


def class_glance(
    db: Database,
    viewer: Viewer,
    class_id: int,
    pedagogy: PedagogySettings,
    today: date,
    now: datetime | None = None,
) -> ClassGlance:
    """For the class's educators and admins (each report it reads checks); ``now`` decides who
    has gone quiet (the present moment when not given)."""
    overview = class_overview(db, viewer, class_id, pedagogy, now=now)
    stuck = overview.stuck
    waiting = len(class_work(db, viewer, class_id).awaiting)
    overdue = tuple(
        OverdueWork(a.activity_title, len(a.waiting))
        for a in class_assignments(db, viewer, class_id).assignments
        if a.overdue(today)
    )
    quiet = tuple(q.display_name for q in overview.quiet.quiet)
    return ClassGlance(tuple((x.display_name, x.objective_title) for x in stuck), waiting, overdue,
                       quiet, overview.quiet.after_days,
                       open_reports_in_class(db, viewer, class_id))  # fmt: skip
