"""What each kind of record raises as alerts: plain functions of the record, no database.

A self-harm flag raises one while it is open, with its risk and observation level; the latest
submitted welfare screening raises one for what the establishment must know tonight, a high or
very high level, and each health need, contact restriction and safeguarding concern it names;
the child's details raise one while they record a child protection plan or a looked-after child.
"""

from dataclasses import dataclass
from datetime import datetime

from yoi_welfare.alerts.models import AlertCode
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.self_harm.models import SelfHarmFlag

FLAG = "self_harm_flag"
SCREENING = "welfare_screening"
CHILD = "young_person"

SOURCE_LABELS = {
    FLAG: "self-harm flag",
    SCREENING: "welfare screening",
    CHILD: "child's details",
}


@dataclass(frozen=True)
class Wanted:
    """An alert a record asks for, and who raised the record when."""

    code: AlertCode
    description: str
    source_type: str
    source_id: int
    raised_by_id: int
    raised_at: datetime


def flag_alerts(flag: SelfHarmFlag) -> list[Wanted]:
    if not flag.is_open:
        return []
    description = (
        f"Open self-harm flag: {flag.risk_level.label.lower()} risk, observations "
        f"{flag.observation_level.label[:1].lower()}{flag.observation_level.label[1:]}"
    )
    return [
        Wanted(AlertCode.SELF_HARM, description, FLAG, flag.id, flag.opened_by_id, flag.opened_at)
    ]


# (yes/no answer, its detail, code, what the description starts with)
SCREENING_ANSWERS = (
    ("must_know_tonight", "must_know_tonight_detail", AlertCode.TONIGHT, None),
    (
        "contact_restrictions",
        "contact_restrictions_detail",
        AlertCode.NO_CONTACT,
        "Must not have contact with",
    ),
    ("gang_association", "gang_association_detail", AlertCode.KEEP_APART, "Gang association"),
    ("child_protection_concerns", "child_protection_concerns_detail", AlertCode.SAFEGUARDING, None),
    ("exploitation", "exploitation_detail", AlertCode.EXPLOITATION, None),
    ("physical_health_needs", "physical_health_detail", AlertCode.HEALTH, None),
    ("mental_health_medication", "mental_health_medication_detail", AlertCode.MEDICATION, None),
    ("mental_health_diagnosis", "mental_health_diagnosis_detail", AlertCode.MENTAL_HEALTH, None),
)
HIGH_LEVELS = (Level.HIGH, Level.VERY_HIGH)


def screening_alerts(screening: WelfareScreening) -> list[Wanted]:
    """What a submitted screening raises (nothing for a draft)."""
    if screening.is_draft:
        return []
    found = []

    def want(code: AlertCode, description: str) -> None:
        found.append(
            Wanted(
                code,
                description,
                SCREENING,
                screening.id,
                screening.submitted_by_id,
                screening.submitted_at,
            )
        )

    for answer, detail, code, lead in SCREENING_ANSWERS:
        if getattr(screening, answer) is True:
            text = (getattr(screening, detail) or "").strip() or code.label
            want(code, f"{lead}: {text}" if lead else text)
    if screening.practitioner_level in HIGH_LEVELS:
        level = screening.practitioner_level.label.lower()
        reason = f": {screening.level_reason}" if screening.level_reason else ""
        want(AlertCode.WELFARE_LEVEL, f"Welfare screening level {level}{reason}")
    return found


def child_alerts(child: YoungPerson, raised_by_id: int, at: datetime) -> list[Wanted]:
    """What the child's details raise; ``raised_by_id`` changed them at ``at``."""
    found = []
    if child.child_protection_plan:
        found.append(
            Wanted(
                AlertCode.CHILD_PROTECTION_PLAN,
                "Subject to a child protection plan",
                CHILD,
                child.id,
                raised_by_id,
                at,
            )
        )
    if child.looked_after:
        found.append(
            Wanted(
                AlertCode.LOOKED_AFTER,
                "Looked after by a local authority",
                CHILD,
                child.id,
                raised_by_id,
                at,
            )
        )
    return found
