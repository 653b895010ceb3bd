"""Roles on every route: anonymous, learner, another learner, educator of another class, the
class's educator, admin. A route missing from the matrix fails the coverage test."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount, Route

from learnloop.services.answer_withdrawal import withdraw_answer
from learnloop.services.assignments import assign_activity
from learnloop.services.class_codes import open_joining
from learnloop.services.class_groups import form_group
from learnloop.services.demo_practice import answer_for
from learnloop.services.discussion import post_message
from learnloop.services.item_reports import report_item
from learnloop.services.learning import DEFAULT_PUBLIC_URL, record_attempt
from learnloop.services.messages import send_feedback
from learnloop.services.projects import submit_work
from learnloop.services.reflections import write_reflection
from learnloop.services.xapi_forwarding import add_forward
from learnloop.storage.tables import Assignment
from learnloop.web.pages import accounts, admin, discussion, join, learn, teach
from tests.conftest import World, unlock_activity
from tests.lti_platform import pending_deep_link
from tests.web.conftest import CSRF, ROLES, role_client, role_token
from tests.web.score_bank import calibrate_demo_bank

L, OL, OE, E, A = "learner", "other_learner", "other_educator", "educator", "admin"
WORK = "recipe-project"  # the demo's project: its rubric's criteria, each given a level here
LEVELS = {"scaling": 2, "working": 1, "mixed-numbers": 1, "checking": 0}
LEARNERS = {L, OL}

# (method, path template) -> (roles allowed, status when allowed, status when denied to a logged-in
# user, status for anonymous). The learner in paths is always the world's `learner`.
PAGES: dict[tuple[str, str], tuple[set[str], int, int, int]] = {
    ("GET", "/learn"): (LEARNERS, 200, 403, 303),
    ("GET", "/learn/onboarding"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/onboarding"): (LEARNERS, 303, 403, 303),
    ("GET", "/learn/activities/{key}"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/activities/{key}/items/{item}"): (LEARNERS, 303, 403, 303),
    ("GET", "/learn/progress"): (LEARNERS, 200, 403, 303),
    ("GET", "/learn/progress/report"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/reflections"): (LEARNERS, 303, 403, 303),
    ("GET", "/learn/reminders"): (LEARNERS, 200, 403, 303),
    ("GET", "/learn/calendar"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/calendar"): (LEARNERS, 200, 403, 303),  # the new link is on this page
    ("POST", "/learn/calendar/stop"): (LEARNERS, 303, 403, 303),
    ("GET", "/admin/courses/{slug}"): ({A}, 200, 403, 303),
    ("GET", "/admin/accounts"): ({A}, 200, 403, 303),
    # no file sent: 400 for the admin, after the role check (tests/web/test_course_uploads.py
    # and test_roster_uploads.py send them)
    ("POST", "/admin/courses"): ({A}, 400, 403, 303),
    ("POST", "/admin/rosters"): ({A}, 400, 403, 303),
    ("POST", "/admin/courses/{slug}/regrade"): ({A}, 200, 403, 303),
    # a learner's own account: no username typed again, 400 after the role check
    # (tests/web/test_account_deletion.py deletes one)
    ("POST", "/account/delete"): (LEARNERS, 400, 403, 303),
    ("GET", "/admin/connections"): ({A}, 200, 403, 303),
    # a course file edited in the browser: the world's course came in without its folder's files,
    # so there is none to open or save: 404 after the role check (tests/web/test_course_files.py
    # edits one)
    ("GET", "/admin/courses/{slug}/files/{path}"): ({A}, 404, 403, 303),
    ("POST", "/admin/courses/{slug}/files/{path}"): ({A}, 404, 403, 303),
    # no path named: 400; no such file to remove: 404 (tests/web/test_course_files.py adds and
    # removes one)
    ("GET", "/admin/courses/{slug}/new-file"): ({A}, 400, 403, 303),
    ("POST", "/admin/courses/{slug}/remove-file"): ({A}, 404, 403, 303),
    # the other LRSs that get the statements: the form names none, and no LRS has that name: 400
    # and 404 for the admin, after the role check (tests/web/test_xapi_forward_pages.py sets one up)
    ("POST", "/admin/xapi-forwards"): ({A}, 400, 403, 303),
    ("POST", "/admin/xapi-forwards/remove"): ({A}, 404, 403, 303),
    ("POST", "/admin/xapi-forwards/skip"): ({A}, 404, 403, 303),
    ("POST", "/admin/xapi-forwards/credentials"): ({A}, 400, 403, 303),
    # the world's course came in without its folder's files (as by an older learnloop): 404 after
    # the role check (tests/web/test_course_uploads.py downloads one)
    ("GET", "/admin/courses/{slug}/source.zip"): ({A}, 404, 403, 303),
    # two-step sign-in: one's own, whatever the role; nothing started to confirm and no password
    # to turn it off: 400 (tests/web/test_two_step.py goes through it)
    ("GET", "/account/two-step"): ({L, OL, OE, E, A}, 200, 403, 303),
    ("POST", "/account/two-step/start"): ({L, OL, OE, E, A}, 200, 403, 303),
    ("POST", "/account/two-step/confirm"): ({L, OL, OE, E, A}, 400, 403, 303),
    ("POST", "/account/two-step/off"): ({L, OL, OE, E, A}, 400, 403, 303),
    # no username in the form: 400 for the admin, after the role check
    ("POST", "/admin/accounts/two-step-reset"): ({A}, 400, 403, 303),
    ("GET", "/admin/audit"): ({A}, 200, 403, 303),
    # a class's life: the form's "name" (Class Z) renames it; it runs, so it cannot be reopened:
    # 400 for the admin, after the role check (tests/web/test_class_lifecycle_pages.py ends one)
    ("POST", "/admin/classes/{class_id}/rename"): ({A}, 303, 403, 303),
    ("POST", "/admin/classes/{class_id}/end"): ({A}, 303, 403, 303),
    ("POST", "/admin/classes/{class_id}/reopen"): ({A}, 400, 403, 303),
    ("POST", "/admin/classes/{class_id}/delete"): ({A}, 400, 403, 303),  # it runs: end it first
    ("GET", "/admin/audit.csv"): ({A}, 200, 403, 303),
    # the form's "name" (Class Z) makes LRS credentials and a registration link; no such client to
    # revoke and no name typed twice: 400 for the admin, after the role check
    ("POST", "/admin/lrs-clients"): ({A}, 200, 403, 303),
    ("POST", "/admin/lrs-clients/revoke"): ({A}, 400, 403, 303),
    ("POST", "/admin/lti-invites"): ({A}, 200, 403, 303),
    ("POST", "/admin/lti-platforms/remove"): ({A}, 400, 403, 303),
    # the course the world's learners follow (tests/web/test_learner_courses.py switches)
    ("GET", "/learn/courses"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/courses/{course_id}"): (LEARNERS, 303, 403, 303),
    # the course they follow: on to the activity itself
    ("GET", "/learn/courses/{course_id}/activities/{key}"): (LEARNERS, 303, 403, 303),
    # a course's images: anyone signed in (course text is what any learner may choose to follow)
    ("GET", "/media/{slug}/{path}"): ({L, OL, OE, E, A}, 200, 403, 303),
    ("POST", "/learn/reminders"): (LEARNERS, 303, 403, 303),
    ("POST", "/learn/reminders/stop"): (LEARNERS, 303, 403, 303),
    # an educator's own reminders, whichever classes they teach; an admin's account has none
    ("GET", "/teach/reminders"): ({OE, E}, 200, 403, 303),
    ("POST", "/teach/reminders"): ({OE, E}, 303, 403, 303),
    ("POST", "/teach/reminders/stop"): ({OE, E}, 303, 403, 303),
    # the world learner's reflection: to anyone else it does not exist
    ("POST", "/learn/reflections/{reflection_id}/sharing"): ({L}, 303, 404, 303),
    ("POST", "/learn/reflections/{reflection_id}/delete"): ({L}, 303, 404, 303),
    # a message the class's educator sent the world learner: to anyone else it does not exist
    ("POST", "/learn/messages/{message_id}/reply"): ({L}, 303, 404, 303),
    ("POST", "/learn/activities/{key}/discussion"): (LEARNERS, 303, 403, 303),
    ("GET", "/learn/activities/{key}/items/{item}/report"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/activities/{key}/items/{item}/report"): (LEARNERS, 303, 403, 303),
    # the world learner's report on a question: answered by the class's educators (from the
    # class's items page) and admins (from the course's page)
    ("POST", "/teach/classes/{class_id}/item-reports/{report_id}/resolve"): ({E, A}, 303, 403, 303),
    ("POST", "/admin/courses/{slug}/item-reports/{report_id}/resolve"): ({A}, 303, 403, 303),
    # every open report on a question at once: the form names no question, so none waits (400
    # after the role check; tests/web/test_item_reports_pages.py answers some)
    ("POST", "/teach/classes/{class_id}/item-reports/answer-item"): ({E, A}, 400, 403, 303),
    ("POST", "/admin/courses/{slug}/item-reports/answer-item"): ({A}, 400, 403, 303),
    # handed-in work: the recipe project, unlocked for both classmates (fill)
    ("POST", "/learn/activities/{key}/work"): (LEARNERS, 303, 403, 303),
    ("GET", "/teach/classes/{class_id}/work"): ({E, A}, 200, 403, 303),
    # the work is the world learner's: to anyone but the class's educators and admins it does not
    # exist
    ("GET", "/teach/work/{submission_id}"): ({E, A}, 200, 404, 303),
    ("POST", "/teach/work/{submission_id}/review"): ({E, A}, 303, 404, 303),
    # the world learner's assignment: to anyone else it does not exist
    ("POST", "/learn/assignments/{assignment_id}/done"): ({L}, 303, 404, 303),
    ("GET", "/learn/reviews"): (LEARNERS, 200, 403, 303),
    # the educator's pending LTI deep-linking request: to anyone else it does not exist
    ("GET", "/lti/deep-link/{link_id}"): ({E}, 200, 404, 303),
    ("POST", "/lti/deep-link/{link_id}"): ({E}, 200, 404, 303),
    ("GET", "/learn/placement"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/placement/start"): (LEARNERS, 303, 403, 303),
    # a learner without a diagnostic in progress has nothing to answer: 404, after the role check
    ("POST", "/learn/placement/answer"): (LEARNERS, 404, 403, 303),
    # the score test, its bank calibrated (fill); nothing to answer before it starts: 404
    ("GET", "/learn/score-test"): (LEARNERS, 200, 403, 303),
    ("POST", "/learn/score-test/start"): (LEARNERS, 303, 403, 303),
    ("POST", "/learn/score-test/answer"): (LEARNERS, 404, 403, 303),
    ("GET", "/teach"): ({E, OE, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/learners/{learner_id}"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/learners/{learner_id}/report"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/reports"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/items"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/mastery.csv"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/items.csv"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/answers.csv"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/groups"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/curves"): ({E, A}, 200, 403, 303),
    ("POST", "/teach/classes/{class_id}/groups/new"): ({E, A}, 303, 403, 303),
    # a group of the world's class: to anyone but its educators and admins it does not exist
    ("POST", "/teach/groups/{group_id}/disband"): ({E, A}, 303, 404, 303),
    ("GET", "/teach/classes/{class_id}/discussion"): ({E, A}, 200, 403, 303),
    ("POST", "/teach/classes/{class_id}/assign"): ({E, A}, 303, 403, 303),
    ("GET", "/teach/classes/{class_id}/assignments"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/activities"): ({E, A}, 200, 403, 303),
    ("GET", "/teach/classes/{class_id}/activities/{key}"): ({E, A}, 200, 403, 303),
    ("POST", "/teach/classes/{class_id}/assignments/{assignment_id}/due"): ({E, A}, 303, 403, 303),
    ("POST", "/teach/classes/{class_id}/assignments/{assignment_id}/withdraw"): (
        {E, A},
        303,
        403,
        303,
    ),
    ("POST", "/teach/classes/{class_id}/discussion"): ({E, A}, 303, 403, 303),
    # the post is the world learner's: its author and the class's moderators take it down; to
    # anyone else it does not exist
    ("POST", "/discussion/posts/{post_id}/hide"): ({L, E, A}, 303, 404, 303),
    ("POST", "/teach/classes/{class_id}/learners/{learner_id}/feedback"): ({E, A}, 303, 403, 303),
    # the same message to the world's two learners (the groups page's form)
    ("POST", "/teach/classes/{class_id}/messages"): ({E, A}, 303, 403, 303),
    ("POST", "/teach/classes/{class_id}/learners/{learner_id}/mastery"): ({E, A}, 303, 403, 303),
    # an answer of the world learner's (fill)
    ("POST", "/teach/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/withdraw"): (
        {E, A},
        303,
        403,
        303,
    ),
    # an answer of the world learner's that the class's educator withdrew (fill)
    ("POST", "/teach/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/restore"): (
        {E, A},
        303,
        403,
        303,
    ),
    # joining a class with a code is a learner's act; the world's learners are in the class
    # already, which joining again allows (tests/web/test_join_pages.py joins a new learner)
    ("GET", "/join"): (LEARNERS, 200, 403, 303),
    ("GET", "/join/{code}"): (LEARNERS, 200, 403, 303),  # the world's class's code (fill)
    # no code given: 400 past the role check
    ("POST", "/join"): (LEARNERS, 400, 403, 303),
    # leaving the world's class, which both classmates are in: a learner's own act
    ("GET", "/account/classes/{class_id}/leave"): (LEARNERS, 200, 403, 303),
    ("POST", "/account/classes/{class_id}/leave"): (LEARNERS, 303, 403, 303),
    ("POST", "/teach/classes/{class_id}/join-code"): ({E, A}, 303, 403, 303),
    ("POST", "/teach/classes/{class_id}/join-code/delete"): ({E, A}, 303, 403, 303),
    ("GET", "/admin"): ({A}, 200, 403, 303),
    ("POST", "/admin/classes"): ({A}, 303, 403, 303),
    ("GET", "/admin/classes/{class_id}"): ({A}, 200, 403, 303),
    ("POST", "/admin/classes/{class_id}/members"): ({A}, 303, 403, 303),
    ("POST", "/admin/classes/{class_id}/members/{user_id}/remove"): ({A}, 303, 403, 303),
    # the request names no account: 400 for the admin, after the role check (tests/web/
    # test_account_deletion.py deletes one)
    ("POST", "/admin/accounts/delete"): ({A}, 400, 403, 303),
    # everyone logged in downloads their own data (tests/web/test_learner_export.py: only theirs)
    ("GET", "/account/data"): ({L, OL, OE, E, A}, 200, 403, 303),
    ("GET", "/account/data.json"): ({L, OL, OE, E, A}, 200, 403, 303),
    ("GET", "/account/password"): ({L, OL, OE, E, A}, 200, 403, 303),
    # the request gives no new password: 400 for everyone logged in (tests/web/test_passwords.py)
    ("POST", "/account/password"): ({L, OL, OE, E, A}, 400, 403, 303),
    # one's own recovery address: the matrix's instance sends no mail, so giving one is 400 for
    # everyone logged in (tests/web/test_account_recovery_pages.py gives and confirms one)
    ("POST", "/account/email"): ({L, OL, OE, E, A}, 400, 403, 303),
    ("POST", "/account/email/remove"): ({L, OL, OE, E, A}, 303, 403, 303),
    # one's own other sessions, ended (tests/web/test_own_sessions.py: only one's own)
    ("POST", "/account/sessions/end"): ({L, OL, OE, E, A}, 303, 403, 303),
    # the request names no account: 400 for the admin, after the role check
    ("POST", "/admin/accounts/password-reset"): ({A}, 400, 403, 303),
    ("GET", "/admin/identities"): ({A}, 200, 403, 303),
    # the request names no identifier: 400 for the admin, after the role check
    ("POST", "/admin/identities/link"): ({A}, 400, 403, 303),
    ("POST", "/admin/identities/unlink"): ({A}, 400, 403, 303),
}
API: dict[tuple[str, str], tuple[set[str], int, int, int]] = {
    ("DELETE", "/api/v1/auth/token"): ({L, OL, OE, E, A}, 204, 401, 401),
    ("GET", "/api/v1/me"): ({L, OL, OE, E, A}, 200, 401, 401),
    ("GET", "/api/v1/me/export"): ({L, OL, OE, E, A}, 200, 401, 401),
    ("GET", "/api/v1/courses"): ({L, OL, OE, E, A}, 200, 401, 401),
    ("GET", "/api/v1/courses/{slug}"): ({L, OL, OE, E, A}, 200, 401, 401),
    ("GET", "/api/v1/me/next-steps"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/attempts"): (LEARNERS, 201, 403, 401),
    ("GET", "/api/v1/me/mastery"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/mastery-overrides"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/withdrawn-answers"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/feedback"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/feedback/{message_id}/reply"): ({L}, 201, 404, 401),  # as the page
    # marking read the message the class's educator sent the world learner: nobody else's
    ("POST", "/api/v1/me/feedback/read"): ({L}, 200, 404, 401),
    ("GET", "/api/v1/me/discussion/{activity}"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/discussion/{activity}"): (LEARNERS, 201, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/discussion"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/discussion"): ({E, A}, 201, 403, 401),
    ("POST", "/api/v1/discussion/posts/{post_id}/hide"): ({L, E, A}, 204, 404, 401),
    ("POST", "/api/v1/classes/{class_id}/assignments"): ({E, A}, 201, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/assignments"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/activities/{key}"): ({E, A}, 200, 403, 401),
    ("PATCH", "/api/v1/classes/{class_id}/assignments/{assignment_id}"): ({E, A}, 204, 403, 401),
    ("DELETE", "/api/v1/classes/{class_id}/assignments/{assignment_id}"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/me/assignments"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/assignments/{assignment_id}/done"): ({L}, 204, 404, 401),
    ("GET", "/api/v1/me/work/{activity}"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/reflections"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/item-reports"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/admin/classes/{class_id}/rename"): ({A}, 200, 403, 401),
    ("POST", "/api/v1/admin/classes/{class_id}/end"): ({A}, 204, 403, 401),
    ("POST", "/api/v1/admin/classes/{class_id}/reopen"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/classes/{class_id}/delete"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/me/item-reports"): (LEARNERS, 201, 403, 401),
    ("POST", "/api/v1/me/item-reports/seen"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/item-reports"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/admin/courses/{slug}/item-reports"): ({A}, 200, 403, 401),
    # the world learner's report: to anyone but their class's educators and admins it does not
    # exist
    ("POST", "/api/v1/item-reports/{report_id}/resolve"): ({E, A}, 204, 404, 401),
    # the body's item (pw-4) has no open report: 400 after the role check
    ("POST", "/api/v1/classes/{class_id}/item-reports/resolve"): ({E, A}, 400, 403, 401),
    ("POST", "/api/v1/admin/courses/{slug}/item-reports/resolve"): ({A}, 400, 403, 401),
    ("GET", "/api/v1/me/reminders"): ({L, OL, OE, E}, 204, 403, 401),  # 204: none asked for yet
    ("PUT", "/api/v1/me/calendar"): (LEARNERS, 201, 403, 401),
    ("DELETE", "/api/v1/me/calendar"): (LEARNERS, 204, 403, 401),
    ("GET", "/api/v1/me/profile"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/admin/classes"): ({A}, 201, 403, 401),
    ("GET", "/api/v1/admin/classes/{class_id}/members"): ({A}, 200, 403, 401),
    ("POST", "/api/v1/admin/classes/{class_id}/members"): ({A}, 200, 403, 401),
    ("DELETE", "/api/v1/admin/classes/{class_id}/members/{user_id}"): ({A}, 204, 403, 401),
    ("POST", "/api/v1/admin/accounts/password-reset"): ({A}, 200, 403, 401),
    ("POST", "/api/v1/admin/accounts/delete"): ({A}, 200, 403, 401),
    # no username, no identifier: 400 for the admin, after the role check
    ("GET", "/api/v1/admin/xapi-identities"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/xapi-identities"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/xapi-identities/unlink"): ({A}, 400, 403, 401),
    ("PUT", "/api/v1/me/profile"): (LEARNERS, 204, 403, 401),
    ("GET", "/api/v1/me/courses"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/admin/courses/{slug}"): ({A}, 200, 403, 401),
    ("GET", "/api/v1/admin/accounts"): ({A}, 200, 403, 401),
    # a JSON body, not a zip or a CSV: 400 for the admin, after the role check
    ("POST", "/api/v1/admin/courses"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/rosters"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/courses/{slug}/regrade"): ({A}, 200, 403, 401),
    ("POST", "/api/v1/me/delete"): (LEARNERS, 400, 403, 401),
    ("GET", "/api/v1/admin/connections"): ({A}, 200, 403, 401),
    ("GET", "/api/v1/admin/courses/{slug}/source.zip"): ({A}, 404, 403, 401),
    ("GET", "/api/v1/admin/audit"): ({A}, 200, 403, 401),
    # one's own two-step sign-in, whatever the role; nothing started to confirm, no password to
    # turn it off: 400 (tests/web/test_two_step.py goes through it)
    ("GET", "/api/v1/me/recovery-email"): ({L, OL, OE, E, A}, 200, 403, 401),
    ("GET", "/api/v1/me/sessions"): ({L, OL, OE, E, A}, 200, 403, 401),
    ("GET", "/api/v1/me/progress-report"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learners/{learner_id}/report"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/reports"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/me/sessions/end"): ({L, OL, OE, E, A}, 200, 403, 401),
    ("GET", "/api/v1/admin/xapi-forwards"): ({A}, 200, 403, 401),
    # the world's course kept none of its folder's files: an empty list, and 404 for one
    # (tests/web/test_course_files.py changes one)
    ("GET", "/api/v1/admin/courses/{slug}/files"): ({A}, 200, 403, 401),
    ("GET", "/api/v1/admin/courses/{slug}/files/{path}"): ({A}, 404, 403, 401),
    ("PUT", "/api/v1/admin/courses/{slug}/files/{path}"): ({A}, 404, 403, 401),
    ("DELETE", "/api/v1/admin/courses/{slug}/files/{path}"): ({A}, 404, 403, 401),
    # an empty body: 400 for the admin after the role check
    ("POST", "/api/v1/admin/xapi-forwards"): ({A}, 400, 403, 401),
    ("DELETE", "/api/v1/admin/xapi-forwards/{name}"): ({A}, 204, 403, 401),
    # it refused no statement: 400 (tests/web/test_xapi_forward_pages.py skips one)
    ("POST", "/api/v1/admin/xapi-forwards/{name}/skip"): ({A}, 400, 403, 401),
    # no credentials given: 400 after the role check (tests/web/test_xapi_forward_pages.py
    # changes them)
    ("PUT", "/api/v1/admin/xapi-forwards/{name}/credentials"): ({A}, 400, 403, 401),
    # no mail from the matrix's instance: 400 after the role check (tests/web/
    # test_account_recovery_api.py gives one through a real relay)
    ("PUT", "/api/v1/me/recovery-email"): ({L, OL, OE, E, A}, 400, 403, 401),
    ("DELETE", "/api/v1/me/recovery-email"): ({L, OL, OE, E, A}, 204, 403, 401),
    ("GET", "/api/v1/me/two-step"): ({L, OL, OE, E, A}, 200, 403, 401),
    ("POST", "/api/v1/me/two-step"): ({L, OL, OE, E, A}, 201, 403, 401),
    ("POST", "/api/v1/me/two-step/confirm"): ({L, OL, OE, E, A}, 400, 403, 401),
    ("POST", "/api/v1/me/two-step/off"): ({L, OL, OE, E, A}, 400, 403, 401),
    # omar does not sign in in two steps: 400 for the admin, after the role check
    ("POST", "/api/v1/admin/accounts/two-step-reset"): ({A}, 400, 403, 401),
    ("POST", "/api/v1/admin/lrs-clients"): ({A}, 201, 403, 401),
    # no client named "Table two": 404; its name not typed twice ("omar"): 400
    ("POST", "/api/v1/admin/lrs-clients/revoke"): ({A}, 404, 403, 401),
    ("POST", "/api/v1/admin/lti-invites"): ({A}, 201, 403, 401),
    ("POST", "/api/v1/admin/lti-platforms/remove"): ({A}, 400, 403, 401),
    ("PUT", "/api/v1/me/course"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/reviews"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/me/placement"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/placement"): (LEARNERS, 201, 403, 401),
    # 404 past the role check: no diagnostic in progress to answer (tests/web/test_api_journey.py
    # answers one)
    ("POST", "/api/v1/me/placement/answers"): (LEARNERS, 404, 403, 401),
    ("GET", "/api/v1/me/score-test"): (LEARNERS, 200, 403, 401),
    ("POST", "/api/v1/me/score-test"): (LEARNERS, 201, 403, 401),
    ("POST", "/api/v1/me/score-test/answers"): (LEARNERS, 404, 403, 401),
    ("POST", "/api/v1/me/reflections/{reflection_id}/sharing"): ({L}, 204, 404, 401),
    ("DELETE", "/api/v1/me/reflections/{reflection_id}"): ({L}, 204, 404, 401),
    ("PUT", "/api/v1/me/reminders"): ({L, OL, OE, E}, 204, 403, 401),
    ("DELETE", "/api/v1/me/reminders"): ({L, OL, OE, E}, 204, 403, 401),
    ("GET", "/api/v1/me/class-groups"): (LEARNERS, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/class-groups"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/class-groups"): ({E, A}, 201, 403, 401),
    ("POST", "/api/v1/class-groups/{group_id}/disband"): ({E, A}, 204, 404, 401),
    ("POST", "/api/v1/me/reflections"): (LEARNERS, 201, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learners/{learner_id}/reflections"): (
        {E, A},
        200,
        403,
        401,
    ),
    ("POST", "/api/v1/me/work/{activity}"): (LEARNERS, 201, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/work"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/work/{submission_id}/review"): ({E, A}, 204, 404, 401),
    ("GET", "/api/v1/classes"): ({E, OE, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/report"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/items"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/mastery.csv"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/items.csv"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/answers.csv"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/groups"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learning-curves"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learners/{learner_id}"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learners/{learner_id}/mastery"): ({E, A}, 200, 403, 401),
    ("GET", "/api/v1/classes/{class_id}/learners/{learner_id}/answers"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/withdraw"): (
        {E, A},
        200,
        403,
        401,
    ),
    ("POST", "/api/v1/classes/{class_id}/learners/{learner_id}/answers/{attempt_id}/restore"): (
        {E, A},
        200,
        403,
        401,
    ),
    # the class's code, opened for these (fill)
    ("GET", "/api/v1/classes/{class_id}/join-code"): ({E, A}, 200, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/join-code"): ({E, A}, 201, 403, 401),
    ("DELETE", "/api/v1/classes/{class_id}/join-code"): ({E, A}, 204, 403, 401),
    # no code given: 400 past the role check (tests/web/test_join_pages.py joins)
    ("POST", "/api/v1/me/classes"): (LEARNERS, 400, 403, 401),
    # both learners are in the world's class; educators and admins are never "in" one to leave
    ("GET", "/api/v1/me/classes"): (LEARNERS, 200, 403, 401),
    ("DELETE", "/api/v1/me/classes/{class_id}"): (LEARNERS, 204, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/learners/{learner_id}/feedback"): ({E, A}, 201, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/feedback"): ({E, A}, 201, 403, 401),
    ("POST", "/api/v1/classes/{class_id}/learners/{learner_id}/mastery-overrides"): (
        {E, A},
        201,
        403,
        401,
    ),
}
# Open to everyone by design: the ways in, and what carries no data.
PUBLIC = {
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/register"),
    ("POST", "/register"),
    ("POST", "/logout"),
    ("GET", "/healthz"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/xapi/about"),  # the LRS's versions: public by the xAPI specification
    # the pages' language, for anyone (the login page speaks it too); CSRF-checked
    # (tests/web/test_languages.py)
    ("POST", "/language"),
    # a reminder's own stop link: its HMAC token is the authority, for one learner's reminders
    # only, and GET stops nothing (tests/web/test_reminders_pages.py, tests/cli/test_remind.py)
    ("GET", "/reminders/stop"),
    ("POST", "/reminders/stop"),
    # a learner's calendar feed: its link's secret is the authority, read-only, for one learner's
    # due days (tests/web/test_calendar.py); an unknown secret is 404
    ("GET", "/calendar/{token}.ics"),
    # the second sign-in step: its signed, five-minute cookie from a right password is the
    # authority; without it both lead back to /login (tests/web/test_two_step.py)
    ("GET", "/login/code"),
    ("POST", "/login/code"),
    # a forgotten password: anyone may ask (the same answer whatever matched; limited per client
    # and per name typed); a mailed link's secret is the authority for one account's address or
    # password, once (tests/web/test_account_recovery_pages.py, tests/services/
    # test_account_recovery.py)
    ("GET", "/login/forgot"),
    ("POST", "/login/forgot"),
    ("GET", "/login/reset/{token}"),
    ("POST", "/login/reset/{token}"),
    ("GET", "/account/email/confirm/{token}"),
    ("POST", "/account/email/confirm/{token}"),
    ("POST", "/api/v1/auth/forgot"),
    ("POST", "/api/v1/auth/reset"),
    ("POST", "/api/v1/auth/recovery-email/confirm"),
}

# LTI 1.3, open to whoever the platform sends: a launch is checked by the platform's signature, the
# one-time state and the nonce, never by a session or a role (tests/web/test_lti.py, for each role)
LTI = {
    ("GET", "/lti/login"),
    ("POST", "/lti/login"),
    ("POST", "/lti/launch"),
    ("GET", "/lti/jwks"),
    ("GET", "/lti/register/{code}"),
}  # the one-time code is the authority: tests/web/test_lti.py

# Answers only the metrics token (LEARNLOOP_METRICS_TOKEN), never a user: tests/web/test_observability.py
METRICS = {("GET", "/metrics")}

# The LRS answers only LRS client credentials (HTTP Basic), never a user's session or token: every
# role is refused with 401 (tests/web/test_xapi.py covers the clients, read-only and read-write).
XAPI = {
    ("GET", "/xapi/statements"),
    ("HEAD", "/xapi/statements"),
    ("POST", "/xapi/statements"),
    ("PUT", "/xapi/statements"),
    ("GET", "/xapi/activities"),
    ("HEAD", "/xapi/activities"),
    ("GET", "/xapi/agents"),
    ("HEAD", "/xapi/agents"),
} | {
    (method, path)
    for path in ("/xapi/activities/state", "/xapi/activities/profile", "/xapi/agents/profile")
    for method in ("GET", "HEAD", "PUT", "POST", "DELETE")
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every route the app serves: from the OpenAPI schemas of the app and of each mounted API
    (whatever module declared them), plus routes kept out of the schema on purpose."""
    found: set[tuple[str, str]] = set()

    def from_schema(schema: dict[str, Any], prefix: str) -> None:
        for path, operations in schema["paths"].items():
            found.update((method.upper(), prefix + path) for method in operations)

    from_schema(app.openapi(), "")
    for route in app.routes:
        if isinstance(route, Mount) and isinstance(route.app, FastAPI):
            from_schema(route.app.openapi(), route.path)
            docs = {route.app.openapi_url, route.app.docs_url, route.app.redoc_url,
                    route.app.swagger_ui_oauth2_redirect_url}  # fmt: skip
            for inner in route.app.routes:  # kept out of the mounted app's schema on purpose
                if isinstance(inner, APIRoute) and not inner.include_in_schema:
                    found.update((m, route.path + inner.path) for m in inner.methods)
                elif isinstance(inner, Route) and inner.path not in docs:  # plain Starlette routes
                    found.update((m, route.path + inner.path) for m in inner.methods or ())
        if isinstance(route, APIRoute):
            found.update((m, route.path) for m in route.methods)
    for router in (
        accounts.router,
        learn.router,
        join.router,
        teach.router,
        admin.router,
        discussion.router,
    ):
        for r in router.routes:
            if isinstance(r, APIRoute) and not r.include_in_schema:
                found.update((m, r.path) for m in r.methods)
    return found


