from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Length, Regexp

from yoi_welfare.accounts.passwords import MAX_LENGTH
from yoi_welfare.forms import GovForm, Required, ascii_digits


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


class SecurityCodeForm(GovForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows now",
        filters=[ascii_digits],
        validators=[
            Required("Enter the 6-digit security code from your authenticator app"),
            Regexp(
                r"^[0-9]{3} ?[0-9]{3}$",
                message="Enter the security code as 6 digits, for example 123456",
            ),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ChangePasswordForm(GovForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[Required("Enter your current password"), Length(max=1024)],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=(
            "At least 12 characters. A few random words make a strong password that is easy to "
            "remember. Do not use a password you use anywhere else."
        ),
        validators=[
            Required("Enter a new password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())
