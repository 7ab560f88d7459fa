from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .access import MfaRequired


class UserLanguageMiddleware:
    """A signed-in person reads the site in the language they chose, on any device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class AccessDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MfaRequired):
            messages.warning(
                request,
                _("This coalition asks the people of its lead organisations to use two-factor authentication. "
                  "Please set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return None