def test_every_route_has_a_role_rule(app: FastAPI) -> None:
    assert app_routes(app) == set(PAGES) | set(API) | PUBLIC | XAPI | METRICS | LTI


def fill(path: str, world: World) -> str:
    assignment_id = 0
    if "{assignment_id}" in path:
        assign_activity(
            world.db, world.educator, class_id=world.class_id,
            learner_ids=[world.learner.user_id], activity_key="parts-practice",
        )  # fmt: skip
        with world.db.reading() as s:
            assignment_id = s.scalar(select(func.max(Assignment.id))) or 0
    post_id = 0
    if "{post_id}" in path:
        post_id = post_message(
            world.db, world.learner, activity_key="parts-practice", body="Is 2/4 the same as 1/2?"
        )
    work = "/work" in path and (
        "{key}" in path or "{activity}" in path or "{submission_id}" in path
    )
    if work:  # the recipe project takes work: open it to both classmates
        for learner in (world.learner, world.other_learner):
            unlock_activity(world, learner, WORK)
    group_id = 0
    if "{group_id}" in path:
        group_id = form_group(
            world.db, world.educator, class_id=world.class_id, name="Table one",
            learner_ids=[world.learner.user_id, world.other_learner.user_id],
        )  # fmt: skip
    reflection_id = 0
    if "{reflection_id}" in path:
        reflection_id = write_reflection(
            world.db, world.learner, objective="", went_well="the pizzas", still_hard="",
            next_step="", shared=True,
        )  # fmt: skip
    report_id = 0
    if "{report_id}" in path:
        report_id = report_item(
            world.db, world.learner, activity_key="parts-practice", item_key="pw-3", kind="typo",
            comment="",
        )  # fmt: skip
    if "score-test" in path:
        calibrate_demo_bank(world)
    link_id = ""
    if "{link_id}" in path:
        link_id = pending_deep_link(world)
    attempt_id = 0
    if "{attempt_id}" in path:
        attempt_id = record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
            response=answer_for(world.course, "pw-3", False),
        ).attempt_id  # fmt: skip
        if path.endswith("/restore"):
            withdraw_answer(
                world.db, world.educator, class_id=world.class_id,
                learner_id=world.learner.user_id, attempt_id=attempt_id, reason="by mistake",
                public_url=DEFAULT_PUBLIC_URL,
            )  # fmt: skip
    message_id = 0
    if "{message_id}" in path:
        message_id = send_feedback(
            world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
            body="Try the strips",
        )  # fmt: skip
    code = ""
    if "join-code" in path or "{code}" in path:
        code = open_joining(world.db, world.educator, class_id=world.class_id).code
    submission_id = 0
    if "{submission_id}" in path:
        submission_id = submit_work(world.db, world.learner, activity_key=WORK, body="For 6: ...")
    if "{name}" in path:  # an LRS that gets the statements, by that name
        add_forward(world.db, world.admin, name="district", endpoint="https://lrs.example.org/xapi/",
                    username="k", password="s", version="1.0.3", scope="own", from_start=False,
                    key="test-secret", now=datetime.now(UTC))  # fmt: skip
    return path.format(
        name="district",
        assignment_id=assignment_id,
        attempt_id=attempt_id,
        post_id=post_id,
        submission_id=submission_id,
        reflection_id=reflection_id,
        report_id=report_id,
        group_id=group_id,
        link_id=link_id,
        code=code,
        message_id=message_id,
        key=WORK if work else "parts-practice",
        activity=WORK if work else "parts-practice",
        item="pw-4",
        class_id=world.class_id,
        course_id=world.course_id,
        learner_id=world.learner.user_id,
        user_id=world.learner.user_id,
        slug="fractions",
        path="three-quarters.svg",
    )


