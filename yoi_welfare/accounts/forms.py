from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import Length

from yoi_welfare.forms import GovForm, Required


class SignInForm(GovForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[Required("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[Required("Enter your password"), Length(max=1024)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())
