"""The weekly ACPC escalation report, stored once per area and ISO week."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow


class EscalationReport(SQLModel, table=True):
    __tablename__ = "escalation_report"
    __table_args__ = (sa.UniqueConstraint("area_id", "week"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id")
    # ISO week, such as "2026-W47": Monday to Sunday.
    week: str = Field(max_length=8, index=True)
    generated_at: datetime = Field(default_factory=utcnow)
    pdf: bytes = Field(sa_type=sa.LargeBinary)
    sha256: str = Field(max_length=64)
    page_count: int
    size_bytes: int
    escalations_raised: int = 0
    # The children the report names: each copy of it that leaves is a disclosure about them.
    child_ids: list[int] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"server_default": "[]"}
    )
