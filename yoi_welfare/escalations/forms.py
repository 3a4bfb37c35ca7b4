from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from yoi_welfare.escalations.models import ResponseKind
from yoi_welfare.forms import GovForm, GovRadioField, GovSelectField, Required, optional_int

STATUS_CHOICES = [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]


class EscalationFilterForm(GovForm):
    class Meta:
        csrf = False

    agency = GovSelectField("Owner agency", coerce=optional_int)
    kind = GovSelectField("Kind of action")
    status = GovSelectField("Status", choices=STATUS_CHOICES, default="open")


class ResponseForm(GovForm):
    kind = GovRadioField(
        "What has the ACPC done?",
        choices=[(k.value, k.label) for k in ResponseKind],
        validators=[Required("Select what the ACPC has done")],
    )
    requested_agency = GovSelectField(
        "Agency asked to act",
        coerce=optional_int,
        description="Only if you have requested action from an agency",
    )
    note = TextAreaField(
        "Note (optional)",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=1000, message="Note must be 1000 characters or fewer")],
        description="Do not include more detail about the child than the agencies need",
    )
    submit = SubmitField("Record response", widget=GovSubmitInput())
