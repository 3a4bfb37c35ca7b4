"""Forms for each step of a self-harm flag: opening, plan, interview, case review, post-closure."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from yoi_welfare.forms import GovDateField, GovForm, GovRadioField, Required, TimeField, options
from yoi_welfare.self_harm.models import Attendee, ObservationLevel, RiskLevel
from yoi_welfare.self_harm.services import MAX_TEXT

YES_NO = [("yes", "Yes"), ("no", "No")]
KEEP_OPEN, CLOSE = "open", "close"


def _text(label: str, missing: str | None, what: str, description: str | None = None):
    checks = [Length(max=MAX_TEXT, message=f"{what} must be {MAX_TEXT} characters or fewer")]
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_TEXT}},
        description=description,
        validators=[Required(missing) if missing else Optional(), *checks],
    )


def _date(label: str, what: str, validators=None, description: str | None = None):
    return GovDateField(
        label,
        what=what,
        description=description or "For example, 27 11 2026",
        validators=validators or [Required(f"Enter the {what}")],
    )


def _time(label: str, validators=None):
    return TimeField(
        label,
        widget=GovTextInput(),
        render_kw={"params": {"classes": "govuk-input--width-5"}},
        description="Use the 24-hour clock, for example 14:30",
        validators=validators or [Required(f"Enter the {label.lower()}")],
    )


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
    concern = _text(
        "What is the concern?",
        "Enter the concern",
        "The concern",
        "What was seen or said, and by whom",
    )
    risk_level = _risk_level()
    observation_level = _observation_level()
    triggers = _text("Triggers (optional)", None, "Triggers", "What might set off self-harm")
    warning_signs = _text(
        "Warning signs (optional)", None, "Warning signs", "What staff should look out for"
    )
    opened_on = _date("Date the flag was opened", "date the flag was opened")
    opened_time = _time("Time the flag was opened")
    submit = SubmitField("Open flag", widget=GovSubmitInput())


class VersionedForm(GovForm):
    """A form on a flag: carries the version of the flag it was filled in from."""

    version_id = HiddenField()

    @property
    def version(self) -> int | None:
        value = self.version_id.data
        return int(value) if value and value.isdigit() else None


class ImmediateActionPlanForm(VersionedForm):
    made_on = _date("Date the plan was made", "date the plan was made")
    made_time = _time("Time the plan was made")
    plan = _text(
        "Immediate action plan",
        "Enter the immediate action plan",
        "The immediate action plan",
        "What will keep the child safe until the assessment interview",
    )
    submit = SubmitField("Save plan", widget=GovSubmitInput())


class AssessmentInterviewForm(VersionedForm):
    held_on = _date("Date of the interview", "date of the interview")
    held_time = _time("Time of the interview")
    summary = _text(
        "What did the interview find?",
        "Enter what the assessment interview found",
        "The summary",
    )
    submit = SubmitField("Save interview", widget=GovSubmitInput())


class CaseReviewForm(VersionedForm):
    held_on = _date("Date of the review", "date of the review")
    held_time = _time("Time of the review")
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
    outcome = _text("What did the review decide?", "Enter what the review decided", "The outcome")
    risk_level = _risk_level()
    observation_level = _observation_level()
    decision = GovRadioField(
        "Does the flag stay open?",
        choices=[(KEEP_OPEN, "Yes, set the next case review"), (CLOSE, "No, close the flag")],
        description="Closing starts the post-closure period, ended by a post-closure review",
        validators=[Required("Select whether the flag stays open")],
    )
    next_review_on = _date(
        "Date of the next case review",
        "date of the next case review",
        validators=[Optional()],
        description="If the flag stays open. For example, 27 11 2026",
    )
    next_review_time = _time("Time of the next case review", validators=[Optional()])
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
    held_on = _date("Date of the post-closure review", "date of the post-closure review")
    held_time = _time("Time of the post-closure review")
    outcome = _text(
        "What did the post-closure review find?",
        "Enter what the post-closure review found",
        "The outcome",
        "If there are new concerns, open a new flag after saving this",
    )
    submit = SubmitField("Save post-closure review", widget=GovSubmitInput())
