"""The decision on a request for approval."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from yoi_welfare.approvals.services import MAX_REASON
from yoi_welfare.forms import GovForm, GovRadioField, Required

APPROVE, RETURN = "approve", "return"


class DecisionForm(GovForm):
    decision = GovRadioField(
        "Your decision",
        choices=[(APPROVE, "Approve"), (RETURN, "Return it to the person who recorded it")],
        validators=[Required("Select whether you approve it or return it")],
    )
    reason = TextAreaField(
        "If you return it, why?",
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_REASON}},
        description="The person who recorded it sees this",
        validators=[
            Optional(),
            Length(max=MAX_REASON, message=f"The reason must be {MAX_REASON} characters or fewer"),
        ],
    )
    version_id = HiddenField()
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    @property
    def version(self) -> int | None:
        value = self.version_id.data
        return int(value) if value and value.isdigit() else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == RETURN and not self.reason.data and not self.reason.errors:
            self.reason.errors = ["Enter why you are returning it"]
            valid = False
        return valid
