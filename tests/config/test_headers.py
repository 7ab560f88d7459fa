"""Response headers every page carries: caching of private pages, the content security policy,
compression, and the security headers of Django's own middleware."""

import gzip
import re

import pytest
from django.http import HttpResponse
from django.urls import reverse

from config.headers import PrivatePagesMiddleware
from tests.factories import PASSWORD, CampaignFactory, TargetFactory, TaskFactory

# Inline code a policy without 'unsafe-inline' blocks: a <script> without src that is not a data
# block, a <style> element, a style="" attribute, an on…="" handler, a javascript: link.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
    r"|<style[\s>]"
    r"|\sstyle=[\"']"
    r"|\son[a-z]+=[\"']"
    r"|javascript:",
    re.IGNORECASE,
)


def _campaign_pages(world) -> list[str]:
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    target = TargetFactory(campaign=campaign, name="Ministère de la fonction publique, du travail et de la sécurité sociale")
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org)
    args = [world.coalition.slug, campaign.slug]
    return [
        reverse("campaign_list", args=args[:1]),
        reverse("campaign_detail", args=args),
        reverse("campaign_texts", args=args),
        reverse("target_list", args=args),
        reverse("target_detail", args=[*args, target.pk]),
        reverse("power_map", args=args),
        reverse("plan_board", args=args),
        reverse("task_create", args=args),
    ]


def _sign_in(client, user) -> None:
    # The two-factor set-up asks for the password again first.
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content


def _member_pages(world) -> list[str]:
    return [
        reverse("home"),
        reverse("profile"),
        reverse("coalition_detail", args=[world.coalition.slug]),
        reverse("organisation_detail", args=[world.lead_org.pk]),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
        *_campaign_pages(world),
    ]


ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no-such-page/"]


def test_pages_of_a_signed_in_person_are_never_stored(client, world):
    _sign_in(client, world.lead)

    for url in _member_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (url, response["Cache-Control"])


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_account_pages_are_never_stored(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_view_that_chose_its_caching_keeps_it(rf, world):
    request = rf.get("/organisations/1/logo.png")
    request.user = world.lead
    chosen = HttpResponse()
    chosen["Cache-Control"] = "private, max-age=3600"

    response = PrivatePagesMiddleware(lambda request: chosen)(request)

    assert response["Cache-Control"] == "private, max-age=3600"


def test_static_files_are_not_marked_private(client, db):
    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_every_page_has_a_policy_without_inline_script(client, db, url):
    response = client.get(url)

    policy = dict(
        (directive.split(" ", 1) + [""])[:2] for directive in (part.strip() for part in response["Content-Security-Policy"].split(";"))
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_no_page_holds_code_the_policy_would_block(client, world):
    """The pages a person sees, the project's and allauth's own, hold no inline script or style."""
    for url in ANONYMOUS_PAGES:
        html = client.get(url).content.decode()
        assert not INLINE_CODE.search(html), (url, INLINE_CODE.search(html).group())
    _sign_in(client, world.lead)
    for url in _member_pages(world):
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        found = INLINE_CODE.search(response.content.decode())
        assert not found, (url, found and found.group())


def test_pages_are_compressed_for_browsers_that_accept_it(client, world):
    client.force_login(world.lead)
    url = _campaign_pages(world)[-2]  # the board, the largest page

    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "Ministère de la fonction publique" in html
    # The CSRF token is masked afresh in every response (Django's BREACH mitigation).
    again = gzip.decompress(client.get(url, headers={"accept-encoding": "gzip"}).content).decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(html).group(1) != token.search(again).group(1)


def test_pages_are_sent_plain_to_clients_that_do_not_accept_compression(client, db):
    response = client.get("/accounts/login/")

    assert "Content-Encoding" not in response
    assert b"<html" in response.content


def test_security_headers_come_from_django(client, db):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_refused_form_explains_itself_without_inline_style(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html
    assert not INLINE_CODE.search(html)
    assert "Content-Security-Policy" in response


def _csp_response(request_changes=lambda request: None, response_changes=lambda response: None):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.headers import ContentSecurityPolicyMiddleware

    def view(request):
        request_changes(request)
        response = HttpResponse("ok")
        response_changes(response)
        return response

    middleware = ContentSecurityPolicyMiddleware(view)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def test_the_policy_built_once_is_the_one_django_csp_builds(settings):
    from csp.utils import build_policy

    _, response = _csp_response()
    assert response["Content-Security-Policy"] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    _, response = _csp_response()
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_response_that_varies_the_policy_still_gets_its_own(settings):
    from csp.constants import NONCE, SELF

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    request, response = _csp_response(request_changes=lambda request: str(request.csp_nonce))
    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
    _, response = _csp_response(response_changes=lambda r: setattr(r, "_csp_update", {"img-src": ["https://x.example"]}))
    assert "https://x.example" in response["Content-Security-Policy"]
    _, response = _csp_response(response_changes=lambda r: setattr(r, "_csp_exempt", True))
    assert "Content-Security-Policy" not in response
