"""What a welfare screening asks, section by section, in the field's own terms.

One description serves the section forms, the task list, "check your answers", the answers page
and "what changed": adding a question here (and its column in models.py) is the whole change.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from yoi_welfare.dates import format_date
from yoi_welfare.screenings.models import WelfareScreening


class Kind(StrEnum):
    YES_NO = "YES_NO"
    TEXT = "TEXT"
    DATE = "DATE"


@dataclass(frozen=True)
class Question:
    """One answer, stored in the column ``name``.

    ``missing`` is the error for an answer left out. A yes/no question's ``revealed`` questions
    are asked when the answer is yes (and their answers dropped when it is no). A revealed
    question that is not ``required`` may be left blank.
    """

    name: str
    label: str
    missing: str
    kind: Kind = Kind.YES_NO
    hint: str | None = None
    required: bool = True
    revealed: tuple["Question", ...] = ()
    # Short name for a summary row, when the label is a long question.
    short: str | None = None
    # What a text answer is called in an error, as in "Details of the diagnosis must be ...".
    noun: str | None = None
    # A yes/no question whose "no", where the service already holds a "yes" (an earlier
    # screening, a self-harm flag), the officer must explain: history does not silently vanish.
    explain_if_dropped: bool = True

    @property
    def summary_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    questions: tuple[Question, ...]
    description: str | None = None
    # Whether a new screening started from the last one copies this section's answers.
    copied: bool = True

    def all_questions(self) -> list[Question]:
        """Every question, each followed by those it reveals."""
        return [q for question in self.questions for q in (question, *question.revealed)]

    def columns(self) -> list[str]:
        return [question.name for question in self.all_questions()]

    @property
    def dropped_questions(self) -> list[Question]:
        """The yes/no questions whose "no" must be explained when the service holds a "yes"."""
        return [q for q in self.questions if q.kind is Kind.YES_NO and q.explain_if_dropped]

    @property
    def explanation(self) -> str | None:
        """The column holding the officer's explanation of answers that drop an earlier "yes"
        (None for a section with no such question). Never copied to a later screening."""
        if not self.dropped_questions:
            return None
        return f"{self.slug.replace('-', '_')}_explanation"

    def is_started(self, screening: WelfareScreening) -> bool:
        return any(getattr(screening, name) is not None for name in self.columns())

    def is_complete(self, screening: WelfareScreening) -> bool:
        for question in self.questions:
            value = getattr(screening, question.name)
            if value is None:
                return False
            if value is True and any(
                q.required and getattr(screening, q.name) is None for q in question.revealed
            ):
                return False
        return True


def details(name: str, what: str, label: str = "Give details", hint: str | None = None):
    """The text asked for after a "yes"."""
    return Question(
        name,
        label,
        f"Enter details of {what}",
        kind=Kind.TEXT,
        hint=hint,
        short="Details",
        noun=f"details of {what}",
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "physical-health",
        "Physical health",
        (
            Question(
                "physical_health_needs",
                "Does the child have any physical health needs?",
                "Select yes if the child has any physical health needs",
                hint="For example, a condition, an injury, a disability, an allergy or medication",
                short="Physical health needs",
                revealed=(
                    details(
                        "physical_health_detail",
                        "the child's physical health needs",
                        hint="What the needs are and any medication, with doses",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "mental-health",
        "Mental health",
        (
            Question(
                "mental_health_diagnosis",
                "Does the child have a diagnosed mental health condition?",
                "Select yes if the child has a diagnosed mental health condition",
                short="Diagnosed mental health condition",
                revealed=(details("mental_health_diagnosis_detail", "the diagnosis"),),
            ),
            Question(
                "camhs_involvement",
                "Is the child currently involved with CAMHS?",
                "Select yes if the child is currently involved with CAMHS",
                hint="Child and adolescent mental health services",
                short="Current CAMHS involvement",
                revealed=(
                    details(
                        "camhs_detail",
                        "the CAMHS involvement",
                        hint="The service, the worker's name and how to contact them",
                    ),
                ),
            ),
            Question(
                "mental_health_medication",
                "Does the child take medication for their mental health?",
                "Select yes if the child takes medication for their mental health",
                short="Mental health medication",
                revealed=(
                    details(
                        "mental_health_medication_detail",
                        "the medication",
                        hint="Each medicine, the dose and when it was last taken",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "self-harm",
        "Self-harm and suicide",
        (
            Question(
                "self_harm_ever",
                "Has the child ever self-harmed or attempted suicide?",
                "Select yes if the child has ever self-harmed or attempted suicide",
                short="Ever self-harmed or attempted suicide",
                revealed=(
                    details("self_harm_detail", "the self-harm or suicide attempts"),
                    Question(
                        "last_self_harm_on",
                        "Date of the last incident",
                        "Enter the date of the last incident",
                        kind=Kind.DATE,
                        hint="If you do not know the exact date, give your best estimate. "
                        "For example, 27 3 2026",
                    ),
                    Question(
                        "self_harm_what_helped",
                        "What helped the child? (optional)",
                        "",
                        kind=Kind.TEXT,
                        required=False,
                        hint="What the child or others did that helped them stay safe",
                        short="What helped",
                        noun="what helped the child",
                    ),
                ),
            ),
            Question(
                "self_harm_recent",
                "In the last 3 months, has the child self-harmed, attempted suicide or talked "
                "about suicide?",
                "Select yes if the child has self-harmed, attempted suicide or talked about "
                "suicide in the last 3 months",
                short="Self-harm or talk of suicide in the last 3 months",
                revealed=(details("self_harm_recent_detail", "what happened recently"),),
            ),
        ),
    ),
    Section(
        "substance-misuse",
        "Substance misuse",
        (
            Question(
                "substance_misuse",
                "Does the child misuse drugs, alcohol or other substances?",
                "Select yes if the child misuses drugs, alcohol or other substances",
                short="Substance misuse",
                revealed=(
                    details(
                        "substance_misuse_detail",
                        "the substance misuse",
                        hint="What, how often, and when the child last used",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "neurodisability",
        "Neurodisability and learning needs",
        (
            Question(
                "neurodisability",
                "Does the child have a neurodisability or learning need?",
                "Select yes if the child has a neurodisability or learning need",
                hint="For example, ADHD, autism, a learning disability, a brain injury, or "
                "speech, language and communication needs",
                short="Neurodisability or learning need",
                revealed=(
                    details(
                        "neurodisability_detail",
                        "the neurodisability or learning need",
                        hint="Include how best to communicate with the child",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "care-status",
        "Care status",
        (
            Question(
                "looked_after",
                "Is the child looked after by a local authority?",
                "Select yes if the child is looked after by a local authority",
                short="Looked after",
                revealed=(
                    details(
                        "looked_after_detail",
                        "the child's care status",
                        hint="The local authority, the legal basis, and the social worker's name "
                        "and contact details",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "child-protection",
        "Child protection",
        (
            Question(
                "child_protection_plan",
                "Is the child subject to a child protection plan?",
                "Select yes if the child is subject to a child protection plan",
                short="Child protection plan",
                revealed=(
                    details(
                        "child_protection_plan_detail",
                        "the child protection plan",
                        hint="The category and the social worker's name and contact details",
                    ),
                ),
            ),
            Question(
                "child_protection_concerns",
                "Are there any other child protection concerns?",
                "Select yes if there are any other child protection concerns",
                short="Other child protection concerns",
                revealed=(
                    details("child_protection_concerns_detail", "the child protection concerns"),
                ),
            ),
        ),
    ),
    Section(
        "risks-from-others",
        "Risks from others",
        (
            Question(
                "bullying",
                "Is the child at risk of bullying or victimisation?",
                "Select yes if the child is at risk of bullying or victimisation",
                short="Bullying or victimisation",
                revealed=(details("bullying_detail", "the risk of bullying"),),
            ),
            Question(
                "exploitation",
                "Is there a concern that the child is being criminally or sexually exploited?",
                "Select yes if there is a concern that the child is being exploited",
                short="Exploitation",
                revealed=(details("exploitation_detail", "the exploitation concern"),),
            ),
            Question(
                "gang_association",
                "Is the child associated with, or at risk from, a gang?",
                "Select yes if the child is associated with, or at risk from, a gang",
                short="Gang association",
                revealed=(
                    details(
                        "gang_association_detail",
                        "the gang association",
                        hint="Include anyone the child must be kept apart from",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "family-contact",
        "Family contact",
        (
            Question(
                "family_contacts",
                "Who should the establishment contact about the child?",
                "Enter who the establishment should contact about the child",
                kind=Kind.TEXT,
                hint="Names, relationship to the child and phone numbers",
                short="Who to contact",
                noun="who to contact",
            ),
            Question(
                "contact_restrictions",
                "Is there anyone the child must not have contact with?",
                "Select yes if there is anyone the child must not have contact with",
                short="Contact restrictions",
                revealed=(
                    details("contact_restrictions_detail", "who the child must not contact"),
                ),
            ),
        ),
    ),
    Section(
        "first-time-in-custody",
        "First time in custody",
        (
            Question(
                "first_time_in_custody",
                "Is this the child's first time in custody?",
                "Select yes if this is the child's first time in custody",
                short="First time in custody",
                # About this custody episode: an earlier "yes" is expected to become "no".
                explain_if_dropped=False,
            ),
        ),
    ),
    Section(
        "tonight",
        "What the establishment must know tonight",
        (
            Question(
                "must_know_tonight",
                "Is there anything the establishment must know before the child's first night?",
                "Select yes if there is anything the establishment must know tonight",
                short="Anything to know tonight",
                revealed=(details("must_know_tonight_detail", "what the establishment must know"),),
                explain_if_dropped=False,
            ),
        ),
        description="This is shown on the establishment's home page until someone there reads "
        "the screening.",
        # About this custody episode's first night, not the last one's.
        copied=False,
    ),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def _full_labels() -> dict[str, str]:
    labels = {}
    for section in SECTIONS:
        for question in section.questions:
            labels[question.name] = question.summary_label
            for revealed in question.revealed:
                label = revealed.summary_label
                labels[revealed.name] = f"{question.summary_label}: {label[:1].lower()}{label[1:]}"
    return labels


EXPLANATION_LABEL = "Why are these answers different from what the service already holds?"


# Each answer's name out of the context of its form, as in "Physical health needs: details".
FULL_LABELS = _full_labels()


def answer_text(question: Question, value) -> str:
    """An answer as "check your answers" and "what changed" show it."""
    if value is None:
        return "Not answered"
    if question.kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if question.kind is Kind.DATE:
        return format_date(value) if isinstance(value, date) else str(value)
    return value


def shown_questions(section: Section, screening: WelfareScreening) -> list[Question]:
    """The questions a screening's answers page shows: revealed ones only after a yes."""
    shown = []
    for question in section.questions:
        shown.append(question)
        if getattr(screening, question.name) is True:
            shown += list(question.revealed)
    return shown
