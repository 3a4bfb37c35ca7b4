"""Rules about one screening, on its answers alone: what stops a draft being submitted, and
what changed between two screenings. No database."""


from dataclasses import dataclass

from yoi_welfare.screenings.models import (
    WelfareScreening,
)
from yoi_welfare.screenings.questions import (
    FULL_LABELS,
    SECTIONS,
    answer_text,
    shown_questions,
)


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be submitted yet; ``part`` is the section slug, or "level"."""

    part: str
    message: str


def submission_problems(screening: WelfareScreening) -> list[Problem]:
    problems = [
        Problem(section.slug, f"Complete the section: {section.title}")
        for section in SECTIONS
        if not section.is_complete(screening)
    ]
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
