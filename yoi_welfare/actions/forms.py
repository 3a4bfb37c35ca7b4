"""Forms for welfare actions and for the timescale rules."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from yoi_welfare.actions.models import MAX_OFFSET
from yoi_welfare.domain.timescales import Unit
from yoi_welfare.forms import (
    GovDateField,
    GovForm,
    GovRadioField,
    GovSelectField,
    Required,
    TimeField,
    optional_int,
    sentence,
)

UNIT_CHOICES = [
    (Unit.HOURS.value, "Hours"),
    (Unit.WORKING_DAYS.value, "Working days"),
    (Unit.CALENDAR_DAYS.value, "Calendar days"),
    (Unit.MONTHS.value, "Months"),
]
STATUS_CHOICES = [
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
]


class ActionFilterForm(GovForm):
    class Meta:
        csrf = False

    child = StringField(
        "Child",
        widget=GovTextInput(),
        description="Name or local reference",
        validators=[Optional(), Length(max=100, message="Child must be 100 characters or fewer")],
    )
    kind = GovSelectField("Kind of action")
    status = GovSelectField("Status", choices=STATUS_CHOICES, default="open")


class ManualActionForm(GovForm):
    title = StringField(
        "What needs to be done",
        widget=GovTextInput(),
        validators=[
            Required("Enter what needs to be done"),
            Length(max=200, message="What needs to be done must be 200 characters or fewer"),
        ],
    )
    owner = GovRadioField(
        "Which agency owns the action",
        coerce=optional_int,
        description="The owner completes the action, and is chased if it becomes overdue",
        validators=[Required("Select which agency owns the action")],
    )
    due_date = GovDateField(
        "Due date",
        what="due date",
        description="For example, 27 3 2027",
        validators=[Required("Enter the due date")],
    )
    due_time = TimeField(
        "Due time",
        widget=GovTextInput(),
        description="Use the 24-hour clock, for example 14:30",
        validators=[Required("Enter the due time")],
    )
    submit = SubmitField("Add action", widget=GovSubmitInput())


class CompleteActionForm(GovForm):
    note = TextAreaField(
        "Note (optional)",
        widget=GovCharacterCount(),
        description="What was done, if it helps others reading the child's record",
        validators=[
            Optional(),
            Length(max=1000, message="Note must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Complete action", widget=GovSubmitInput())


class CancelActionForm(GovForm):
    reason = TextAreaField(
        "Why is the action being cancelled?",
        widget=GovCharacterCount(),
        validators=[
            Required("Enter why the action is being cancelled"),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Cancel action", widget=GovSubmitInput())


class WholeNumberField(IntegerField):
    """A whole number typed into a text box, with a message that says what to enter."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, what: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            raise ValueError(f"{sentence(self.what)} must be a whole number") from error


def _offset_field(label: str, what: str, description: str) -> WholeNumberField:
    return WholeNumberField(
        label,
        what=what,
        description=description,
        validators=[
            Required(f"Enter the {what}"),
            NumberRange(
                min=0,
                max=MAX_OFFSET,
                message=f"{sentence(what)} must be between 0 and {MAX_OFFSET}",
            ),
        ],
    )


class TimescaleRuleForm(GovForm):
    due_offset = _offset_field(
        "How long after the trigger the action is due",
        "due period",
        "A whole number from 0 to 1000; 0 means due at once",
    )
    due_unit = GovRadioField(
        "Counted in",
        choices=UNIT_CHOICES,
        validators=[Required("Select what the due period is counted in")],
    )
    acpc_grace_offset = _offset_field(
        "How long an overdue action waits before it goes to the ACPC",
        "ACPC grace period",
        "A whole number from 0 to 1000, counted from the due time",
    )
    acpc_grace_unit = GovRadioField(
        "Grace period counted in",
        choices=UNIT_CHOICES,
        validators=[Required("Select what the ACPC grace period is counted in")],
    )
    version_id = HiddenField()
    submit = SubmitField("Save rule", widget=GovSubmitInput())
