"""Single-use, expiring links for invitations and password resets.

Django's token machinery: the hash covers the password and the last sign-in, so a link
stops working once it has been used (the password changed) or the person has signed in.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token, with its own salt and a lifetime in days."""

    key_salt = "clients.tokens.InvitationTokenGenerator"

    @property
    def timeout(self):
        return settings.CLIENT_INVITATION_DAYS * 24 * 60 * 60

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout


invitation_tokens = InvitationTokenGenerator()
password_reset_tokens = PasswordResetTokenGenerator()
