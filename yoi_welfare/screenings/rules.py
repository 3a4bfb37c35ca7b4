"""Rules about one screening, on its answers and what the service already held: what stops a
draft being submitted, which answers drop an earlier "yes", and what changed between two
screenings. No database."""

from collections.abc import Mapping
from dataclasses import dataclass

from yoi_welfare.screenings.models import (
    WelfareScreening,
)
from yoi_welfare.screenings.questions import (
    FULL_LABELS,
    SECTIONS,
    Question,
    Section,
    answer_text,
    shown_questions,
)


@dataclass(frozen=True)
class EarlierAnswer:
    """A "yes" the service held before a screening: what said it (``said``, such as "Yes:
    cutting, wanted to die") and where it comes from (``source``, such as "the screening
    submitted 3 March 2026"); ``screening_id`` when it is a screening."""

    said: str
    source: str
    screening_id: int | None = None


# Each question's earlier "yes" answers, by the question's column name.
Earlier = Mapping[str, list[EarlierAnswer]]


def dropped(section: Section, answers: Mapping[str, object], earlier: Earlier) -> list[Question]:
    """The section's questions answered "no" where the service already held a "yes"."""
    return [
        question
        for question in section.dropped_questions
        if answers.get(question.name) is False and earlier.get(question.name)
    ]


def section_answers(section: Section, screening: WelfareScreening) -> dict[str, object]:
    return {name: getattr(screening, name) for name in section.columns()}


def explanation_missing(dropped_questions: list[Question]) -> str:
    """The error for answers that drop an earlier "yes" with no explanation."""
    names = [f"‘{FULL_LABELS[question.name]}’" for question in dropped_questions]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Explain why you answered no to {listed}: the service already holds a yes"


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be submitted yet; ``part`` is the section slug, or "level"."""

    part: str
    message: str


def submission_problems(
    screening: WelfareScreening, earlier: Earlier | None = None
) -> list[Problem]:
    """Why the draft cannot be submitted yet; ``earlier``: the "yes" answers the service held
    before it, whose dropping each section must explain."""
    problems = []
    for section in SECTIONS:
        if not section.is_complete(screening):
            problems.append(Problem(section.slug, f"Complete the section: {section.title}"))
        elif (
            earlier
            and dropped(section, section_answers(section, screening), earlier)
            and not getattr(screening, section.explanation)
        ):
            problems.append(
                Problem(
                    section.slug,
                    f"Explain the answers that differ from what the service holds: {section.title}",
                )
            )
    if screening.practitioner_level is None:
        problems.append(Problem("level", "Select the safety and wellbeing level"))
    elif screening.practitioner_level is not screening.indicated_level and not (
        screening.level_reason
    ):
        problems.append(
            Problem(
                "level",
                f"The indicated level is now {screening.indicated_level.label.lower()}: confirm "
                "your level, or say why it is different",
            )
        )
    return problems


def level_is_complete(screening: WelfareScreening) -> bool:
    return not any(problem.part == "level" for problem in submission_problems(screening))


@dataclass(frozen=True)
class Change:
    section: str
    question: str
    before: str
    after: str


# A practitioner level this many levels below the indicated level needs a YOT manager's approval.
APPROVAL_GAP = 2


def level_needs_approval(screening: WelfareScreening) -> bool:
    """Whether the practitioner level is so far below the indicated level that a manager of the
    child's YOT must approve it before the screening reaches the establishment."""
    practitioner, indicated = screening.practitioner_level, screening.indicated_level
    if practitioner is None or indicated is None:
        return False
    return indicated.rank - practitioner.rank >= APPROVAL_GAP


def changes_since(previous: WelfareScreening, screening: WelfareScreening) -> list[Change]:
    """Every answer, and the levels, that differ between two screenings, in question order."""
    changes = []
    for section in SECTIONS:
        names = {
            q.name
            for q in (*shown_questions(section, previous), *shown_questions(section, screening))
        }
        for question in section.all_questions():
            if question.name not in names:
                continue
            before = getattr(previous, question.name)
            after = getattr(screening, question.name)
            if before != after:
                changes.append(
                    Change(
                        section.title,
                        FULL_LABELS[question.name],
                        answer_text(question, before),
                        answer_text(question, after),
                    )
                )
    for name, label in (
        ("indicated_level", "Indicated level"),
        ("practitioner_level", "Practitioner level"),
    ):
        before, after = getattr(previous, name), getattr(screening, name)
        if before != after:
            changes.append(
                Change(
                    "Safety and wellbeing level",
                    label,
                    before.label if before else "Not set",
                    after.label if after else "Not set",
                )
            )
    return changes
