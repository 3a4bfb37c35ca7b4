"""Forms for sharing agreements, subject access requests and retention decisions."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from yoi_welfare.forms import (
    GovDateField,
    GovForm,
    GovSelectField,
    Required,
    optional_int,
    text_area,
)


def _line(label: str, missing: str, noun: str, limit: int, **kwargs) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            Required(missing),
            Length(max=limit, message=f"{noun} must be {limit} characters or fewer"),
        ],
        **kwargs,
    )


class PartiesField(SelectMultipleField):
    """Agencies by id; a posted id that is not offered is refused as a choice."""

    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", optional_int)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.data = [optional_int(value) for value in valuelist]

    def pre_validate(self, form):
        offered = {value for value, *_ in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError("Select agencies from the list")


class AgreementForm(GovForm):
    area = GovSelectField(
        "Area", coerce=optional_int, validators=[Required("Select the area the agreement covers")]
    )
    title = _line("Title of the agreement", "Enter the title of the agreement", "The title", 200)
    parties = PartiesField(
        "Agencies that signed it",
        description=(
            "Only these agencies' staff see the area's children. Establishments have no area: "
            "select each one that holds the area's children"
        ),
    )
    purpose = text_area("Purpose", "Enter the purpose of the sharing", "The purpose", limit=4000)
    lawful_basis = text_area(
        "Lawful basis",
        "Enter the lawful basis for the sharing",
        "The lawful basis",
        description=(
            "For example: UK GDPR Article 6(1)(e); Article 9(2)(g) with DPA 2018 Schedule 1 "
            "paragraph 18 (safeguarding of children and individuals at risk)"
        ),
        limit=4000,
    )
    data_items = text_area(
        "Data items shared", "Enter the data items shared", "The data items", limit=4000
    )
    contact = _line(
        "Contact",
        "Enter who to contact about the agreement",
        "The contact",
        300,
        description="Who answers questions about the agreement, such as a data protection officer",
    )
    starts_on = GovDateField(
        "Start date", what="the start date", validators=[Required("Enter the start date")]
    )
    review_by = GovDateField(
        "Review by",
        what="the review date",
        description="After this date the agreement stays in force but is flagged for review",
        validators=[Required("Enter the date to review the agreement by")],
    )
    ends_on = GovDateField(
        "End date (optional)",
        what="the end date",
        description="From the day after this date the parties no longer see the area's children",
    )
    submit = SubmitField("Save agreement", widget=GovSubmitInput())

    def validate_parties(self, field):
        if not field.data:
            raise ValidationError("Select the agencies that signed the agreement")


class FindChildForm(GovForm):
    reference = _line(
        "Child's local reference",
        "Enter the child's local reference",
        "The reference",
        30,
        description="As written on the request, for example NTH-1004",
    )
    submit = SubmitField("Find", widget=GovSubmitInput())


class SubjectAccessForm(GovForm):
    requester = _line(
        "Who asked for the information?",
        "Enter who asked for the information",
        "Who asked",
        300,
        description="For example: the young person; their parent; their solicitor, on their behalf",
    )
    submit = SubmitField("Produce the export", widget=GovSubmitInput())


class EraseForm(GovForm):
    reference = _line(
        "Type the child's reference to confirm",
        "Type the child's reference to confirm",
        "The reference",
        30,
    )
    reason = text_area(
        "Reason",
        "Enter why the records can be deleted",
        "The reason",
        limit=500,
        description="Kept with the tombstone. Do not write anything about the child's welfare",
    )
    submit = SubmitField(
        "Delete the child's records",
        widget=GovSubmitInput(),
        render_kw={"params": {"classes": "govuk-button--warning"}},
    )


class KeepForm(GovForm):
    keep_until = GovDateField(
        "Review again on",
        what="the date to review again",
        validators=[Required("Enter the date to review the records again")],
    )
    reason = text_area(
        "Why must the records be kept?",
        "Enter why the records must be kept",
        "The reason",
        limit=500,
        description="For example: proceedings are open, or an inquiry has asked for them",
    )
    submit = SubmitField("Keep the records", widget=GovSubmitInput())
