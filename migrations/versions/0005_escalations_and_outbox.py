"""escalations of overdue actions, the ACPC's responses, and the email outbox

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("cause_type", sa.String(length=40), nullable=True),
        sa.Column("cause_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING",
                "SENT",
                "FAILED",
                name="emailstatus",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_email")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbound_email_message_id")),
    )
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        batch_op.create_index("ix_outbound_email_cause", ["cause_type", "cause_id"], unique=False)
        batch_op.create_index("ix_outbound_email_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "email_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["email_id"],
            ["outbound_email.id"],
            name=op.f("fk_email_attachment_email_id_outbound_email"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_attachment")),
    )
    with op.batch_alter_table("email_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_attachment_email_id"), ["email_id"], unique=False
        )

    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "AGENCY", "ACPC", name="escalation_level", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("became_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["welfare_action.id"],
            name=op.f("fk_escalation_action_id_welfare_action"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_escalation_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
        sa.UniqueConstraint("action_id", "level", name=op.f("uq_escalation_action_id_level")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_escalation_agency_open", ["agency_id", "resolved_at", "became_due_at"], unique=False
        )

    op.create_table(
        "escalation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ACKNOWLEDGED",
                "ACTION_REQUESTED",
                "RESOLVED",
                name="responsekind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("requested_agency_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalation.id"],
            name=op.f("fk_escalation_response_escalation_id_escalation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_agency_id"],
            ["agency.id"],
            name=op.f("fk_escalation_response_requested_agency_id_agency"),
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["user.id"],
            name=op.f("fk_escalation_response_responded_by_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_response")),
    )
    with op.batch_alter_table("escalation_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_response_escalation_id"), ["escalation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_response_escalation_id"))

    op.drop_table("escalation_response")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_agency_open")

    op.drop_table("escalation")
    with op.batch_alter_table("email_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_attachment_email_id"))

    op.drop_table("email_attachment")
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_email_due")
        batch_op.drop_index("ix_outbound_email_cause")

    op.drop_table("outbound_email")
