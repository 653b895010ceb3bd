"""The JSON API, mounted at /api/v1, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from fastapi import FastAPI

from learnloop import __version__
from learnloop.web.api import (
    account_recovery,
    activity_keys,
    admin,
    admin_audit,
    admin_classes,
    admin_connections,
    admin_course_files,
    admin_courses,
    admin_forwards,
    admin_rosters,
    answers,
    assignments,
    auth,
    class_analysis,
    class_groups,
    classes,
    courses,
    discussion,
    item_reports,
    join_codes,
    journey,
    me,
    progress_reports,
    reflections,
    reminders,
    score_test,
    two_step,
    work,
)

__all__ = ["create_api"]


def create_api() -> FastAPI:
    api = FastAPI(
        title="learnloop API",
        version=__version__,
        description="Everything the pages do, as JSON. Authenticate with POST /auth/token, then send "
        "`Authorization: Bearer <token>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    for module in (
        auth,
        account_recovery,
        two_step,
        courses,
        me,
        journey,
        progress_reports,
        score_test,
        classes,
        join_codes,
        answers,
        class_analysis,
        discussion,
        assignments,
        activity_keys,
        work,
        reflections,
        item_reports,
        reminders,
        class_groups,
        admin,
        admin_audit,
        admin_classes,
        admin_connections,
        admin_forwards,
        admin_course_files,
        admin_courses,
        admin_rosters,
    ):
        api.include_router(module.router)
    return api
