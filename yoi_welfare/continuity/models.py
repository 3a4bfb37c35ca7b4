"""The continuity pack: what an establishment needs about the children it holds tonight, on
paper, for when the systems are down. One per establishment per evening; the latest few kept."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from yoi_welfare.dates import utcnow


class ContinuityPack(SQLModel, table=True):
    __tablename__ = "continuity_pack"
    __table_args__ = (sa.UniqueConstraint("establishment_id", "evening"),)

    id: int | None = Field(default=None, primary_key=True)
    establishment_id: int = Field(foreign_key="agency.id")
    # The UK date of the evening it was produced for (18:00 that day).
    evening: date
    produced_at: datetime = Field(default_factory=utcnow)
    pdf: bytes = Field(sa_type=sa.LargeBinary)
    sha256: str = Field(max_length=64)
    page_count: int
    size_bytes: int
    # The children it names: each download is a disclosure about them.
    child_ids: list[int] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"server_default": "[]"}
    )
