"""The user's choice of how notices that can wait reach them by email."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from yoi_welfare.forms import GovForm, GovRadioField, Required
from yoi_welfare.notifications.models import Delivery


class DeliveryForm(GovForm):
    routine_notices = GovRadioField(
        "How do you want to be emailed about notices that can wait?",
        choices=[(delivery.value, delivery.label) for delivery in Delivery],
        description=(
            "Urgent notices are always emailed at once: a self-harm flag at high risk, a "
            "screening's must know tonight, an escalation to you, an approval waiting for you "
            "and a death in custody. Every notice is also listed under Notifications."
        ),
        validators=[Required("Select how you want to be emailed")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
