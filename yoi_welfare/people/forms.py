from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from yoi_welfare.dates import london_today
from yoi_welfare.domain.placements import LATE_AFTER_TEXT
from yoi_welfare.forms import (
    YES_NO,
    GovDateField,
    GovForm,
    GovRadioField,
    GovSelectField,
    Required,
    TimeField,
    optional_int,
)
from yoi_welfare.people.models import (
    ETHNICITIES,
    LegalStatus,
    ReleaseDestination,
    ReleaseReason,
    Sex,
)

LATE_REASON_LENGTH = 500
EXCEPTION_REASON_LENGTH = 1000


def _dob_checks(_form, field):
    if field.data is None:
        return
    today = london_today()
    if field.data > today:
        raise ValidationError("Date of birth must be in the past")
    age = (
        today.year
        - field.data.year
        - ((today.month, today.day) < (field.data.month, field.data.day))
    )
    if age < 10:
        raise ValidationError(
            "Date of birth must be at least 10 years ago: the age of criminal responsibility is 10"
        )
    if age > 21:
        raise ValidationError(
            "Date of birth must be less than 22 years ago: this service is for children"
        )


DIFFERENT_CHILD = "different"


class DuplicateQuestion:
    """Asked only when possible duplicates were found: which child this is, or why it is a
    different one. ``duplicates_checked`` carries what was asked about (see
    ``duplicates.PossibleDuplicates.fingerprint``)."""

    duplicate_choice = GovRadioField(
        "Is this one of these children?", choices=[], validators=[Optional()], validate_choice=False
    )
    different_reason = TextAreaField(
        "Why is this a different child?",
        widget=GovCharacterCount(),
        description="For example, a different middle name and school on the warrant. Kept with "
        "the record, so that no one asks again",
        validators=[
            Length(max=EXCEPTION_REASON_LENGTH, message="Reason must be 1000 characters or fewer")
        ],
    )
    duplicates_checked = HiddenField()


DUPLICATE_FIELDS = ("duplicate_choice", "different_reason", "duplicates_checked")


class RegisterChildForm(DuplicateQuestion, GovForm):
    given_name = StringField(
        "Given name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the child's given name"),
            Length(max=100, message="Given name must be 100 characters or fewer"),
        ],
    )
    family_name = StringField(
        "Family name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the child's family name"),
            Length(max=100, message="Family name must be 100 characters or fewer"),
        ],
    )
    date_of_birth = GovDateField(
        "Date of birth",
        what="date of birth",
        description="For example, 27 3 2010",
        validators=[Required("Enter a date of birth"), _dob_checks],
    )
    sex = GovRadioField(
        "Sex",
        choices=[(s.value, s.label) for s in Sex],
        validators=[Required("Select the child's sex")],
    )
    ethnicity = GovSelectField(
        "Ethnicity",
        choices=[("", "Select ethnicity")] + [(e, e) for e in ETHNICITIES],
        validators=[Required("Select the child's ethnicity")],
    )
    local_reference = StringField(
        "Local reference",
        widget=GovTextInput(),
        description="Your YOT's case reference for this child",
        validators=[
            Required("Enter the local reference"),
            Length(max=30, message="Local reference must be 30 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9/\-]+$",
                message="Local reference must only include letters, numbers, / and -",
            ),
        ],
    )
    pnc_number = StringField(
        "PNC number (optional)",
        widget=GovTextInput(),
        description="For example, 2024/0123456X",
        validators=[
            Optional(),
            Regexp(
                r"^\d{2}(\d{2})?/\d{1,7}[A-Za-z]$",
                message="Enter a PNC number in the format 2024/0123456X",
            ),
        ],
    )
    home_area = GovSelectField(
        "Home area", coerce=optional_int, validators=[Required("Select the child's home area")]
    )
    legal_status = GovRadioField(
        "Legal status",
        choices=[(s.value, s.label) for s in LegalStatus],
        validators=[Required("Select the child's legal status")],
    )
    looked_after = GovRadioField(
        "Is the child looked after by a local authority?",
        choices=YES_NO,
        validators=[Required("Select yes if the child is looked after")],
    )
    child_protection_plan = GovRadioField(
        "Is the child subject to a child protection plan?",
        choices=YES_NO,
        validators=[Required("Select yes if the child has a child protection plan")],
    )
    submit = SubmitField("Register child", widget=GovSubmitInput())


def _dob_in_the_past(_form, field):
    if field.data is not None and field.data > london_today():
        raise ValidationError("Date of birth must be in the past")


class ChangeChildForm(RegisterChildForm):
    """The registration questions but the home area, with the details as they were read.

    A record is kept for years after the child has grown up, so a correction is not held to the
    ages of children entering custody."""

    status_change = GovRadioField(
        "If you change the legal status between remanded and sentenced, why?",
        choices=[
            ("corrected", "It was recorded wrongly"),
            ("changed", "The child's legal status has changed, for example sentenced after remand"),
        ],
        description=(
            "A child in custody has deadlines from their admission that depend on it: the first "
            "LAC review or the initial planning meeting. A wrong record is put right as from "
            "the admission; a new status counts from today."
        ),
        validators=[Optional()],
    )
    seen = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.home_area
        for name in DUPLICATE_FIELDS:
            delattr(self, name)
        self.date_of_birth.validators = [Required("Enter a date of birth"), _dob_in_the_past]


