"""LTI 1.3 tool

Registered platforms and their deployments, logins under way, and the accounts and classes that
stand for a platform's people and courses; gradable links and the scores sent to them; the tool's
own signing keys (product.md, Interoperability: "LTI 1.3 tool").

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.String(length=1000), nullable=False),
        sa.Column("auth_token_url", sa.String(length=1000), nullable=False),
        sa.Column("jwks_url", sa.String(length=1000), nullable=False),
        sa.Column("jwks", sa.JSON(), nullable=False),
        sa.Column("jwks_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_lti_platforms_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platforms_issuer")),
        sa.UniqueConstraint("name", name=op.f("uq_lti_platforms_name")),
    )  # fmt: skip
    op.create_table(
        "lti_deployments",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_deployments_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_id", "deployment_id", name=op.f("pk_lti_deployments")),
    )  # fmt: skip
    op.create_table(
        "lti_login_states",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_login_states_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_lti_login_states")),
    )  # fmt: skip
    op.create_table(
        "lti_accounts",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_accounts_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lti_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_id", "subject", name=op.f("pk_lti_accounts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_lti_accounts_user_id")),
    )  # fmt: skip
    op.create_table(
        "lti_contexts",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("memberships_url", sa.String(length=1000), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_lti_contexts_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_contexts_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_id", "context_id", name=op.f("pk_lti_contexts")),
        sa.UniqueConstraint("class_id", name=op.f("uq_lti_contexts_class_id")),
    )  # fmt: skip
    op.create_table(
        "lti_tool_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_lti_tool_keys")),
    )  # fmt: skip
    op.create_table(
        "lti_line_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("lineitem_url", sa.String(length=1000), nullable=False),
        sa.Column("activity_key", sa.String(length=64), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_lti_line_items_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_line_items_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_line_items")),
        sa.UniqueConstraint(
            "platform_id", "resource_link_id", name=op.f("uq_lti_line_items_platform_id")
        ),
    )  # fmt: skip
    op.create_table(
        "lti_scores",
        sa.Column("line_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("sent_given", sa.Float(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_item_id"], ["lti_line_items.id"],
            name=op.f("fk_lti_scores_line_item_id_lti_line_items"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lti_scores_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("line_item_id", "user_id", name=op.f("pk_lti_scores")),
    )  # fmt: skip
    op.create_index(op.f("ix_lti_scores_user_id"), "lti_scores", ["user_id"], unique=False)
    op.create_table(
        "lti_deep_links",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("return_url", sa.String(length=1000), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("accept_multiple", sa.Boolean(), nullable=False),
        sa.Column("accept_line_items", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_lti_deep_links_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"],
            name=op.f("fk_lti_deep_links_platform_id_lti_platforms"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lti_deep_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_deep_links")),
    )  # fmt: skip
    op.create_index(op.f("ix_lti_deep_links_user_id"), "lti_deep_links", ["user_id"], unique=False)
    op.create_table(
        "lti_invites",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_lti_invites_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_lti_invites")),
    )  # fmt: skip


def downgrade() -> None:
    for table in (
        "lti_invites", "lti_deep_links", "lti_scores", "lti_line_items", "lti_tool_keys", "lti_contexts", "lti_accounts",
        "lti_login_states", "lti_deployments", "lti_platforms",
    ):  # fmt: skip
        op.drop_table(table)
