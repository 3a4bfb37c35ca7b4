"""The system-indicated safety-and-wellbeing level: which answers raise it, and the reasons."""

from dataclasses import fields
from datetime import date, timedelta

import pytest

from yoi_welfare.domain.wellbeing import (
    History,
    Level,
    Reason,
    WellbeingAnswers,
    indicated_level,
)

TODAY = date(2026, 11, 25)


def answers(**yes) -> WellbeingAnswers:
    return WellbeingAnswers(**yes)


MEDIUM_ANSWERS = [
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
]

RECENT = "Self-harm, a suicide attempt or talk of suicide in the last 3 months"
LAST_28_DAYS = "The last self-harm incident was in the last 28 days"
FIRST_TIME_AND_RECENT = (
    "Recent self-harm and a first time in custody: the first nights are the most dangerous"
)
FIRST_TIME = "First time in custody: the first night is the most frightening"


# (what the answers say, the answers, the level, the reasons in the order given)
CASES = [
    ("no answer raises the level", answers(), Level.LOW, []),
    *[
        (f"{name} alone", answers(**{name: True}), Level.MEDIUM, [(Level.MEDIUM, text)])
        for name, text in MEDIUM_ANSWERS
    ],
    (
        "self-harm long ago",
        answers(self_harm_ever=True, last_self_harm_on=date(2024, 1, 10)),
        Level.MEDIUM,
        [(Level.MEDIUM, "Has self-harmed or attempted suicide before")],
    ),
    (
        "self-harm or talk of suicide in the last 3 months",
        answers(self_harm_ever=True, self_harm_recent=True, last_self_harm_on=date(2026, 6, 1)),
        Level.HIGH,
        [(Level.HIGH, RECENT)],
    ),
    (
        "talk of suicide in the last 3 months, never self-harmed",
        answers(self_harm_recent=True),
        Level.HIGH,
        [(Level.HIGH, RECENT)],
    ),
    (
        "a last incident dated within 3 months counts as recent whatever the answer says",
        answers(self_harm_ever=True, last_self_harm_on=TODAY - timedelta(days=60)),
        Level.HIGH,
        [(Level.HIGH, RECENT)],
    ),
    (
        "exactly 3 months ago is still recent",
        answers(self_harm_ever=True, last_self_harm_on=date(2026, 8, 25)),
        Level.HIGH,
        [(Level.HIGH, RECENT)],
    ),
    (
        "a day more than 3 months ago is not",
        answers(self_harm_ever=True, last_self_harm_on=date(2026, 8, 24)),
        Level.MEDIUM,
        [(Level.MEDIUM, "Has self-harmed or attempted suicide before")],
    ),
    (
        "an incident 28 days ago",
        answers(self_harm_ever=True, self_harm_recent=True, last_self_harm_on=date(2026, 10, 28)),
        Level.VERY_HIGH,
        [(Level.VERY_HIGH, LAST_28_DAYS), (Level.HIGH, RECENT)],
    ),
    (
        "an incident 29 days ago",
        answers(self_harm_ever=True, self_harm_recent=True, last_self_harm_on=date(2026, 10, 27)),
        Level.HIGH,
        [(Level.HIGH, RECENT)],
    ),
    (
        "recent self-harm and a first time in custody",
        answers(self_harm_recent=True, first_time_in_custody=True),
        Level.VERY_HIGH,
        [
            (Level.VERY_HIGH, FIRST_TIME_AND_RECENT),
            (Level.HIGH, RECENT),
            (Level.MEDIUM, FIRST_TIME),
        ],
    ),
    (
        "self-harm long ago and a first time in custody",
        answers(self_harm_ever=True, first_time_in_custody=True),
        Level.MEDIUM,
        [
            (Level.MEDIUM, "Has self-harmed or attempted suicide before"),
            (Level.MEDIUM, FIRST_TIME),
        ],
    ),
    (
        "exploitation",
        answers(exploitation=True),
        Level.HIGH,
        [(Level.HIGH, "Concern about criminal or sexual exploitation")],
    ),
    (
        "two medium answers stay medium",
        answers(looked_after=True, bullying=True),
        Level.MEDIUM,
        [
            (Level.MEDIUM, "Looked after by a local authority"),
            (Level.MEDIUM, "At risk of bullying or victimisation"),
        ],
    ),
    (
        "three medium answers together indicate high",
        answers(looked_after=True, bullying=True, substance_misuse=True),
        Level.HIGH,
        [
            (Level.HIGH, "3 answers that each indicate medium: together they indicate high"),
            (Level.MEDIUM, "Substance misuse: withdrawal comes in the first days in custody"),
            (Level.MEDIUM, "Looked after by a local authority"),
            (Level.MEDIUM, "At risk of bullying or victimisation"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("answers_", "level", "reasons"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_indicated_level_and_its_reasons(answers_, level, reasons):
    indication = indicated_level(answers_, TODAY)
    assert indication.level is level
    assert indication.reasons == tuple(Reason(lv, text) for lv, text in reasons)


def test_every_answer_at_once_is_very_high_with_the_strongest_reason_first():
    everything = WellbeingAnswers(
        **{f.name: True for f in fields(WellbeingAnswers) if f.name != "last_self_harm_on"},
        last_self_harm_on=TODAY,
    )
    indication = indicated_level(everything, TODAY)
    assert indication.level is Level.VERY_HIGH
    ranks = [reason.level.rank for reason in indication.reasons]
    assert ranks == sorted(ranks, reverse=True)
    assert indication.reasons[0] == Reason(Level.VERY_HIGH, LAST_28_DAYS)
    # Recent self-harm replaces "before": it is not counted twice.
    assert "Has self-harmed or attempted suicide before" not in {
        reason.text for reason in indication.reasons
    }


def test_answers_are_read_from_any_object_and_unanswered_counts_as_no():
    class Screening:
        self_harm_recent = None
        looked_after = True
        last_self_harm_on = date(2026, 1, 1)
        physical_health_needs = True  # not a wellbeing factor: ignored

    read = WellbeingAnswers.from_values(Screening())
    assert read == WellbeingAnswers(looked_after=True, last_self_harm_on=date(2026, 1, 1))


def test_levels_are_ordered_and_labelled():
    assert [level.rank for level in Level] == [0, 1, 2, 3]
    assert [level.label for level in Level] == ["Low", "Medium", "High", "Very high"]


# What the service already holds


def test_a_screening_answering_no_cannot_drop_the_level_below_an_open_flag():
    indication = indicated_level(
        WellbeingAnswers(), TODAY, History(flag_opened_on=TODAY, flag_open=True)
    )
    assert indication.level is Level.HIGH
    assert [r.text for r in indication.reasons] == [
        "A self-harm flag recorded in this service is open"
    ]


def test_an_earlier_screening_that_recorded_self_harm_keeps_the_level_up():
    long_ago = History(screened_self_harm=True, screened_last_self_harm_on=date(2024, 1, 5))
    assert indicated_level(WellbeingAnswers(), TODAY, long_ago).level is Level.MEDIUM
    lately = History(screened_self_harm=True, screened_last_self_harm_on=TODAY)
    indication = indicated_level(WellbeingAnswers(), TODAY, lately)
    assert indication.level is Level.HIGH
    assert indication.reasons[0].text == (
        "An earlier screening held here recorded self-harm or a suicide attempt in the last "
        "3 months"
    )


def test_a_flag_closed_long_ago_still_counts_as_a_history_of_self_harm():
    old_flag = History(flag_opened_on=date(2023, 5, 1))
    assert indicated_level(WellbeingAnswers(), TODAY, old_flag).level is Level.MEDIUM


def test_reasons_from_the_record_and_the_answers_come_strongest_first():
    indication = indicated_level(
        WellbeingAnswers(substance_misuse=True), TODAY, History(flag_opened_on=TODAY)
    )
    assert [r.level for r in indication.reasons] == [Level.HIGH, Level.MEDIUM]
