"""Forms for recording a LAC review or a placement review meeting."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import Length, Optional

from yoi_welfare.forms import (
    YES_NO,
    GovDateField,
    GovForm,
    GovRadioField,
    Required,
    date_field,
    text_area,
    time_field,
)
from yoi_welfare.input_guard import whole_number
from yoi_welfare.reviews.models import MeetingReason, PlacementOutcome
from yoi_welfare.reviews.services import MAX_PLACE, MAX_TEXT


class LacReviewForm(GovForm):
    # The id of the latest review of this kind when the form was opened (0 for none).
    since = HiddenField()
    held_on = date_field("Date of the review", "date of the review")
    held_time = time_field("Time of the review")
    attendees = text_area(
        "Who attended?",
        "Enter who attended",
        "Who attended",
        "Names and roles, including the independent reviewing officer",
        limit=MAX_TEXT,
    )
    yot_attended = GovRadioField(
        "Did the child's YOT attend?",
        choices=YES_NO,
        validators=[Required("Select yes if the child's YOT attended")],
    )
    summary = text_area(
        "What did the review discuss?",
        "Enter what the review discussed",
        "The summary",
        limit=MAX_TEXT,
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
    transfer_reason = text_area(
        "Why is a transfer recommended?",
        None,
        "Why",
        "If a transfer is recommended",
        limit=MAX_TEXT,
    )
    submit = SubmitField("Save review", widget=GovSubmitInput())

    @property
    def since_id(self) -> int | None:
        return whole_number(self.since.data)


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
    next_review_time = time_field("Time of the next meeting", [Optional()])
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
