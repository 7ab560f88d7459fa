"""What lets a member install the site on their phone and keep reading and checking off their work
when the link drops: the web app manifest and the service worker (static/js/sw.js)."""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from .headers import OFFLINE_READABLE

# --accent and --bg of static/css/site.css: the phone's bar and splash screen match the pages.
THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#f5f6f4"
ICON_SIZES = (192, 512)
# What every page needs, fetched when the worker is installed so that the first page kept offline
# has its styles and scripts even if it was loaded before the worker took over.
SHELL = ("css/site.css", "js/site.js", "js/offline.js", "js/live.js")
# Forms kept on the phone while the link is down and sent when it returns. Each carries an
# idempotency key, so that a form sent twice is recorded once.
KEPT_FORMS = ("task_status", "task_complete")


def web_manifest(request, language: str):
    """The manifest in the language its address names. Browsers fetch a manifest without cookies,
    so the language cannot come from the person's settings: base.html links the reader's own, and
    the phone names the installed app in it. The same for everyone, so it may be kept a day."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        # The mark sits well inside the safe zone, so the same files serve as maskable icons.
        for purpose in ("any", "maskable")
        for size in ICON_SIZES
    ]
    with translation.override(language):
        manifest = {
            "id": "/",
            "name": _("Coalition"),
            "short_name": _("Coalition"),
            "description": _("A shared workspace for coalitions of organisations."),
            "lang": language,
            "dir": "ltr",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": icons,
        }
    response = JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


def _path_pattern(name: str) -> str:
    """The address of a task's form as a regular expression, taken from urls.py rather than written again."""
    holders = {"slug": "slugholder", "campaign_slug": "campaignholder", "task_id": 987654321}
    pattern = re.escape(reverse(name, kwargs=holders))
    return "^" + pattern.replace("slugholder", "[^/]+").replace("campaignholder", "[^/]+").replace("987654321", "\\d+") + "$"


def _build_worker() -> tuple[str, str]:
    config = {
        "static": settings.STATIC_URL,
        "shell": [static(path) for path in SHELL],
        "login": reverse("account_login"),
        "readable": OFFLINE_READABLE,
        "kept": [_path_pattern(name) for name in KEPT_FORMS],
    }
    source = Path(finders.find("js/sw.js")).read_text(encoding="utf-8")
    # In production the shell's addresses are hashed: a new version of a file changes this script,
    # and the browser installs the new worker.
    script = f"const CONFIG = {json.dumps(config)};\n{source}"
    return script, hashlib.sha256(script.encode()).hexdigest()[:20]


_built_worker = cache(_build_worker)


def _worker() -> tuple[str, str]:
    return _build_worker() if settings.DEBUG else _built_worker()


@condition(etag_func=lambda request: _worker()[1])
def service_worker(request):
    """The worker from the site's root, so that it may look after every page. The browser checks it
    for a new version at each visit: no-cache and its ETag make that check a few bytes when nothing
    changed."""
    response = HttpResponse(_worker()[0], content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
