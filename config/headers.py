from functools import wraps

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.utils.cache import cc_delim_re, patch_cache_control

SAME_FOR_EVERY_VISITOR = "same_for_every_visitor"
# The service worker (static/js/sw.js) keeps on the phone only pages that carry this header.
OFFLINE_READABLE = "X-Offline-Readable"
# Everything a signed-in person left on the phone: pages kept for offline reading, changes kept to
# be sent, the worker itself. Members have been threatened: on a shared phone their coalition's
# work must not outlive their sign-out, nor be shown to the next person who signs in.
CLEARED_AT_SIGN_OUT = '"cache", "storage"'
# The browser's HTTP cache holds no page of a signed-in person (they are sent no-store), only
# static files, which are the same for everyone: a sign-in keeps them.
CLEARED_AT_SIGN_IN = '"storage"'


def readable_offline(view):
    """Marks the pages a member needs when the link drops (their tasks, a board, a check-off form):
    the service worker keeps the latest copy of each and shows it while offline. Only a page shown
    to a signed-in person in answer to a GET is marked: never a form sent back with its errors."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
            response[OFFLINE_READABLE] = "1"
        return response

    return marked


def shared_for_anonymous(response, *, max_age: int, same_in_every_language: bool = False):
    """Marks a response that is the same for every visitor not signed in (a public petition and
    its count): proxies and browsers may keep it for `max_age` seconds.

    The view promises that nothing in it came from the visitor's cookies (nor, with
    `same_in_every_language`, from their language); PrivatePagesMiddleware then takes back the
    Vary: Cookie that reading the session adds (and the Vary: Accept-Language of the locale
    middleware), and keeps it private after all for a signed-in person or when the response sets
    a cookie.
    """
    patch_cache_control(response, public=True, max_age=max_age)
    setattr(response, SAME_FOR_EVERY_VISITOR, {"cookie", "accept-language"} if same_in_every_language else {"cookie"})
    return response


def _without_vary(response, dropped: set[str]) -> None:
    fields = [field for field in cc_delim_re.split(response.get("Vary", "")) if field and field.lower() not in dropped]
    if fields:
        response["Vary"] = ", ".join(fields)
    elif response.has_header("Vary"):
        del response["Vary"]


class PrivatePagesMiddleware:
    """Pages for a signed-in person, account pages, and any page that depends on the visitor's
    cookies (session, CSRF token) are kept out of every cache: shared proxies, and the browser's
    disk on a phone that several people use. A view that chose its own caching keeps it; one
    marked `shared_for_anonymous` is shared only when nobody is signed in and it sets no cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        dropped = getattr(response, SAME_FOR_EVERY_VISITOR, None)
        if dropped:
            if signed_in or response.cookies:
                del response["Cache-Control"]
                patch_cache_control(response, private=True, no_store=True)
            else:
                _without_vary(response, dropped)
            return response
        if response.has_header("Cache-Control"):
            return response
        varies_on_cookie = "cookie" in response.get("Vary", "").lower()
        if signed_in or varies_on_cookie or request.path.startswith("/accounts/"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SignInChangeClearsPhoneMiddleware:
    """A response that signs someone in or out tells the browser to clear what the site keeps on
    the device (Clear-Site-Data), whichever page did it (the site's sign-out, the admin's). A
    sign-in clears too: the previous person's session may simply have expired on a shared phone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        before = request.user.pk
        response = self.get_response(request)
        after = request.user.pk
        if before != after:
            response["Clear-Site-Data"] = CLEARED_AT_SIGN_IN if after is not None else CLEARED_AT_SIGN_OUT
        return response


# What a view or template may set to vary the policy of one response (django-csp's decorators).
_CSP_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's, with the policies built once rather than for every response: building them
    (a deep copy of the settings, then the header) cost a response more than most middleware,
    and nothing here varies them. A response that does vary them (a nonce, a decorator) and the
    debug pages get django-csp's own handling."""

    _built: tuple | None = None

    def process_response(self, request, response):
        varies = getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_PER_RESPONSE
        )
        excludes = any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in self._configured())
        if varies or excludes or settings.DEBUG:
            return super().process_response(request, response)
        policy, report_only = self._policies()
        if policy and HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = policy
        if report_only and HEADER_REPORT_ONLY not in response and not getattr(response, "_csp_exempt_ro", False):
            response[HEADER_REPORT_ONLY] = report_only
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _configured() -> tuple:
        return settings.CONTENT_SECURITY_POLICY, getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)

    def _policies(self) -> tuple[str, str]:
        configured = self._configured()
        # Rebuilt when the settings are replaced (as tests do), never when they stay.
        if self._built is None or any(a is not b for a, b in zip(self._built[0], configured, strict=True)):
            self._built = (configured, (build_policy(), build_policy(report_only=True)))
        return self._built[1]
