"""The public face of a petition: its page, count and QR code; signing, confirming and erasing;
and field mode, where a coalition member collects signatures at an event.

Caching and CSRF. The page is what tens of thousands of people open at once, so it is rendered
once per petition and language every few seconds, and sent with Cache-Control: public and no
Vary: Cookie, so that a proxy can serve it too. It therefore carries no CSRF token, which would
tie it to one visitor's cookie. Its form posts to /p/<slug>/sign/ all the same:
- with JavaScript, petition.js fetches a token from /p/<slug>/csrf/ (never cached) as soon as
  the visitor starts on the form, and puts it in the form: one tap on "Sign", as usual;
- without JavaScript, the post arrives without a token. Django's own CSRF check still decides
  (the view is exempt from the middleware only to run that check itself), so nothing is signed;
  the view answers with the form as typed, now carrying a token, and asks for one more tap.
  Nobody types anything twice, and no post without a valid token ever signs.
Pages that carry a token of the signer's (confirmation, erasure) are never stored anywhere and
send no Referer, so the token does not leak into a log or a share service. Their POST needs no
CSRF token: the secret token in the address is what authorises it (whoever has it could as well
press the button), and a page without a referrer makes the browser send "Origin: null", which
Django's CSRF check refuses.
"""

from contextlib import nullcontext
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.formats import get_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from coalitions.access import check_coalition_access
from coalitions.errors import DomainError
from coalitions.http import client_ip
from config.headers import shared_for_anonymous

from . import selectors, services
from .caching import short_lived
from .forms import SignatureForm
from .models import Petition, PetitionStatus, SignatureChannel
from .qr import qr_svg

# How long the page and the thanks page are kept, here and in proxies and browsers.
PAGE_SECONDS = 10
# count.json: the worker adds confirmations every 2 s; the numbers are kept 1 s in the shared
# cache and 1 s more in each process, the whole response 1 s in each process
# (signatures/caching.py) and 2 s downstream: what a visitor sees is at most 5 s behind the tallies.
COUNT_SERVER_SECONDS = 1
COUNT_MAX_AGE = 2
QR_SECONDS = 24 * 3600
LANGUAGE_PARAMETER = "lang"


# Reading the request -----------------------------------------------------------------------------


def _petition_or_404(slug: str) -> Petition:
    petition = selectors.petition_public(slug)
    if petition is None:
        raise Http404
    return petition


def _valid_language(code: str | None) -> str | None:
    return code if code in dict(settings.LANGUAGES) else None


def _chosen_language(request) -> str | None:
    """The language picked on the page's own switcher, carried in the address (and the forms)."""
    return _valid_language(request.POST.get(LANGUAGE_PARAMETER) or request.GET.get(LANGUAGE_PARAMETER))


def _in_language(language: str | None):
    return translation.override(language) if language else nullcontext()


def _with_language(url: str, language: str | None) -> str:
    return f"{url}?{urlencode({LANGUAGE_PARAMETER: language})}" if language else url


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _page_url(petition: Petition) -> str:
    return _absolute(reverse("petition_page", args=[petition.slug]))


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _keep_token_private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# What the pages show --------------------------------------------------------------------------------


def _title(petition: Petition, language: str) -> str:
    text = selectors.petition_text_for(petition, language)
    return text.title if text else petition.slug


def _share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain links to each service's own share page: no script of theirs runs on ours."""
    message = f"{title} {url}"
    return [
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": message}, quote_via=quote)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote)),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url}, quote_via=quote)),
        (_("Email"), "mailto:?" + urlencode({"subject": title, "body": message}, quote_via=quote)),
    ]


def _status_note(petition: Petition) -> str:
    if petition.status == PetitionStatus.PAUSED:
        return _("Signing is paused for now. Please come back later.")
    if petition.status == PetitionStatus.CLOSED:
        return _("This petition is closed. Thank you to everyone who signed.")
    return _("This petition is no longer open for signatures.")


def _language_links(petition: Petition) -> list[tuple[str, str]]:
    return [(code, translation.get_language_info(code)["name_local"]) for code in selectors.petition_languages(petition)]


def _number_format() -> dict:
    """How the reader's language groups digits, for the script that refreshes the count."""
    grouping = get_format("NUMBER_GROUPING")
    return {"separator": get_format("THOUSAND_SEPARATOR"), "lakh": int(isinstance(grouping, tuple | list))}


