from django.utils.cache import cc_delim_re, patch_cache_control

SAME_FOR_EVERY_VISITOR = "same_for_every_visitor"


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
