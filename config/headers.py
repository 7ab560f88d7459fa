from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Pages for a signed-in person, account pages, and any page that depends on the visitor's
    cookies (session, CSRF token) are kept out of every cache: shared proxies, and the browser's
    disk on a phone that several people use. A view that chose its own caching keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        varies_on_cookie = "cookie" in response.get("Vary", "").lower()
        if (user is not None and user.is_authenticated) or varies_on_cookie or request.path.startswith("/accounts/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
