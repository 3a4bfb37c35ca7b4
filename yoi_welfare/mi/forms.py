"""The dashboard's filters: a period and, for an ACPC, an owner agency of its area."""

from wtforms.validators import Optional

from yoi_welfare.forms import GovForm, GovSelectField, date_field, optional_int
from yoi_welfare.mi.period import period_problem


class DashboardFilterForm(GovForm):
    class Meta:
        csrf = False

    from_date = date_field("From", "start date", validators=[Optional()])
    to_date = date_field("To", "end date", validators=[Optional()])
    agency = GovSelectField("Owner agency", coerce=optional_int)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.from_date.data and self.to_date.data:
            problem = period_problem(self.from_date.data, self.to_date.data)
            if problem:
                self.to_date.errors = [problem]
                valid = False
        return valid
