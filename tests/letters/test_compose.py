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
