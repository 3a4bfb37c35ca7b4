"""weekly ACPC escalation reports, one per area and ISO week

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("escalations_raised", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_escalation_report_area_id_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_report")),
        sa.UniqueConstraint("area_id", "week", name=op.f("uq_escalation_report_area_id_week")),
    )
    with op.batch_alter_table("escalation_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_report_week"), ["week"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalation_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_report_week"))
    op.drop_table("escalation_report")