def _common(petition: Petition, language: str) -> dict:
    title = _title(petition, language)
    page_url = _page_url(petition)
    return {"petition": petition, "title": title, "page_url": page_url, "share_links": _share_links(title, page_url)}


def _page_html(petition: Petition, language: str) -> str:
    """The public page, the same for every visitor: rendered without the request, so that
    nothing of the visitor's (a CSRF token, their name) can get into what the cache shares."""
    text = selectors.petition_text_for(petition, language)
    counts = selectors.petition_counts(petition)
    context = {
        **_common(petition, language),
        "text": text,
        "description": Truncator(" ".join(text.body.split()) if text else "").chars(200),
        "counts": counts,
        "percent": min(100, counts.total * 100 // max(petition.goal, 1)),
        "regions": selectors.public_region_counts(petition),
        "recent": selectors.recent_signers(petition),
        "is_open": petition.accepts_signatures(timezone.localdate()),
        "status_note": _status_note(petition),
        "form": SignatureForm(petition=petition),
        "language": language,
        "languages": _language_links(petition),
        "number_format": _number_format(),
    }
    return render_to_string("signatures/petition_page.html", context)


def _shared_page(html: str, language: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Language"] = language
    return shared_for_anonymous(response, max_age=PAGE_SECONDS)


# The public page, its count and its QR code ---------------------------------------------------------


@require_safe
def petition_page(request, slug: str):
    petition = _petition_or_404(slug)
    language = _chosen_language(request)
    if language is None and not request.user.is_authenticated:
        # A language chosen elsewhere on the site lives in a cookie, which a shared copy of the
        # page cannot vary on: such a visitor is sent to the address that names the language.
        chosen = _valid_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if chosen:
            response = _see_other(_with_language(reverse("petition_page", args=[slug]), chosen))
            patch_cache_control(response, private=True, no_store=True)
            return response
    language = language or translation.get_language()
    with translation.override(language):
        html = short_lived(
            selectors.public_page_key("page", slug, language), seconds=PAGE_SECONDS,
            compute=lambda: _page_html(petition, language),
        )  # fmt: skip
    return _shared_page(html, language)


@require_safe
def petition_count(request, slug: str):
    """Only numbers: the count is public, who signed is not."""
    petition = _petition_or_404(slug)

    def numbers() -> dict:
        counts = selectors.petition_counts(petition)
        return {
            "total": counts.total, "goal": petition.goal,
            "online": counts.online, "field": counts.field, "paper": counts.paper,
        }  # fmt: skip

    data = short_lived(f"signatures:count:{petition.pk}", seconds=COUNT_SERVER_SECONDS, compute=numbers)
    return shared_for_anonymous(JsonResponse(data), max_age=COUNT_MAX_AGE, same_in_every_language=True)


@require_safe
def petition_qr(request, slug: str):
    """The page's address as a QR code, to print on posters and field sheets."""
    petition = _petition_or_404(slug)
    url = _page_url(petition)
    svg = short_lived(f"signatures:qr:{url}", seconds=QR_SECONDS, compute=lambda: qr_svg(url))
    response = HttpResponse(svg, content_type="image/svg+xml")
    return shared_for_anonymous(response, max_age=QR_SECONDS, same_in_every_language=True)


@never_cache
@require_GET
def petition_csrf(request, slug: str):
    """A CSRF token for the form on the shared page, which cannot carry one (see the top)."""
    _petition_or_404(slug)
    return JsonResponse({"token": get_token(request)})


# Signing ------------------------------------------------------------------------------------------


def _csrf_passes(request) -> bool:
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _sign_page(request, petition: Petition, *, form: SignatureForm | None, language: str | None, notice: str = "",
               status: int = 200) -> HttpResponse:  # fmt: skip
    current = translation.get_language()
    context = {
        **_common(petition, current),
        "form": form, "notice": notice, "language": language, "status_note": _status_note(petition),
    }
    return render(request, "signatures/sign.html", context, status=status)


@csrf_exempt  # Django's CSRF check runs in the view, to answer a post without a token kindly.
@require_http_methods(["GET", "POST"])
def petition_sign(request, slug: str):
    petition = _petition_or_404(slug)
    language = _chosen_language(request)
    with _in_language(language):
        if not petition.accepts_signatures(timezone.localdate()):
            return _sign_page(request, petition, form=None, language=language)
        if request.method == "GET":
            return _sign_page(request, petition, form=SignatureForm(petition=petition), language=language)
        if not _csrf_passes(request):
            form = SignatureForm(request.POST, petition=petition)
            form.is_valid()  # shows what needs correcting, if anything, with the one more tap
            notice = _("Almost done: please press “Sign” once more to send your signature.")
            return _sign_page(request, petition, form=form, language=language, notice=notice)
        try:
            # The service checks every field itself; the form (whose set-up costs a good part of
            # a signing) is built only to show what needs correcting.
            services.petition_sign(
                petition=petition, ip=client_ip(request), name=request.POST.get("name", ""),
                email=request.POST.get("email", ""), region=request.POST.get("region", ""),
                visibility=request.POST.get("visibility", ""), opt_ins=request.POST.getlist("opt_in"),
            )  # fmt: skip
        except DomainError as error:
            form = SignatureForm(request.POST, petition=petition)
            if form.is_valid():
                form.add_error(None, error.message)
            return _sign_page(request, petition, form=form, language=language)
        # The same answer whatever happened (new, repeated, held aside): nobody can learn here
        # whether an address had signed.
        return _see_other(_with_language(_thanks_url(petition.slug), language))


@lru_cache(maxsize=1024)
def _thanks_url(slug: str) -> str:
    # Resolving the address backwards costs a signing a few per cent; only real petitions get here.
    return reverse("petition_thanks", args=[slug])


@require_safe
def petition_thanks(request, slug: str):
    petition = _petition_or_404(slug)
    language = _chosen_language(request) or translation.get_language()
    with translation.override(language):
        html = short_lived(
            selectors.public_page_key("thanks", slug, language), seconds=PAGE_SECONDS,
            compute=lambda: render_to_string("signatures/thanks.html", _common(petition, language)),
        )
    return _shared_page(html, language)


# The links in the signer's mail ----------------------------------------------------------------------


def _token_page(request, petition: Petition, token: str, *, template: str, act) -> HttpResponse:
    """Mail scanners open links, so opening one only shows a button; the change is its POST."""
    if request.method == "POST":
        try:
            act(token)
        except DomainError:
            state = "invalid"
        else:
            state = "done"
    else:
        state = "ask" if selectors.signature_token_valid(petition, token) else "invalid"
    context = {**_common(petition, translation.get_language()), "state": state}
    response = render(request, template, context, status=404 if state == "invalid" else 200)
    return _keep_token_private(response)


@csrf_exempt  # see the top: the token in the address is the proof
@require_http_methods(["GET", "POST"])
def signature_confirm(request, slug: str, token: str):
    return _token_page(
        request, _petition_or_404(slug), token, template="signatures/confirm.html",
        act=lambda token: services.signature_confirm(token=token),
    )  # fmt: skip


@csrf_exempt  # see the top: the token in the address is the proof
@require_http_methods(["GET", "POST"])
def signature_erase(request, slug: str, token: str):
    return _token_page(
        request, _petition_or_404(slug), token, template="signatures/erase.html",
        act=lambda token: services.signature_erase(token=token),
    )  # fmt: skip


# Field mode ---------------------------------------------------------------------------------------


def _check_collector(user, petition: Petition) -> None:
    """Partners of the petition's coalition collect; observers do not. The petition is public,
    so unlike the coalition's own pages a refusal here gives nothing away: 403, not 404."""
    try:
        check_coalition_access(user, petition.coalition, "act")
    except Http404:
        raise PermissionDenied from None


@login_required
@require_http_methods(["GET", "POST"])
def petition_field(request, slug: str):
    petition = _petition_or_404(slug)
    _check_collector(request.user, petition)
    is_open = petition.accepts_signatures(timezone.localdate())
    form = SignatureForm(request.POST or None, petition=petition, collecting=True)
    if request.method == "POST" and is_open and form.is_valid():
        fields = form.signature_fields()
        try:
            services.petition_sign(
                petition=petition, ip=client_ip(request), channel=SignatureChannel.FIELD, collector=request.user,
                **fields,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # The name only: the next person in the queue reads this screen too.
            messages.success(request, _("Signature of %(name)s recorded.") % {"name": " ".join(fields["name"].split())})
            return _see_other(reverse("petition_field", args=[slug]))
    context = {
        **_common(petition, translation.get_language()),
        "form": form, "is_open": is_open, "status_note": _status_note(petition),
    }
    return render(request, "signatures/field.html", context)
