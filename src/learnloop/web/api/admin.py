"""What the admin pages do, as JSON, for a district's scripts: classes and their members, a
one-time password, deleting an account and everything about the person, and the names accounts
go by in xAPI content on other sites (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from learnloop.reports.account_directory import ACCOUNTS_PAGE, find_accounts
from learnloop.reports.admin_views import class_members
from learnloop.reports.course_health import FitState, course_health
from learnloop.reports.xapi_person import linked_identities
from learnloop.services.accounts import reset_password
from learnloop.services.classes import add_members, create_class_for, remove_member
from learnloop.services.erasure import delete_account
from learnloop.services.two_factor import reset_two_factor
from learnloop.services.xapi_identities import link_identity, unlink_identity
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/admin", tags=["admin"])


class ClassIn(BaseModel):
    name: str = Field(max_length=200)
    course: str = Field(max_length=64)  # the course's slug


class ClassCreated(BaseModel):
    id: int


class MemberOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


class MembersOut(BaseModel):
    id: int
    name: str
    course_title: str
    members: list[MemberOut]
    ended_at: datetime | None  # when the class was ended, else null


class MembersIn(BaseModel):
    usernames: list[str] = Field(max_length=5000)


class EnrolmentOut(BaseModel):
    added: list[str]
    already: list[str]  # were in the class before


class AccountIn(BaseModel):
    username: str = Field(max_length=64)


class DeletionIn(BaseModel):
    username: str = Field(max_length=64)
    confirm: str = Field(max_length=64)  # the username again


class OneTimePassword(BaseModel):
    username: str
    password: str  # shown once; the person must choose their own at the next login


class DeletionOut(BaseModel):
    username: str
    rows: dict[str, int]  # rows deleted, by table
    copies_to_void: int  # copies in other LRSs the next forwarding run voids


class FitOut(BaseModel):
    fitted_at: datetime | None  # null: not fitted yet (the authors' or default parameters run)
    fitted_on: int  # answers (reviews for the memory) it was fitted on
    since: int  # answers or reviews recorded since (all of them before a first fit)
    needed: int  # the least a fit takes
    quality: float | None  # on held-out data: AUC for the learner model, log loss for the memory
    # the same measure, on the same held-out learners or memories, of what runs without the fit
    # (the authors' BKT; FSRS's defaults), and whether the fit is used (false: that predicted
    # them better, so it still runs)
    baseline: float | None = None
    adopted: bool = True
    stale: bool  # looks like the nightly fit has stopped (see docs/operations.md)

    @classmethod
    def of(cls, fit: FitState, now: datetime) -> FitOut:
        return cls(fitted_at=fit.fitted_at, fitted_on=fit.fitted_on, since=fit.since,
                   needed=fit.needed, quality=fit.quality, baseline=fit.baseline,
                   adopted=fit.adopted, stale=fit.stale(now))  # fmt: skip


class CourseClassOut(BaseModel):
    id: int
    name: str
    learners: int
    ended_at: datetime | None  # null: the class runs


class CourseHealthOut(BaseModel):
    slug: str
    title: str
    imported_at: datetime
    objectives: int
    activities: int
    items: int
    media_files: int
    classes: list[CourseClassOut]
    following: int  # learners following it now
    started: int  # learners who chose their goal in it
    answers: int
    model_kind: str  # what course.yaml chose
    fitted_kind: str | None
    # a fitted BKT: how many objectives have parameters of their own (the others, answered by
    # fewer than 10 learners, keep the authors'); null for the other kinds or before a fit
    objectives_fitted: int | None
    model: FitOut
    memory: FitOut
    score: FitOut | None  # null: the course has no score test
    source_files: int  # its authors' files kept: GET .../source.zip downloads them (0: none yet)


class ClassRef(BaseModel):
    id: int
    name: str


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    created_at: datetime
    must_change_password: bool  # a one-time password not yet replaced
    classes: list[ClassRef]
    resets_by_email: bool  # a confirmed recovery address: they reset a forgotten password


class AccountsOut(BaseModel):
    total: int  # accounts that match
    offset: int
    next_offset: int | None  # where the next page starts; null on the last
    accounts: list[AccountOut]


@router.get("/accounts", response_model=AccountsOut)
def accounts(
    platform: PlatformDep,
    viewer: ApiViewer,
    q: Annotated[str, Query(max_length=200)] = "",
    role: Annotated[str, Query(max_length=16)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=ACCOUNTS_PAGE)] = ACCOUNTS_PAGE,
) -> AccountsOut:
    """Accounts whose username or name contains ``q`` (any case), of one ``role`` or all."""
    page = find_accounts(platform.db, viewer, query=q, role=role, offset=offset, limit=limit)
    return AccountsOut(
        total=page.total, offset=page.offset, next_offset=page.next_offset,
        accounts=[
            AccountOut(id=a.id, username=a.username, display_name=a.display_name, role=a.role,
                       created_at=a.created_at, must_change_password=a.must_change_password,
                       classes=[ClassRef(id=i, name=n) for i, n in a.classes],
                       resets_by_email=a.resets_by_email)
            for a in page.accounts
        ],
    )  # fmt: skip


@router.get("/courses/{slug}", response_model=CourseHealthOut)
def course(slug: str, platform: PlatformDep, viewer: ApiViewer) -> CourseHealthOut:
    """A course's contents, who uses it, and the models fitted on its data."""
    c = course_health(platform.db, viewer, slug)
    return CourseHealthOut(
        slug=c.slug, title=c.title, imported_at=c.imported_at, objectives=c.objectives,
        activities=c.activities, items=c.items, media_files=c.media_files,
        classes=[
            CourseClassOut(id=i, name=n, learners=k, ended_at=e) for i, n, k, e in c.classes
        ],
        following=c.following, started=c.started, answers=c.answers, model_kind=c.model_kind,
        fitted_kind=c.fitted_kind, objectives_fitted=c.objectives_fitted,
        model=FitOut.of(c.model, c.now),
        memory=FitOut.of(c.memory, c.now),
        score=FitOut.of(c.score, c.now) if c.score is not None else None,
        source_files=c.source_files,
    )  # fmt: skip


