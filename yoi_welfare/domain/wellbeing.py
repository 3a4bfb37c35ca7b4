"""The system-indicated safety-and-wellbeing level of a YOT welfare screening.

The level is a prompt, not a verdict: the officer who knows the child records the practitioner
level, and gives a reason when it differs. What the system indicates is computed here, from the
screening's answers only, so that the same answers always indicate the same level and the reasons
can be shown next to it.

Which answers raise the level, and why
--------------------------------------
The factors are those the inspectors and the inquiries into deaths of children in custody found
behind serious harm (Safeguarding Children 2002; PPO learning lessons bulletins 2013; the ACCT
triggers of PSI 64/2011). The level is the highest any rule reaches; every rule that fires gives a
reason, strongest first.

VERY HIGH
  * The last self-harm incident was in the last 28 days: the child arrives while the risk of a
    further incident is at its highest.
  * Recent self-harm (see HIGH) and a first time in custody: the first nights in custody are the
    most dangerous, and recent self-harm makes them more so.
HIGH
  * Self-harm, a suicide attempt or talk of suicide in the last 3 months (the answer says so, or
    the last incident is dated within 3 months): recent self-harm is the strongest single sign of
    further self-harm, and is what opens an ACCT.
  * A concern about criminal or sexual exploitation: those exploiting the child may reach or
    pressure them inside.
  * Three or more of the MEDIUM answers below: vulnerabilities add up, and the inspectors found
    that the children most at risk had several.
MEDIUM, each
  * Self-harm or a suicide attempt, not recent: a history of self-harm.
  * A diagnosed mental health condition.
  * Current CAMHS involvement: care breaks at the gate unless it is handed on.
  * Medication for mental health: a missed dose on the first night is a risk.
  * Substance misuse: withdrawal comes in the first days.
  * A neurodisability or learning need: the child may not understand the regime, or be able to
    say that they are struggling.
  * Looked after by a local authority: looked-after children are over-represented among deaths
    in custody.
  * A child protection plan; other child protection concerns.
  * At risk of bullying or victimisation; associated with, or at risk from, a gang.
  * First time in custody: the first night is the most frightening.
LOW
  * None of the above.

What the service already knows counts too, so that a new screening cannot quietly lower the
level by answering "no" where the record says otherwise: a self-harm flag recorded here (open,
or opened in the last 3 months: HIGH; earlier: MEDIUM), or an earlier screening held here that
recorded self-harm (dated in the last 3 months: HIGH; otherwise MEDIUM). Each such reason says
where it comes from.

No other answer raises the level on its own. Physical health needs go to the establishment's
healthcare reception, and family contacts and "what the establishment must know tonight" are read
by people: the officer raises the practitioner level if they show a risk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

__all__ = [
    "History",
    "RECENT_INCIDENT_DAYS",
    "RECENT_MONTHS",
    "Indication",
    "Level",
    "Reason",
    "WellbeingAnswers",
    "indicated_level",
    "is_recent",
]

# An incident this many days ago or fewer is "in the last 28 days".
RECENT_INCIDENT_DAYS = 28
# "Recent" self-harm, as the screening question asks it.
RECENT_MONTHS = 3
# This many MEDIUM answers together indicate HIGH.
MEDIUM_ANSWERS_FOR_HIGH = 3


class Level(StrEnum):
    """Safety-and-wellbeing levels, lowest first."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    VERY_HIGH = "VERY_HIGH"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class WellbeingAnswers:
    """The screening answers the level depends on; an unanswered question counts as "no"."""

    self_harm_ever: bool = False
    last_self_harm_on: date | None = None
    self_harm_recent: bool = False
    mental_health_diagnosis: bool = False
    camhs_involvement: bool = False
    mental_health_medication: bool = False
    substance_misuse: bool = False
    neurodisability: bool = False
    looked_after: bool = False
    child_protection_plan: bool = False
    child_protection_concerns: bool = False
    bullying: bool = False
    exploitation: bool = False
    gang_association: bool = False
    first_time_in_custody: bool = False

    @classmethod
    def from_values(cls, values: object) -> WellbeingAnswers:
        """Read the answers from any object with attributes of the same names (None is "no")."""
        read = {}
        for field in fields(cls):
            value = getattr(values, field.name, None)
            read[field.name] = value if field.name == "last_self_harm_on" else bool(value)
        return cls(**read)


@dataclass(frozen=True, slots=True)
class Reason:
    """One answer (or combination) that raised the level, and the level it indicates."""

    level: Level
    text: str


