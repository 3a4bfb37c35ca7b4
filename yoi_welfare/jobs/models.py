"""What each scheduled job last did, so that a stopped or failing scheduler shows."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class JobRun(SQLModel, table=True):
    """One row per job: when it last succeeded and how often it has failed since.

    Only the class of the last error is kept: an error's message can quote the records the job
    was working on, and this table is read by administrators, who see no child's record.
    """

    __tablename__ = "job_run"

    name: str = Field(primary_key=True, max_length=40)
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    failures_in_a_row: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    last_error: str | None = Field(default=None, max_length=100)
