from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import Letter, LetterVersion


def _data(world, target, **overrides):
    data = {
        "subject": "Ratify C189", "body": "Dear Minister,\n\nPlease **ratify**.", "language": "en",
        "place": "New Delhi", "on": "2026-11-20", "targets": [target.pk],
        "cosigners": [world.lead_org.pk, world.member_org.pk], "organisation": world.lead_org.pk,
    }
    data.update(overrides)
    return data


def _create_url(campaign):
    return reverse("letter_create", args=[campaign.coalition.slug, campaign.slug])


def test_preview_draws_the_letter_without_saving_it(world, campaign, target, client_for):
    response = client_for(world.lead).post(_create_url(campaign), {**_data(world, target), "preview": "1"})
    assert response.status_code == 200
    preview = str(response.context["preview"])
    assert "<strong>ratify</strong>" in preview and world.member_org.name in preview
    assert not Letter.objects.exists()


def test_a_form_with_mistakes_comes_back_with_what_was_typed(world, campaign, target, client_for):
    data = _data(world, target, subject="", unnamed=[world.lead_org.pk, world.member_org.pk], save="1")
    response = client_for(world.lead).post(_create_url(campaign), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please **ratify**." in page
    assert "At least one co-signing organisation must be named" in page
    assert not Letter.objects.exists()


def test_raw_html_in_the_body_is_shown_as_text_never_as_markup(world, campaign, target, client_for):
    body = 'Dear Minister,\n\n<script>alert(1)</script><img src="file:///etc/passwd">'
    client_for(world.lead).post(_create_url(campaign), {**_data(world, target, body=body), "save": "1"})
    letter = Letter.objects.get()
    page = client_for(world.member_staff).get(
        reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, letter.pk])
    ).content.decode()
    assert "<script>alert(1)</script>" not in page and '<img src="file:' not in page
    assert LetterVersion.objects.get().content["body"] == body


def test_the_board_links_logos_and_never_shows_signature_images(world, final_letter, client_for):
    from django.core.files.base import ContentFile

    from tests.letters.conftest import png_bytes

    world.lead_org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    campaign = final_letter.campaign
    page = client_for(world.member_staff).get(
        reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, final_letter.pk])
    ).content.decode()
    assert reverse("organisation_logo", args=[world.lead_org.pk]) in page
    assert "data:image/png" not in page


def test_the_board_costs_the_same_queries_however_many_versions(world, letter, client_for, django_assert_num_queries):
    from letters import services
    from tests.letters.conftest import letter_fields

    campaign = letter.campaign
    url = reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, letter.pk])
    client = client_for(world.lead)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    target = campaign.targets.get()
    for number in range(4):
        services.letter_revise(
            letter=letter, by=world.lead, organisation=world.lead_org,
            **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], subject=f"S{number}"),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
