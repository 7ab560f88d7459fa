from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .access import MfaRequired
from .timezones import time_zone_get

# Set by site.js from the browser's own zone, so that a visitor not signed in sees local times too.
TIME_ZONE_COOKIE = "timezone"


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


class TimeZoneMiddleware:
    """Times on a page are in the reader's zone: their own if signed in, else their browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = user.timezone if user is not None and user.is_authenticated else request.COOKIES.get(TIME_ZONE_COOKIE)
        timezone.activate(time_zone_get(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


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
