"""Forms for each step of a self-harm flag: opening, plan, interview, case review, post-closure."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
)
from wtforms import HiddenField, SelectMultipleField, SubmitField
from wtforms.validators import Optional

from yoi_welfare.forms import (
    YES_NO,
    GovForm,
    GovRadioField,
    Required,
    date_field,
    options,
    text_area,
    time_field,
)
from yoi_welfare.input_guard import whole_number
from yoi_welfare.self_harm.models import Attendee, ObservationLevel, RiskLevel
from yoi_welfare.self_harm.services import MAX_TEXT

KEEP_OPEN, CLOSE = "open", "close"


def _risk_level():
    return GovRadioField(
        "Risk level",
        choices=[(level.value, level.label) for level in RiskLevel],
        validators=[Required("Select a risk level")],
    )


def _observation_level():
    return GovRadioField(
        "Observation level",
        choices=[(level.value, level.label) for level in ObservationLevel],
        validators=[Required("Select an observation level")],
    )


class OpenFlagForm(GovForm):
    concern = text_area(
        "What is the concern?",
        "Enter the concern",
        "The concern",
        "What was seen or said, and by whom",
        limit=MAX_TEXT,
    )
    risk_level = _risk_level()
    observation_level = _observation_level()
    triggers = text_area(
        "Triggers (optional)", None, "Triggers", "What might set off self-harm", limit=MAX_TEXT
    )
    warning_signs = text_area(
        "Warning signs (optional)",
        None,
        "Warning signs",
        "What staff should look out for",
        limit=MAX_TEXT,
    )
    opened_on = date_field("Date the flag was opened", "date the flag was opened")
    opened_time = time_field("Time the flag was opened")
    submit = SubmitField("Open flag", widget=GovSubmitInput())


class VersionedForm(GovForm):
    """A form on a flag: carries the version of the flag it was filled in from."""

    version_id = HiddenField()

    @property
    def version(self) -> int | None:
        return whole_number(self.version_id.data)


class ImmediateActionPlanForm(VersionedForm):
    made_on = date_field("Date the plan was made", "date the plan was made")
    made_time = time_field("Time the plan was made")
    plan = text_area(
        "Immediate action plan",
        "Enter the immediate action plan",
        "The immediate action plan",
        "What will keep the child safe until the assessment interview",
        limit=MAX_TEXT,
    )
    submit = SubmitField("Save plan", widget=GovSubmitInput())


class AssessmentInterviewForm(VersionedForm):
    held_on = date_field("Date of the interview", "date of the interview")
    held_time = time_field("Time of the interview")
    summary = text_area(
        "What did the interview find?",
        "Enter what the assessment interview found",
        "The summary",
        limit=MAX_TEXT,
    )
    submit = SubmitField("Save interview", widget=GovSubmitInput())


class CaseReviewForm(VersionedForm):
    held_on = date_field("Date of the review", "date of the review")
    held_time = time_field("Time of the review")
    attendees = SelectMultipleField(
        "Who else attended?",
        widget=GovCheckboxesInput(),
        choices=options([(attendee.value, attendee.label) for attendee in Attendee]),
        description="Besides your establishment's staff and the child's YOT. Select all that apply",
    )
    yot_attended = GovRadioField(
        "Did the child's YOT attend?",
        choices=YES_NO,
        validators=[Required("Select yes if the child's YOT attended")],
    )
    outcome = text_area(
        "What did the review decide?",
        "Enter what the review decided",
        "The outcome",
        limit=MAX_TEXT,
    )
    risk_level = _risk_level()
    observation_level = _observation_level()
    decision = GovRadioField(
        "Does the flag stay open?",
        choices=[(KEEP_OPEN, "Yes, set the next case review"), (CLOSE, "No, close the flag")],
        description="Closing starts the post-closure period, ended by a post-closure review",
        validators=[Required("Select whether the flag stays open")],
    )
    next_review_on = date_field(
        "Date of the next case review",
        "date of the next case review",
        validators=[Optional()],
        description="If the flag stays open. For example, 27 11 2026",
    )
    next_review_time = time_field("Time of the next case review", validators=[Optional()])
    submit = SubmitField("Save case review", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == KEEP_OPEN:
            for field, message in (
                (self.next_review_on, "Enter the date of the next case review"),
                (self.next_review_time, "Enter the time of the next case review"),
            ):
                if not field.data and not field.errors:
                    field.errors = [message]
                    valid = False
        return valid


class PostClosureReviewForm(VersionedForm):
    held_on = date_field("Date of the post-closure review", "date of the post-closure review")
    held_time = time_field("Time of the post-closure review")
    outcome = text_area(
        "What did the post-closure review find?",
        "Enter what the post-closure review found",
        "The outcome",
        "If there are new concerns, open a new flag after saving this",
        limit=MAX_TEXT,
    )
    submit = SubmitField("Save post-closure review", widget=GovSubmitInput())
