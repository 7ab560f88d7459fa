"""The public page of a petition, its count.json and its QR code: the approved text in the
reader's language, the count, signers only as they chose to be shown, light enough for a cheap
phone, and the same for every anonymous visitor so that caches can serve it."""

import gzip
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from signatures import caching, selectors
from signatures.models import PetitionStatus, PetitionTally, Visibility
from signatures.selectors import petition_public_forget
from tests.config.test_headers import INLINE_CODE
from tests.factories import OrganisationFactory, PetitionFactory, PetitionTextFactory, SignatureFactory

PAGE = "/p/ratify-c189/"
WEIGHT_LIMIT = 30 * 1024


def confirmed(petition, **fields):
    return SignatureFactory(petition=petition, confirmed_at=timezone.now(), **fields)


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_the_page_shows_the_approved_text_the_count_and_the_goal(client, petition):
    PetitionTally.objects.create(petition=petition, channel="online", region="Kerala", count=1234)
    PetitionTally.objects.create(petition=petition, channel="field", region="Kerala", count=66)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ratify ILO Convention 189</h1>" in html
    assert "Domestic workers are workers." in html
    assert '<strong data-count="total">1,300</strong>' in html
    assert '<progress max="1000" value="1000">' in html
    assert "Goal: 1,000" in html
    assert '<span data-count="online">1,234</span>' in html and '<span data-count="field">66</span>' in html


def test_progress_below_the_goal(client, petition):
    PetitionTally.objects.create(petition=petition, channel="online", region="Kerala", count=250)
    assert '<progress max="1000" value="250">25%</progress>' in client.get(PAGE).content.decode()


@pytest.mark.parametrize("status", [PetitionStatus.PAUSED, PetitionStatus.CLOSED])
def test_a_paused_or_closed_petition_shows_without_its_form(client, petition, status):
    petition.status = status
    petition.save()
    html = client.get(PAGE).content.decode()
    assert "Ratify ILO Convention 189" in html
    assert "<form" not in html
    assert 'class="notice"' in html


def test_a_petition_past_its_deadline_shows_without_its_form(client, petition):
    petition.deadline = timezone.localdate() - timedelta(days=1)
    petition.save()
    assert "<form" not in client.get(PAGE).content.decode()


