"""continuity packs: each establishment's children on paper, for when the systems are down

Revision ID: 0034
Revises: 0033
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "continuity_pack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("evening", sa.Date(), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("child_ids", sa.JSON(), server_default="[]", nullable=False),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["agency.id"],
            name=op.f("fk_continuity_pack_establishment_id_agency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuity_pack")),
        sa.UniqueConstraint(
            "establishment_id", "evening", name=op.f("uq_continuity_pack_establishment_id_evening")
        ),
    )


def downgrade() -> None:
    op.drop_table("continuity_pack")