class WhenForm(GovForm):
    """When something happened: a date and a time, in UK time."""

    on_date = GovDateField("Date", what="date", validators=[Required("Enter the date")])
    at_time = TimeField(
        "Time",
        widget=GovTextInput(),
        description="Use the 24-hour clock, for example 14:30",
        validators=[Required("Enter the time")],
    )


class MovementForm(WhenForm):
    """A move into, between or out of custody, and why it is recorded late if it is."""

    late_reason = TextAreaField(
        f"If it happened more than {LATE_AFTER_TEXT} ago, why is it recorded late?",
        widget=GovCharacterCount(),
        description="For example, the record was made on paper while the service was unavailable",
        validators=[
            Length(max=LATE_REASON_LENGTH, message="Reason must be 500 characters or fewer"),
        ],
    )


def _exception_reason() -> TextAreaField:
    return TextAreaField(
        "Why must the child be placed at this establishment?",
        widget=GovCharacterCount(),
        description="The establishment does not hold children of this child's sex or age. "
        "Your reason is kept as a placement exception on the child's page, and the managers of "
        "the establishment and of the child's YOT are told at once",
        validators=[
            Length(max=EXCEPTION_REASON_LENGTH, message="Reason must be 1000 characters or fewer"),
        ],
    )


class FindChildForAdmissionForm(DuplicateQuestion, MovementForm):
    home_area = GovSelectField(
        "Child's home area",
        coerce=optional_int,
        validators=[Required("Select the child's home area")],
    )
    local_reference = StringField(
        "YOT local reference",
        widget=GovTextInput(),
        description="As shown on the YOT's placement information",
        validators=[
            Required("Enter the YOT local reference"),
            Length(max=30, message="Local reference must be 30 characters or fewer"),
        ],
    )
    date_of_birth = GovDateField(
        "Date of birth",
        what="date of birth",
        validators=[Required("Enter the child's date of birth")],
    )
    on_date = GovDateField(
        "Date of admission",
        what="date of admission",
        validators=[Required("Enter the date of admission")],
    )
    exception_reason = _exception_reason()
    submit = SubmitField("Admit child", widget=GovSubmitInput())


class TransferForm(MovementForm):
    destination = GovSelectField(
        "Receiving establishment",
        coerce=optional_int,
        validators=[Required("Select the receiving establishment")],
    )
    on_date = GovDateField(
        "Date of transfer",
        what="date of transfer",
        validators=[Required("Enter the date of transfer")],
    )
    exception_reason = _exception_reason()
    submit = SubmitField("Transfer child", widget=GovSubmitInput())


class ReleaseForm(MovementForm):
    reason = GovRadioField(
        "Why is the child leaving custody?",
        choices=[(r.value, r.label) for r in ReleaseReason],
        validators=[Required("Select why the child is leaving custody")],
    )
    destination = GovRadioField(
        "Where is the child going?",
        choices=[(d.value, d.label) for d in ReleaseDestination],
        description="Not asked after a death in custody",
        validators=[Optional()],
    )
    on_date = GovDateField(
        "Date of release",
        what="date of release",
        validators=[Required("Enter the date of release")],
    )
    submit = SubmitField("Release child", widget=GovSubmitInput())


class CorrectPlacementForm(WhenForm):
    """The date and time as they should have been recorded, and why; for an admission or a
    transfer, the establishment and the legal status too (the view removes them for a
    release, and the legal status outside the child's current time in custody)."""

    # Each starts as recorded; one left out is left as recorded.
    establishment = GovSelectField("Establishment", coerce=optional_int, validators=[Optional()])
    legal_status = GovRadioField(
        "Legal status",
        choices=[(status.value, status.label) for status in LegalStatus],
        description="Correct it only if it was recorded wrongly. If the child's status has "
        "changed since, for example sentenced after remand, change the child's details instead",
        validators=[Optional()],
    )
    exception_reason = _exception_reason()
    reason = TextAreaField(
        "Why is it being corrected?",
        widget=GovCharacterCount(),
        description="For example, the date was typed from the wrong warrant. Everyone who "
        "reads the record sees this beside the date it replaces",
        validators=[
            Required("Enter why the placement is being corrected"),
            Length(max=EXCEPTION_REASON_LENGTH, message="Reason must be 1000 characters or fewer"),
        ],
    )
    seen = HiddenField()
    submit = SubmitField("Correct it", widget=GovSubmitInput())


class SearchForm(GovForm):
    class Meta:
        csrf = False

    q = StringField(
        "Name or reference",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
