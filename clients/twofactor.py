"""Two-step sign-in for therapists: one TOTP device (an authenticator app) per person."""

import segno
from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def has_device(user):
    return user_has_device(user, confirmed=True)


def pending_device(user):
    """The unconfirmed device being set up, made on first visit to the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirmed_devices(user):
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def verify_code(devices, code):
    """The device that accepts this code, or None. django-otp slows down repeated guesses
    and refuses a code already used."""
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


def qr_code_svg(device):
    """The otpauth:// address as an inline SVG QR code, drawn on the server."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def issuer():
    return settings.OTP_TOTP_ISSUER
