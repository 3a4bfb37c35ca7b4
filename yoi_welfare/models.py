"""Every table, imported in one place so that Alembic and the tests see the whole schema."""

from sqlmodel import SQLModel

from yoi_welfare import models_base  # noqa: F401 - sets the constraint naming convention first
from yoi_welfare.accounts.models import User
from yoi_welfare.actions.models import TimescaleRule, WelfareAction
from yoi_welfare.agencies.models import Agency, Area
from yoi_welfare.alerts.models import Alert
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.continuity.models import ContinuityPack
from yoi_welfare.custody.models import CustodyWelfareNote, NoteAmendment, NoteRead
from yoi_welfare.escalations.models import Escalation, EscalationResponse
from yoi_welfare.governance.models import (
    AgreementParty,
    Disclosure,
    RetentionReview,
    SharingAgreement,
    SubjectAccessExport,
)
from yoi_welfare.jobs.models import JobRun
from yoi_welfare.kept_forms import KeptForm
from yoi_welfare.notifications.models import Notification
from yoi_welfare.outbox.models import EmailAttachment, OutboundEmail
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.reports.models import EscalationReport
from yoi_welfare.reviews.models import PlacementReview
from yoi_welfare.screenings.models import ScreeningRead, WelfareScreening
from yoi_welfare.self_harm.models import CaseReview, SelfHarmFlag
from yoi_welfare.submissions import FormSubmission

metadata = SQLModel.metadata

__all__ = [
    "Agency",
    "Alert",
    "AgreementParty",
    "Approval",
    "Area",
    "AuditEvent",
    "CaseReview",
    "ContinuityPack",
    "CustodyWelfareNote",
    "Disclosure",
    "EmailAttachment",
    "Escalation",
    "EscalationReport",
    "EscalationResponse",
    "FormSubmission",
    "JobRun",
    "KeptForm",
    "NoteAmendment",
    "NoteRead",
    "Notification",
    "OutboundEmail",
    "Placement",
    "PlacementReview",
    "RetentionReview",
    "ScreeningRead",
    "SelfHarmFlag",
    "SharingAgreement",
    "SubjectAccessExport",
    "TimescaleRule",
    "User",
    "WelfareAction",
    "WelfareScreening",
    "YoungPerson",
    "metadata",
]
