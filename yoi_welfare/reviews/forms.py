"""Forms for recording a LAC review or a placement review meeting."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from yoi_welfare.forms import GovDateField, GovForm, GovRadioField, Required, TimeField
from yoi_welfare.reviews.models import MeetingReason, PlacementOutcome
from yoi_welfare.reviews.services import MAX_PLACE, MAX_TEXT

YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, missing: str | None, what: str, description: str | None = None):
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_TEXT}},
        description=description,
        validators=[
            Required(missing) if missing else Optional(),
            Length(max=MAX_TEXT, message=f"{what} must be {MAX_TEXT} characters or fewer"),
        ],
    )


class LacReviewForm(GovForm):
    # The id of the latest review of this kind when the form was opened (0 for none).
    since = HiddenField()
    held_on = GovDateField(
        "Date of the review",
        what="date of the review",
        description="For example, 27 11 2026",
        validators=[Required("Enter the date of the review")],
    )
    held_time = TimeField(
        "Time of the review",
        widget=GovTextInput(),
        render_kw={"params": {"classes": "govuk-input--width-5"}},
        description="Use the 24-hour clock, for example 14:30",
        validators=[Required("Enter the time of the review")],
    )
    attendees = _text(
        "Who attended?",
        "Enter who attended",
        "Who attended",
        "Names and roles, including the independent reviewing officer",
    )
    yot_attended = GovRadioField(
        "Did the child's YOT attend?",
        choices=YES_NO,
        validators=[Required("Select yes if the child's YOT attended")],
    )
    summary = _text(
        "What did the review discuss?", "Enter what the review discussed", "The summary"
    )
    outcome = GovRadioField(
        "Outcome",
        choices=[(outcome.value, outcome.label) for outcome in PlacementOutcome],
        validators=[Required("Select the outcome of the review")],
    )
    transfer_to = StringField(
        "Where should the child move to?",
        widget=GovTextInput(),
        description="If a transfer is recommended",
        validators=[
            Optional(),
            Length(max=MAX_PLACE, message=f"Where must be {MAX_PLACE} characters or fewer"),
        ],
    )
    transfer_reason = _text(
        "Why is a transfer recommended?",
        None,
        "Why",
        "If a transfer is recommended",
    )
    submit = SubmitField("Save review", widget=GovSubmitInput())

    @property
    def since_id(self) -> int | None:
        value = self.since.data
        return int(value) if value and value.isdigit() else None


class PlacementMeetingForm(LacReviewForm):
    reason = GovRadioField(
        "Why was the meeting held?",
        choices=[(reason.value, reason.label) for reason in MeetingReason],
        validators=[Required("Select why the meeting was held")],
    )
    next_review_on = GovDateField(
        "Date of the next meeting (optional)",
        what="date of the next meeting",
        description="Leave blank if no further meeting is needed. For example, 27 1 2027",
        validators=[Optional()],
    )
    next_review_time = TimeField(
        "Time of the next meeting",
        widget=GovTextInput(),
        render_kw={"params": {"classes": "govuk-input--width-5"}},
        description="Use the 24-hour clock, for example 14:30",
        validators=[Optional()],
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.next_review_on.data and not self.next_review_time.data:
            self.next_review_time.errors = ["Enter the time of the next meeting"]
            valid = False
        if self.next_review_time.data and not self.next_review_on.data:
            if not self.next_review_on.errors:
                self.next_review_on.errors = ["Enter the date of the next meeting"]
            valid = False
        return valid