@router.post("/classes", response_model=ClassCreated, status_code=201)
def new_class(body: ClassIn, platform: PlatformDep, viewer: ApiViewer) -> ClassCreated:
    made = create_class_for(platform.db, viewer, name=body.name, course_slug=body.course)
    return ClassCreated(id=made)


@router.get("/classes/{class_id}/members", response_model=MembersOut)
def members(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> MembersOut:
    c = class_members(platform.db, viewer, class_id)
    return MembersOut(
        id=c.id, name=c.name, course_title=c.course_title, ended_at=c.ended_at,
        members=[MemberOut(id=i, username=u, display_name=d, role=r) for i, u, d, r in c.members],
    )  # fmt: skip


@router.post("/classes/{class_id}/members", response_model=EnrolmentOut)
def add(class_id: int, body: MembersIn, platform: PlatformDep, viewer: ApiViewer) -> EnrolmentOut:
    done = add_members(platform.db, viewer, class_id=class_id, usernames="\n".join(body.usernames))
    return EnrolmentOut(added=list(done.added), already=list(done.already))


@router.delete("/classes/{class_id}/members/{user_id}", status_code=204)
def remove(class_id: int, user_id: int, platform: PlatformDep, viewer: ApiViewer) -> Response:
    remove_member(platform.db, viewer, class_id=class_id, user_id=user_id)
    return Response(status_code=204)


@router.post("/accounts/password-reset", response_model=OneTimePassword)
def password_reset(body: AccountIn, platform: PlatformDep, viewer: ApiViewer) -> OneTimePassword:
    password = reset_password(platform.db, platform.hasher, viewer, username=body.username)
    return OneTimePassword(username=body.username.strip(), password=password)


@router.post("/accounts/two-step-reset", status_code=204)
def two_step_reset(body: AccountIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Turn the account's two-step sign-in off: its password alone signs it in again."""
    reset_two_factor(platform.db, viewer, username=body.username)
    return Response(status_code=204)


@router.post("/accounts/delete", response_model=DeletionOut)
def delete(body: DeletionIn, platform: PlatformDep, viewer: ApiViewer) -> DeletionOut:
    """Delete an account and everything kept about the person (services.erasure)."""
    erased = delete_account(
        platform.db, viewer, username=body.username, confirm=body.confirm,
        public_url=platform.settings.public_url,
    )  # fmt: skip
    return DeletionOut(username=erased.username, rows=erased.rows, copies_to_void=erased.voids)


class IdentityIn(BaseModel):
    """One identifier, in xAPI's own names: give one of mbox, mbox_sha1sum, openid, or
    account_homePage with account_name."""

    username: str = Field(max_length=64)
    mbox: str = Field("", max_length=600)
    mbox_sha1sum: str = Field("", max_length=40)
    openid: str = Field("", max_length=600)
    account_homePage: str = Field("", max_length=600)  # noqa: N815 (xAPI's own name)
    account_name: str = Field("", max_length=600)

    def fields(self) -> dict[str, str]:
        return self.model_dump(exclude={"username"})


class IdentityOut(BaseModel):
    agent: dict[str, Any]  # the identifier, as an xAPI Agent
    derived_from: str | None  # the key of the linked address this SHA-1 came with


class LinkOut(BaseModel):
    linked: bool  # false: it was linked to this account already


@router.get("/xapi-identities", response_model=list[IdentityOut])
def identities(platform: PlatformDep, viewer: ApiViewer, username: str = "") -> list[IdentityOut]:
    """The names ``username``'s account goes by in xAPI content on other sites."""
    found = linked_identities(platform.db, username[:64], viewer)
    return [IdentityOut(**identity) for identity in found]


@router.post("/xapi-identities", response_model=LinkOut, status_code=201)
def link(body: IdentityIn, platform: PlatformDep, viewer: ApiViewer) -> LinkOut:
    """Link one identifier: statements naming it count as the account's (docs/xapi.md)."""
    added = link_identity(
        platform.db, username=body.username, fields=body.fields(),
        public_url=platform.settings.public_url, viewer=viewer,
    )  # fmt: skip
    return LinkOut(linked=added)


@router.post("/xapi-identities/unlink", status_code=204)
def unlink(body: IdentityIn, platform: PlatformDep, viewer: ApiViewer) -> Response:
    """Unlink one identifier (with the SHA-1 its address brought); counted statements stay."""
    unlink_identity(platform.db, username=body.username, fields=body.fields(), viewer=viewer)
    return Response(status_code=204)
