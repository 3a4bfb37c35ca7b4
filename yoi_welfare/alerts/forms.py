"""Forms for raising an alert by hand and for ending one."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import HiddenField, SubmitField

from yoi_welfare.alerts.models import AlertCode
from yoi_welfare.alerts.services import MAX_DESCRIPTION, MAX_REASON
from yoi_welfare.forms import GovForm, GovRadioField, Required, text_area
from yoi_welfare.input_guard import whole_number

# A self-harm flag's alert is raised by opening the flag, never by hand.
HAND_CODES = [(code.value, code.label) for code in AlertCode if code is not AlertCode.SELF_HARM]


class RaiseAlertForm(GovForm):
    code = GovRadioField(
        "What is the alert about?",
        choices=HAND_CODES,
        validators=[Required("Select what the alert is about")],
    )
    description = text_area(
        "What must people know?",
        "Enter what people must know",
        "The alert",
        "Shown at the top of every page about the child, to everyone who can see them",
        limit=MAX_DESCRIPTION,
    )
    submit = SubmitField("Raise alert", widget=GovSubmitInput())


class EndAlertForm(GovForm):
    version_id = HiddenField()
    reason = text_area(
        "Why is the alert ending?",
        "Enter why the alert is ending",
        "The reason",
        "Everyone who can see the child reads this with the alert",
        limit=MAX_REASON,
    )
    submit = SubmitField("End alert", widget=GovSubmitInput())

    @property
    def version(self) -> int | None:
        return whole_number(self.version_id.data)
