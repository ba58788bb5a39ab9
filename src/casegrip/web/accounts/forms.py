from django import forms
from django.contrib.auth.forms import AuthenticationForm

from . import throttle

LOCKED_MESSAGE = (
    "Too many failed sign-ins for this username or from this computer. Wait {minutes} minutes "
    "and try again, or ask your casegrip administrator to reset your password."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing to try a password once the username or address is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and throttle.is_locked(username, address):
            from django.conf import settings

            raise forms.ValidationError(
                LOCKED_MESSAGE.format(minutes=settings.CASEGRIP_LOGIN_WINDOW_MINUTES),
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username, address)
            raise
        throttle.clear_failures(username)
        return cleaned
