"""The order of a self-harm flag's steps."""

from datetime import UTC, datetime

from yoi_welfare.domain.acct import Step, check_step_order

OPENED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=UTC)


def test_a_plan_made_when_the_flag_opened_is_in_order():
    assert check_step_order(Step.IMMEDIATE_ACTION_PLAN, OPENED, {Step.OPENED: OPENED}, NOW) is None


def test_nothing_is_dated_in_the_future():
    error = check_step_order(Step.ASSESSMENT_INTERVIEW, at(12, 1), {Step.OPENED: OPENED}, NOW)
    assert error.message == "must not be in the future"


def test_an_interview_before_the_plan_is_out_of_order():
    recorded = {Step.OPENED: OPENED, Step.IMMEDIATE_ACTION_PLAN: at(9, 40)}
    error = check_step_order(Step.ASSESSMENT_INTERVIEW, at(9, 30), recorded, NOW)
    assert (error.message, error.step, error.at) == (
        "must be after the immediate action plan",
        Step.IMMEDIATE_ACTION_PLAN,
        at(9, 40),
    )


def test_a_case_review_follows_the_interview_and_every_review_before_it():
    recorded = {
        Step.OPENED: OPENED,
        Step.ASSESSMENT_INTERVIEW: at(10),
        Step.FIRST_CASE_REVIEW: at(10, 30),
        Step.LAST_CASE_REVIEW: at(11),
    }
    assert check_step_order(Step.LAST_CASE_REVIEW, at(10, 45), recorded, NOW).step is (
        Step.LAST_CASE_REVIEW
    )
    assert check_step_order(Step.LAST_CASE_REVIEW, at(11), recorded, NOW) is None
    without_reviews = {Step.OPENED: OPENED, Step.ASSESSMENT_INTERVIEW: at(10)}
    error = check_step_order(Step.LAST_CASE_REVIEW, at(9, 59), without_reviews, NOW)
    assert error.message == "must be after the assessment interview"


def test_a_step_recorded_late_still_comes_before_the_steps_after_it():
    recorded = {Step.OPENED: OPENED, Step.ASSESSMENT_INTERVIEW: at(10)}
    error = check_step_order(Step.IMMEDIATE_ACTION_PLAN, at(10, 5), recorded, NOW)
    assert error.message == "must be before the assessment interview"
    assert check_step_order(Step.IMMEDIATE_ACTION_PLAN, at(9, 50), recorded, NOW) is None
    reviewed = {Step.OPENED: OPENED, Step.FIRST_CASE_REVIEW: at(10)}
    error = check_step_order(Step.ASSESSMENT_INTERVIEW, at(10, 30), reviewed, NOW)
    assert error.message == "must be before the first case review"


def test_steps_not_yet_recorded_do_not_count():
    recorded = {Step.OPENED: OPENED, Step.IMMEDIATE_ACTION_PLAN: None}
    assert check_step_order(Step.LAST_CASE_REVIEW, at(9, 5), recorded, NOW) is None
