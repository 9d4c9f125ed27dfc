"""Two-factor devices for tests: enrol a user through the service and make codes as an app would."""

import time

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import two_factor


def code_for_secret(secret: str) -> str:
    """The code an authenticator app set up with `secret` (hex, as stored) shows now."""
    from binascii import unhexlify

    return f"{TOTP(unhexlify(secret)).token():06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app for `user` through the service; returns it and the backup codes."""
    secret = random_hex(20)
    return two_factor.two_factor_enrol(user=user, secret=secret, code=code_for_secret(secret))


def next_code(device: TOTPDevice) -> str:
    """A code the device will accept now: this time step's, or the next one's if this step's
    code has been used (the device allows one step of drift)."""
    device.refresh_from_db()
    step = max(int(time.time()) // device.step, device.last_t + 1)
    return f"{hotp(device.bin_key, step):06d}"
