"""Every table, imported in one place so that Alembic and the tests see the whole schema."""

from sqlmodel import SQLModel

from yoi_welfare import models_base  # noqa: F401 - sets the constraint naming convention first
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.people.models import Placement, YoungPerson

metadata = SQLModel.metadata

__all__ = ["Agency", "Area", "AuditEvent", "Placement", "User", "YoungPerson", "metadata"]