@dataclass(frozen=True, slots=True)
class Indication:
    level: Level
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class History:
    """What the service already holds about the child's self-harm, besides this screening."""

    # The latest self-harm flag recorded here: when opened, and whether it is open now.
    flag_opened_on: date | None = None
    flag_open: bool = False
    # Earlier submitted screenings held here: whether any recorded self-harm, and the latest
    # incident date any gave.
    screened_self_harm: bool = False
    screened_last_self_harm_on: date | None = None


def _history_reasons(history: History, today: date) -> list[Reason]:
    reasons = []
    if history.flag_open:
        reasons.append(Reason(Level.HIGH, "A self-harm flag recorded in this service is open"))
    elif history.flag_opened_on is not None and is_recent(history.flag_opened_on, today):
        reasons.append(
            Reason(
                Level.HIGH,
                f"A self-harm flag was opened in this service in the last {RECENT_MONTHS} months",
            )
        )
    elif history.flag_opened_on is not None:
        reasons.append(Reason(Level.MEDIUM, "A self-harm flag was opened in this service before"))
    if history.screened_self_harm:
        dated = history.screened_last_self_harm_on
        recent = dated is not None and is_recent(dated, today)
        reasons.append(
            Reason(
                Level.HIGH if recent else Level.MEDIUM,
                "An earlier screening held here recorded self-harm or a suicide attempt"
                + (f" in the last {RECENT_MONTHS} months" if recent else ""),
            )
        )
    return reasons


# (answer, reason) for each answer that on its own indicates MEDIUM.
MEDIUM_ANSWERS: tuple[tuple[str, str], ...] = (
    ("mental_health_diagnosis", "A diagnosed mental health condition"),
    ("camhs_involvement", "Currently involved with CAMHS: care must continue in custody"),
    ("mental_health_medication", "Takes medication for their mental health"),
    ("substance_misuse", "Substance misuse: withdrawal comes in the first days in custody"),
    (
        "neurodisability",
        "A neurodisability or learning need: the child may not be able to say they are struggling",
    ),
    ("looked_after", "Looked after by a local authority"),
    ("child_protection_plan", "Subject to a child protection plan"),
    ("child_protection_concerns", "Other child protection concerns"),
    ("bullying", "At risk of bullying or victimisation"),
    ("gang_association", "Associated with, or at risk from, a gang"),
    ("first_time_in_custody", "First time in custody: the first night is the most frightening"),
)


def is_recent(incident_on: date, today: date) -> bool:
    """Whether an incident falls within the "last 3 months" the screening asks about."""
    return incident_on >= today - relativedelta(months=RECENT_MONTHS)


def indicated_level(
    answers: WellbeingAnswers, today: date, history: History | None = None
) -> Indication:
    """The level the answers, and what the service already holds (``history``), indicate on
    ``today``, with every reason for it, strongest first.

    See the module docstring for the rules and why each is there.
    """
    reasons: list[Reason] = _history_reasons(history or History(), today)
    dated_recent = answers.last_self_harm_on is not None and is_recent(
        answers.last_self_harm_on, today
    )
    recent = answers.self_harm_recent or dated_recent
    if answers.last_self_harm_on is not None and answers.last_self_harm_on >= today - timedelta(
        days=RECENT_INCIDENT_DAYS
    ):
        reasons.append(
            Reason(
                Level.VERY_HIGH,
                f"The last self-harm incident was in the last {RECENT_INCIDENT_DAYS} days",
            )
        )
    if recent and answers.first_time_in_custody:
        reasons.append(
            Reason(
                Level.VERY_HIGH,
                "Recent self-harm and a first time in custody: the first nights are the most "
                "dangerous",
            )
        )
    if recent:
        reasons.append(
            Reason(
                Level.HIGH,
                f"Self-harm, a suicide attempt or talk of suicide in the last {RECENT_MONTHS} "
                "months",
            )
        )
    if answers.exploitation:
        reasons.append(Reason(Level.HIGH, "Concern about criminal or sexual exploitation"))
    medium = []
    if answers.self_harm_ever and not recent:
        medium.append(Reason(Level.MEDIUM, "Has self-harmed or attempted suicide before"))
    medium += [
        Reason(Level.MEDIUM, text) for name, text in MEDIUM_ANSWERS if getattr(answers, name)
    ]
    if len(medium) >= MEDIUM_ANSWERS_FOR_HIGH:
        reasons.append(
            Reason(
                Level.HIGH,
                f"{len(medium)} answers that each indicate medium: together they indicate high",
            )
        )
    reasons += medium
    reasons.sort(key=lambda reason: -reason.level.rank)
    level = max((reason.level for reason in reasons), key=lambda lv: lv.rank, default=Level.LOW)
    return Indication(level, tuple(reasons))
