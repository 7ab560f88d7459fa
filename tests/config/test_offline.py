"""Installing the site on a phone and reading it offline: the manifest, the service worker, which
pages the worker may keep, and sign-in and sign-out clearing what the phone kept."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from config.offline import BACKGROUND_COLOUR, THEME_COLOUR, _build_worker
from tests.factories import PASSWORD, CampaignFactory, PetitionFactory, PetitionTextFactory, TargetFactory, TaskFactory

CLEARED_AT_SIGN_OUT = '"cache", "storage"'


def _css_colour(name: str) -> str:
    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", css).group(1).lower()


@pytest.fixture
def task(world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    return TaskFactory(campaign=campaign, target=TargetFactory(campaign=campaign), organisation=world.member_org)


def _task_url(task, name: str) -> str:
    return reverse(name, args=[task.campaign.coalition.slug, task.campaign.slug, task.pk])


# The manifest ----------------------------------------------------------------------------------------


def test_the_manifest_makes_the_site_installable_with_the_sites_colours(client, db):
    response = client.get(reverse("web_manifest", args=["en"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("Coalition", "Coalition")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == _css_colour("accent") == THEME_COLOUR
    assert manifest["background_color"] == _css_colour("bg") == BACKGROUND_COLOUR
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    # The same for every visitor: browsers fetch it without cookies.
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_real_square_pngs_of_their_size(client, db, size):
    manifest = json.loads(client.get(reverse("web_manifest", args=["en"])).content)
    src = next(icon["src"] for icon in manifest["icons"] if icon["sizes"] == f"{size}x{size}")

    response = client.get(src)

    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (image.format, image.size) == ("PNG", (size, size))


def test_the_manifest_speaks_the_language_its_address_names(client, db):
    manifest = json.loads(client.get(reverse("web_manifest", args=["fr"])).content)

    with translation.override("fr"):
        assert manifest["description"] == translation.gettext("A shared workspace for coalitions of organisations.")
    assert manifest["lang"] == "fr"


def test_a_manifest_in_an_unknown_language_is_not_found(client, db):
    assert client.get(reverse("web_manifest", args=["xx"])).status_code == 404


def test_pages_link_the_manifest_in_the_readers_language_and_load_the_offline_script(client_for, world):
    world.member_staff.language = "bn"
    world.member_staff.save()

    html = client_for(world.member_staff).get(reverse("home")).content.decode()

    assert f'<link rel="manifest" href="{reverse("web_manifest", args=["bn"])}">' in html
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in html
    # Not a script of the page: site.js adds it after the load event, which it must not delay on 2G.
    assert 'data-offline-script="/static/js/offline.js"' in html and '<script src="/static/js/offline.js"' not in html
    assert re.search(r'<p class="offline-banner" role="status" data-offline-banner hidden></p>', html)
    assert f'data-offline-worker="{reverse("service_worker")}"' in html
    for label in ("since", "saved", "sent", "refused", "signed-out"):
        assert f"data-offline-{label}=" in html


def test_a_visitor_not_signed_in_gets_the_manifest_but_no_service_worker(client, db):
    html = client.get(reverse("account_login")).content.decode()

    assert 'rel="manifest"' in html
    assert "data-offline-worker" not in html


# The service worker ----------------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_as_javascript_and_checked_at_every_visit(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert response.content.decode().endswith(open(finders.find("js/sw.js"), encoding="utf-8").read())


def test_an_unchanged_service_worker_costs_a_304(client, db):
    etag = client.get("/sw.js")["ETag"]

    again = client.get("/sw.js", headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""


def _worker_config(client) -> dict:
    first_line = client.get("/sw.js").content.decode().split("\n", 1)[0]
    return json.loads(re.fullmatch(r"const CONFIG = (.*);", first_line).group(1))


def test_the_service_worker_knows_the_shell_and_the_forms_it_may_keep(client, task):
    config = _worker_config(client)

    assert "/static/css/site.css" in config["shell"] and "/static/js/offline.js" in config["shell"]
    assert config["login"] == reverse("account_login")
    kept = [re.compile(pattern) for pattern in config["kept"]]
    for url in (_task_url(task, "task_status"), _task_url(task, "task_complete")):
        assert any(pattern.match(url) for pattern in kept), url
    for url in (reverse("account_logout"), _task_url(task, "task_edit"), reverse("language_set")):
        assert not any(pattern.match(url) for pattern in kept), url


def test_in_production_the_worker_keeps_the_shell_under_its_hashed_names_first(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    script = _build_worker()[0]

    config = json.loads(re.fullmatch(r"const CONFIG = (.*);", script.split("\n", 1)[0]).group(1))
    hashed = re.compile(re.search(r"const HASHED = /(.*)/;", script).group(1).replace("\\/", "/"))
    assert config["shell"] and all(hashed.search(url) for url in config["shell"]), config["shell"]
    assert not hashed.search("/static/js/offline.js")


# Which pages the phone may keep ----------------------------------------------------------------------


def test_a_members_tasks_board_and_check_off_form_may_be_kept_offline(client_for, world, task):
    member = client_for(world.member_staff)

    for url in (reverse("home"), reverse("plan_board", args=[world.coalition.slug, "c189"]), _task_url(task, "task_complete")):
        response = member.get(url)
        assert response.status_code == 200, url
        assert response["X-Offline-Readable"] == "1", url


def test_no_answer_to_a_post_no_account_page_and_no_public_page_may_be_kept(client_for, client, world, task):
    petition = PetitionFactory(campaign=task.campaign, slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    member = client_for(world.member_staff)

    refused = member.post(_task_url(task, "task_complete"), {"summary": ""})
    pages = [
        refused,
        member.get(reverse("profile")),
        member.get(reverse("account_email")),
        member.get(f"/p/{petition.slug}/"),
        member.get(reverse("plan_csv", args=[world.coalition.slug, "c189"])),
        client.get(reverse("home")),
    ]

    assert refused.status_code == 200
    for response in pages:
        assert "X-Offline-Readable" not in response, response.request["PATH_INFO"]


# Sign-in and sign-out clear the phone ----------------------------------------------------------------


def test_signing_out_clears_what_the_phone_kept(client_for, world):
    member = client_for(world.member_staff)

    response = member.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEARED_AT_SIGN_OUT


def test_signing_in_clears_what_an_earlier_person_left_on_the_phone(world):
    client = Client()

    response = client.post(reverse("account_login"), {"login": world.member_staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'


def test_pages_that_sign_nobody_in_or_out_clear_nothing(client_for, client, world):
    failed = client.post(reverse("account_login"), {"login": world.member_staff.email, "password": "not-the-password"})
    member = client_for(world.member_staff)

    for response in (failed, client.get(reverse("home")), member.get(reverse("home")), member.get(reverse("profile"))):
        assert "Clear-Site-Data" not in response
