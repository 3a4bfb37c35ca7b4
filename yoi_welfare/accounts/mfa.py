"""Time-based one-time codes (TOTP, RFC 6238) from an authenticator app, with QR-code enrolment."""

import hmac
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from markupsafe import Markup

STEP_SECONDS = 30
# Accept the code of the step before and after the current one, for clock drift.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def timestep(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_for(secret: str, now: datetime) -> str:
    """The code an authenticator app shows at `now` (for tests and the demo)."""
    return pyotp.TOTP(secret).generate_otp(timestep(now))


def matching_timestep(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, within the allowed drift; None if none matches."""
    code = "".join(code.split())
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = timestep(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_svg(uri: str) -> Markup:
    """The URI as an inline SVG QR code: no image request, no inline style, so no CSP change."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    # Markup is safe here: the SVG is built by qrcode from our own URI, not from user input.
    return Markup(svg)  # noqa: S704  # nosec B704
