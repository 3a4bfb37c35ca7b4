from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, Length, NumberRange, Regexp, ValidationError

from yoi_welfare.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from yoi_welfare.actions.forms import WholeNumberField
from yoi_welfare.admin.services import OLDEST_HELD, YOUNGEST_HELD
from yoi_welfare.forms import (
    GovForm,
    GovRadioField,
    GovSelectField,
    Required,
    optional_int,
    options,
    text_area,
)
from yoi_welfare.input_guard import whole_number


class AreaForm(GovForm):
    code = StringField(
        "Area code",
        widget=GovTextInput(),
        description="A short code, for example NTH",
        validators=[
            Required("Enter an area code"),
            Length(max=20, message="Area code must be 20 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9-]+$",
                message="Area code must only include letters, numbers and hyphens",
            ),
        ],
    )
    name = StringField(
        "Area name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the area name"),
            Length(max=120, message="Area name must be 120 characters or fewer"),
        ],
    )
    submit = SubmitField("Create area", widget=GovSubmitInput())


class AgencyForm(GovForm):
    code = StringField(
        "Agency code",
        widget=GovTextInput(),
        validators=[
            Required("Enter an agency code"),
            Length(max=20, message="Agency code must be 20 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9-]+$",
                message="Agency code must only include letters, numbers and hyphens",
            ),
        ],
    )
    name = StringField(
        "Agency name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the agency name"),
            Length(max=120, message="Agency name must be 120 characters or fewer"),
        ],
    )
    kind = GovRadioField("Kind of agency", validators=[Required("Select the kind of agency")])
    area = GovSelectField(
        "Area",
        coerce=optional_int,
        description="For a YOT or an ACPC only; establishments belong to no area",
    )
    submit = SubmitField("Create agency", widget=GovSubmitInput())


class UserForm(GovForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            Required("Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            Required("Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    role = GovRadioField("Role", validators=[Required("Select a role")])
    agency = GovSelectField(
        "Agency", coerce=optional_int, validators=[Required("Select an agency")]
    )
    is_manager = BooleanField(
        "Agency manager: receives first-level escalations for the agency",
        widget=GovCheckboxInput(),
    )
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description=(
            "At least 12 characters. Give it to the person securely; they should change it."
        ),
        validators=[
            Required("Enter an initial password"),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=f"Password must be between {MIN_LENGTH} and {MAX_LENGTH} characters",
            ),
        ],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def validate_password(self, field):
        if field.errors:
            return
        problem = password_problem(field.data, (self.name.data or "", self.email.data or ""))
        if problem:
            raise ValidationError(problem)


class VersionField(HiddenField):
    """The version of the record the form was filled in against; a stale form is refused."""

    def process_formdata(self, valuelist):
        number = whole_number(valuelist[0] if valuelist else None)
        self.data = -1 if number is None else number


class UserChangeForm(GovForm):
    role = GovRadioField("Role", validators=[Required("Select a role")])
    agency = GovSelectField(
        "Agency", coerce=optional_int, validators=[Required("Select an agency")]
    )
    is_manager = BooleanField(
        "Agency manager: receives first-level escalations for the agency",
        widget=GovCheckboxInput(),
    )
    version = VersionField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class UserActionForm(GovForm):
    """One button (deactivate, reactivate, reset two-factor) with the version it acts on."""

    version = VersionField()


def _age_field(label: str, what: str) -> WholeNumberField:
    return WholeNumberField(
        label,
        what=what,
        validators=[
            Required(f"Enter the {what}"),
            NumberRange(
                min=YOUNGEST_HELD,
                max=OLDEST_HELD,
                message=f"The {what} must be between {YOUNGEST_HELD} and {OLDEST_HELD}",
            ),
        ],
    )


class HoldsForm(GovForm):
    """Whom an establishment holds: a child outside it is placed only by a recorded exception."""

    sexes = SelectMultipleField(
        "Which children does it hold?",
        widget=GovCheckboxesInput(),
        choices=options([("boys", "Boys"), ("girls", "Girls")]),
        description="Select all that apply",
    )
    youngest = _age_field("Youngest age it holds", "youngest age")
    oldest = _age_field("Oldest age it holds", "oldest age")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_sexes(self, field):
        if not field.data:
            raise ValidationError("Select boys, girls or both")

    def validate_oldest(self, field):
        if self.youngest.data is not None and field.data < self.youngest.data:
            raise ValidationError("The oldest age must be the same as the youngest age or more")


class MergeChildrenForm(GovForm):
    """Which record is the duplicate, which is kept, and why they are one child."""

    merged_area = GovSelectField(
        "Home area of the duplicate record",
        coerce=optional_int,
        validators=[Required("Select the home area of the duplicate record")],
    )
    merged_reference = StringField(
        "Reference of the duplicate record",
        widget=GovTextInput(),
        description="This record's reference will lead to the kept record",
        validators=[
            Required("Enter the reference of the duplicate record"),
            Length(max=30, message="Reference must be 30 characters or fewer"),
        ],
    )
    kept_area = GovSelectField(
        "Home area of the record to keep",
        coerce=optional_int,
        validators=[Required("Select the home area of the record to keep")],
    )
    kept_reference = StringField(
        "Reference of the record to keep",
        widget=GovTextInput(),
        validators=[
            Required("Enter the reference of the record to keep"),
            Length(max=30, message="Reference must be 30 characters or fewer"),
        ],
    )
    reason = text_area(
        "How do you know they are one child?",
        "Enter how you know the two records are of one child",
        "Reason",
        "For example, the same PNC number, confirmed with both YOTs",
        limit=1000,
    )
    checked = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())
