"""alerts: what everyone must know about a child, on every page about them

A screening's "must know tonight" showed on the establishment's home page until one person
opened the screening, and then nowhere; an allergy was only in the screening's answers. Standing
alerts (after HMPPS's alerts) are raised by the records that say so, or by hand, and stay until
the record behind them ends or someone ends them with a reason.

Existing records raise their alerts with ``flask alerts sync``, run once after this upgrade.

Revision ID: 0031
Revises: 0030
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODES = (
    "SELF_HARM",
    "TONIGHT",
    "WELFARE_LEVEL",
    "NO_CONTACT",
    "KEEP_APART",
    "SAFEGUARDING",
    "EXPLOITATION",
    "HEALTH",
    "MEDICATION",
    "MENTAL_HEALTH",
    "CHILD_PROTECTION_PLAN",
    "LOOKED_AFTER",
    "OTHER",
)


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column(
            "code",
            sa.Enum(*CODES, name="alertcode", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("source_type", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(active_to IS NULL) = (end_reason IS NULL)", name=op.f("ck_alert_ended_with_reason")
        ),
        sa.CheckConstraint(
            "(source_type IS NULL) = (source_id IS NULL)", name=op.f("ck_alert_whole_source")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["young_person.id"],
            name=op.f("fk_alert_young_person_id_young_person"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["user.id"], name=op.f("fk_alert_raised_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user.id"], name=op.f("fk_alert_ended_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index("ix_alert_child", "alert", ["young_person_id", "active_from"])
    op.create_index(
        "ix_alert_active",
        "alert",
        ["young_person_id"],
        sqlite_where=sa.text("active_to IS NULL"),
        postgresql_where=sa.text("active_to IS NULL"),
    )
    op.create_index("ix_alert_source", "alert", ["source_type", "source_id"])


def downgrade() -> None:
    op.drop_table("alert")
