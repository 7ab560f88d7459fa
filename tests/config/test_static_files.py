"""Static files as `make run` and production serve them: collected with hashed names and kept by
browsers for good, so that a member on a slow link downloads each version of a file once."""

import gzip
import re

from django.core.management import call_command
from django.template import engines
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware


def test_collected_files_have_hashed_names_and_far_future_caching(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False

    call_command("collectstatic", interactive=False, verbosity=0)

    url = engines["django"].from_string("{% load static %}{% static 'css/site.css' %}").render()
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url), url
    assert (settings.STATIC_ROOT / url.removeprefix("/static/")).exists()

    whitenoise = WhiteNoiseMiddleware(get_response=lambda request: None)
    response = whitenoise(RequestFactory().get(url, headers={"accept-encoding": "gzip"}))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "immutable", "max-age=315360000"} <= directives, response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    assert b".site-header" in gzip.decompress(b"".join(response.streaming_content))

    # The unhashed name still answers (an old bookmark), but only for a short while.
    plain = whitenoise(RequestFactory().get("/static/css/site.css"))
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
