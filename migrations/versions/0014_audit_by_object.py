"""audit events found by the record they are about

A draft screening that has been discarded is gone, but the audit trail says who discarded it,
when and why: a colleague who comes back to it is told so, found by the screening's id. An
index on the object each event is about finds that event among millions.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_object", table_name="audit_event")