def test_a_draft_petition_is_not_found(client, campaign):
    draft = PetitionFactory(campaign=campaign, slug="draft-one", status=PetitionStatus.DRAFT)
    PetitionTextFactory(petition=draft)
    for url in ["/p/draft-one/", "/p/draft-one/count.json", "/p/draft-one/qr.svg", "/p/draft-one/sign/",
                "/p/draft-one/thanks/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_link_checkers_may_ask_for_the_headers_only(client, petition):
    for url in [PAGE, PAGE + "count.json", PAGE + "qr.svg", PAGE + "thanks/"]:
        assert client.head(url).status_code == 200, url


def test_an_unknown_petition_is_not_found(client, db):
    assert client.get("/p/no-such-petition/").status_code == 404


# Languages -----------------------------------------------------------------------------------------


@pytest.fixture
def french(petition):
    PetitionTextFactory(petition=petition, language="fr", title="Ratifiez la C189", body="Les travailleuses domestiques.")
    PetitionTextFactory(petition=petition, language="es", title="Borrador", body="Sin aprobar.", approved_at=None)
    return petition


def test_the_text_follows_the_browsers_language(client, french):
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "Ratifiez la C189" in html and '<html lang="fr">' in html


def test_the_switcher_offers_the_approved_languages_only(client, french):
    html = client.get(PAGE).content.decode()
    assert 'href="?lang=fr"' in html
    assert "?lang=es" not in html and "Borrador" not in html


def test_the_switcher_picks_the_language_by_address(client, french):
    response = client.get(PAGE + "?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert "Ratifiez la C189" in response.content.decode()
    assert response["Content-Language"] == "fr"
    # Each language is its own page in the cache: English asked for next is English.
    assert "Ratify ILO Convention 189" in client.get(PAGE + "?lang=en").content.decode()


def test_an_unapproved_text_is_never_shown_even_when_asked_for(client, french):
    html = client.get(PAGE + "?lang=es").content.decode()
    assert "Borrador" not in html and "Sin aprobar" not in html
    assert "Ratify ILO Convention 189" in html


def test_a_language_chosen_elsewhere_on_the_site_leads_to_its_own_address(client, french):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response["Location"] == PAGE + "?lang=fr"
    assert "no-store" in directives(response)


# Signers as they chose to be shown -----------------------------------------------------------------


def test_recent_signers_appear_only_as_each_chose(client, petition):
    confirmed(petition, name="Meena Kumari", email="meena@example.org", visibility=Visibility.FULL_NAME, region="Tamil Nadu")
    confirmed(petition, name="Asha Devi", email="asha@example.org", visibility=Visibility.INITIALS, region="Kerala")
    confirmed(petition, name="Hidden Person", email="hidden@example.org", visibility=Visibility.COUNTED)
    SignatureFactory(petition=petition, name="Not Confirmed", email="nc@example.org", visibility=Visibility.FULL_NAME)
    confirmed(petition, name="Held Aside", email="held@example.org", visibility=Visibility.FULL_NAME, held="rate")
    html = client.get(PAGE).content.decode()
    assert "<li>Meena Kumari</li>" in html
    assert "<li>A. D., Kerala</li>" in html
    for secret in ["Asha", "Hidden Person", "Not Confirmed", "Held Aside", "@example.org"]:
        assert secret not in html, secret


def test_the_page_lists_the_last_ten_signers_newest_first(client, petition):
    now = timezone.now()
    for n in range(12):
        SignatureFactory(
            petition=petition, name=f"Signer{n:02d} Name", visibility=Visibility.FULL_NAME,
            confirmed_at=now - timedelta(minutes=12 - n),
        )  # fmt: skip
    names = re.findall(r"<li>(Signer\d\d) Name</li>", client.get(PAGE).content.decode())
    assert names == [f"Signer{n:02d}" for n in range(11, 1, -1)]


def test_small_regions_are_merged_on_the_public_page(client, petition):
    PetitionTally.objects.create(petition=petition, channel="online", region="Kerala", count=40)
    PetitionTally.objects.create(petition=petition, channel="online", region="Tamil Nadu", count=2)
    html = client.get(PAGE).content.decode()
    assert "<li>Kerala: 40</li>" in html
    assert "Tamil Nadu" not in html.split("Signatures by region")[1].split("</ul>")[0]
    assert "<li>Other regions: 2</li>" in html


# Sharing ---------------------------------------------------------------------------------------------


def test_open_graph_tags_describe_the_page(client, petition):
    html = client.get(PAGE).content.decode()
    assert '<meta property="og:title" content="Ratify ILO Convention 189">' in html
    assert '<meta property="og:description" content="Domestic workers are workers. Ratify the Convention.">' in html
    assert f'<meta property="og:url" content="{settings.SITE_URL}{PAGE}">' in html
    assert '<meta property="og:type" content="website">' in html


def test_share_links_are_plain_links_with_no_third_party_script(client, petition):
    html = client.get(PAGE).content.decode()
    for start in ["https://wa.me/?text=", "https://www.facebook.com/sharer/sharer.php?u=", "https://x.com/intent/post?",
                  "mailto:?subject="]:  # fmt: skip
        assert f'href="{start}' in html, start
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert scripts == ["/static/signatures/petition.js"]
    assert not re.findall(r"<(?:iframe|img)[^>]+src=\"https?://", html)
    assert not INLINE_CODE.search(html)


def test_the_qr_code_is_an_svg_of_the_page_address_kept_for_a_day(client, petition):
    response = client.get(PAGE + "qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert {"public", "max-age=86400"} <= directives(response)
    assert "cookie" not in vary(response)
    assert response.content.startswith(b"<svg ")


def test_the_qr_code_holds_exactly_the_modules_of_the_address():
    import qrcode

    from signatures.qr import BORDER, qr_svg

    url = "https://petitions.example.org/p/ratify-c189/"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER)
    code.add_data(url)
    code.make(fit=True)
    expected = code.get_matrix()
    drawn = [[False] * len(expected) for _ in expected]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)", qr_svg(url)):
        for dx in range(int(width)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == expected


# Weight and caching ------------------------------------------------------------------------------------


def _gzipped(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=9))


def _static(path: str) -> bytes:
    with open(finders.find(path), "rb") as file:
        return file.read()


def test_the_page_with_all_it_loads_weighs_under_30_kb_compressed(client, petition, world):
    # A busy page: long text, every co-owner, ten signers, many regions, several languages.
    petition.organisations.set([world.lead_org, world.member_org])
    for language in ["fr", "es", "bn", "en-in"]:
        PetitionTextFactory(petition=petition, language=language)
    PetitionText = petition.texts.model
    PetitionText.objects.filter(petition=petition, language="en").update(body="Domestic workers are workers. " * 150)
    petition.regions = [f"Region {n}" for n in range(36)]
    petition.save()
    for n in range(36):
        PetitionTally.objects.create(petition=petition, channel="online", region=f"Region {n}", count=100 + n)
    for n in range(10):
        confirmed(petition, name=f"Person Number{n}", visibility=Visibility.FULL_NAME)
    html = client.get(PAGE).content
    assert b"Region 35" in html
    paths = re.findall(r'(?:src|href)="/static/([^"]+)"', html.decode())
    loaded = [_static(path) for path in paths]
    assert len(loaded) == 2  # its stylesheet and its script, nothing of the site's
    qr = client.get(PAGE + "qr.svg").content
    total = _gzipped(html) + sum(_gzipped(content) for content in loaded) + _gzipped(qr)
    assert total <= WEIGHT_LIMIT, total


def test_the_page_does_not_load_the_sites_stylesheet(client, petition):
    html = client.get(PAGE).content.decode()
    assert "css/site.css" not in html and "js/site.js" not in html


def test_the_anonymous_page_is_cacheable_and_carries_nothing_of_the_visitor(client, petition):
    # What a visitor who signed before, in another zone, brings along.
    client.cookies["csrftoken"] = "x" * 32
    client.cookies["timezone"] = "Asia/Kolkata"
    response = client.get(PAGE)
    assert {"public", "max-age=10"} <= directives(response)
    assert "private" not in directives(response) and "no-store" not in directives(response)
    assert "cookie" not in vary(response)
    assert not response.cookies
    assert b'name="csrfmiddlewaretoken" value=""' in response.content


def test_a_response_that_sets_a_cookie_is_never_shared(client, petition):
    # A stale session cookie is deleted by the response: that response must stay private.
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired-session"
    response = client.get(PAGE)
    assert response.cookies
    assert {"private", "no-store"} <= directives(response) and "public" not in directives(response)


def test_anonymous_visitors_get_the_page_from_the_cache(client, petition, django_assert_num_queries):
    first = client.get(PAGE).content
    with django_assert_num_queries(0):
        again = client.get(PAGE).content
    assert again == first


def test_a_signed_in_visitor_gets_the_page_kept_private(client, petition, world):
    client.force_login(world.member_staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_the_page_shows_no_address_and_no_name_of_a_counted_only_signer(client, petition, world):
    petition.organisations.set([world.lead_org])
    for n in range(5):
        confirmed(petition, name=f"Secret Name{n}", email=f"secret{n}@example.org", visibility=Visibility.COUNTED)
    html = client.get(PAGE).content.decode()
    assert "@" not in html.replace("mailto:?", "")
    assert "Secret" not in html


def test_one_opt_in_per_co_owning_organisation(client, petition, world):
    petition.organisations.set([world.lead_org, OrganisationFactory(name="National Domestic Workers Movement", acronym="NDWM")])
    html = client.get(PAGE).content.decode()
    assert "Keep me informed by NDWM" in html
    assert f"Keep me informed by {world.lead_org.short_name}" in html
    assert html.count('name="opt_in"') == 2


# count.json ----------------------------------------------------------------------------------------------


def test_count_json_has_only_the_numbers(client, petition):
    PetitionTally.objects.create(petition=petition, channel="online", region="Kerala", count=7)
    PetitionTally.objects.create(petition=petition, channel="paper", region="Kerala", count=3)
    confirmed(petition, name="Meena Kumari", email="meena@example.org", visibility=Visibility.FULL_NAME)
    response = client.get(PAGE + "count.json")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"total": 10, "goal": 1000, "online": 7, "field": 0, "paper": 3}
    assert b"Meena" not in response.content and b"@" not in response.content


def test_count_json_is_cached_two_seconds_for_everyone(client, petition, django_assert_num_queries):
    response = client.get(PAGE + "count.json")
    assert {"public", "max-age=2"} <= directives(response)
    assert not {"cookie", "accept-language"} & vary(response)
    with django_assert_num_queries(0):
        client.get(PAGE + "count.json")


def test_count_json_catches_up_once_its_cache_expires(client, petition):
    assert json.loads(client.get(PAGE + "count.json").content)["total"] == 0
    PetitionTally.objects.create(petition=petition, channel="online", region="Kerala", count=5)
    caching.forget(f"signatures:count:{petition.pk}")  # what two seconds do
    assert json.loads(client.get(PAGE + "count.json").content)["total"] == 5


def test_the_script_that_refreshes_the_count_is_small_and_plain():
    script = _static("signatures/petition.js").decode()
    assert "count" in script and "setInterval" in script
    assert "eval(" not in script and "innerHTML" not in script
    assert _gzipped(script.encode()) < 2048


def test_a_flood_of_made_up_addresses_costs_one_query_each_and_little_memory(client, db, django_assert_num_queries):
    for n in range(caching.PROCESS_MAX_ENTRIES + 5):
        caching.short_lived(f"signatures:test:{n}", seconds=5, compute=lambda: "x")
    assert len(caching._process) <= caching.PROCESS_MAX_ENTRIES
    client.get("/p/made-up-slug/")
    with django_assert_num_queries(0):
        assert client.get("/p/made-up-slug/").status_code == 404


def test_a_visitor_without_cookies_gets_the_last_seconds_response_without_the_view(
    client, petition, django_assert_num_queries, monkeypatch
):
    first = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")
    views_run = []
    monkeypatch.setattr("signatures.views.selectors.petition_public", lambda slug: views_run.append(slug))
    with django_assert_num_queries(0):
        again = client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip")
    assert views_run == []
    assert again.content == first.content
    assert again["Content-Encoding"] == "gzip" and again["Cache-Control"] == first["Cache-Control"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_kept_response_is_per_address_language_and_encoding(client, petition):
    english = client.get(PAGE).content
    assert client.get(PAGE, HTTP_ACCEPT_ENCODING="gzip").content != english
    PetitionTextFactory(petition=petition, language="fr", title="Ratifiez la Convention 189")
    petition_public_forget(petition.slug)  # what a lead's approval does
    client.get(PAGE)
    assert "Ratifiez" in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ratifiez" in client.get(PAGE + "?lang=fr").content.decode()
    assert "Ratifiez" not in client.get(PAGE).content.decode()


def test_a_visitor_with_a_cookie_or_signed_in_is_never_answered_from_the_kept_response(
    client, petition, world, monkeypatch
):
    client.get(PAGE)
    real = selectors.petition_public
    views_run = []
    monkeypatch.setattr("signatures.views.selectors.petition_public", lambda slug: views_run.append(slug) or real(slug))
    client.cookies["csrftoken"] = "x" * 32
    client.get(PAGE)
    client.cookies.clear()
    client.force_login(world.lead)
    assert "private" in client.get(PAGE)["Cache-Control"]
    assert views_run == ["ratify-c189", "ratify-c189"]


def test_a_private_answer_is_never_kept_for_others(client, petition, world):
    client.force_login(world.lead)
    client.get(PAGE)
    client.logout()
    client.cookies.clear()
    assert "private" not in client.get(PAGE)["Cache-Control"]