def page_request(client: TestClient, method: str, path: str, world: World) -> Any:
    if method == "GET":
        return client.get(path)
    token = CSRF.search(client.get("/login").text) if not client.cookies.get("ll_session") else None
    csrf = token.group(1) if token else client.cookies.get("ll_csrf")
    data = {
        "csrf_token": csrf,
        "response": "5/12",
        "body": "Keep going",
        "goal_objective": "compare",
        "objective": "parts-of-a-whole",
        "action": "mastered",
        "reason": "Seen on paper",
        "activity": "parts-practice",
        "name": "Class Z",
        "course": "fractions",
        "usernames": "teacher2",
        "learner_id": [str(world.learner.user_id), str(world.other_learner.user_id)],
        **{f"level-{key}": str(level) for key, level in LEVELS.items()},
        "went_well": "The pizza questions",  # "name" above names a new class and a new group
        "email": "lea@example.org",
        "frequency": "daily",
        "kind": "typo",
    }
    return client.post(path, data=data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(PAGES))
def test_page_roles(method: str, path: str, role: str, app: FastAPI, sqlite_world: World) -> None:
    allowed, ok, denied, anonymous = PAGES[(method, path)]
    with role_client(app, sqlite_world, role) as client:  # only this role logs in: a faster test
        response = page_request(client, method, fill(path, sqlite_world), sqlite_world)
    expected = anonymous if role == "anonymous" else (ok if role in allowed else denied)
    assert response.status_code == expected, (role, response.status_code, response.text[:300])
    if role == "anonymous":
        assert response.headers["location"].startswith("/login")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_roles(
    method: str,
    path: str,
    role: str,
    client: TestClient,
    sqlite_world: World,
) -> None:
    allowed, ok, denied, anonymous = API[(method, path)]
    token = role_token(client, sqlite_world, role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {
        "activity": "parts-practice", "item": "pw-4", "response": "5/12", "body": "Keep going",
        "objective": "parts-of-a-whole", "action": "mastered", "reason": "Seen on paper",
        "learner_ids": [sqlite_world.learner.user_id, sqlite_world.other_learner.user_id],
        "levels": LEVELS, "name": "Table two",
        "went_well": "The pizza questions", "email": "lea@example.org", "frequency": "daily",
        "shared": False, "course": "fractions", "usernames": ["teacher2"], "username": "omar",
        "confirm": "omar", "due_on": None, "course_id": sqlite_world.course_id, "kind": "typo",
    }  # fmt: skip
    if path.endswith("/feedback/read"):
        body["ids"] = [
            send_feedback(
                sqlite_world.db, sqlite_world.educator, class_id=sqlite_world.class_id,
                learner_id=sqlite_world.learner.user_id, body="Read me",
            )
        ]  # fmt: skip
    if path.endswith("/item-reports/seen"):
        body["ids"] = []  # one's own reports only: nobody marks another's
    response = client.request(
        method, fill(path, sqlite_world), headers=headers,
        json=body if method in ("POST", "PUT", "PATCH") else None,
    )  # fmt: skip
    expected = anonymous if role == "anonymous" else (ok if role in allowed else denied)
    assert response.status_code == expected, (role, response.text[:300])


def test_a_learner_never_sees_another_learners_record(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    own = clients["other_learner"].get(
        f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}"
    )
    assert own.status_code == 403
    outsider = clients["other_educator"].get(
        f"/teach/classes/{sqlite_world.other_class_id}/learners/{sqlite_world.learner.user_id}"
    )
    assert outsider.status_code == 404  # not in that class: no hint that the learner exists


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(XAPI))
def test_the_lrs_refuses_every_user_role(
    method: str,
    path: str,
    role: str,
    clients: dict[str, TestClient],
    tokens: dict[str, str | None],
) -> None:
    token = tokens[role]
    headers = {"X-Experience-API-Version": "1.0.3"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # a logged-in page client carries its session cookie too
    response = clients[role].request(method, path, headers=headers, json={})
    assert response.status_code == 401, (role, response.text[:200])


@pytest.mark.parametrize(("method", "path"), sorted(k for k in PAGES if k[0] == "POST"))
def test_every_form_needs_its_csrf_token(
    method: str, path: str, clients: dict[str, TestClient], sqlite_world: World
) -> None:
    """Each POST page route, sent by a role allowed to use it, without a token and with a forged
    one: refused with 403 before anything happens."""
    allowed = PAGES[(method, path)][0]
    role = next(r for r in (L, E, A, OL, OE) if r in allowed)
    url = fill(path, sqlite_world)
    data = {
        "body": "Keep going",
        "went_well": "x",
        "reason": "Seen",
        "objective": "parts-of-a-whole",
    }
    missing = clients[role].post(url, data=data)
    forged = clients[role].post(url, data={**data, "csrf_token": "forged.0000"})
    assert missing.status_code == forged.status_code == 403, (role, missing.status_code)
