"""A letter may quote what the campaign's targets committed to, and nothing else of the ledger."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import selectors
from campaigns.models import CommitmentStatus
from coalitions.models import AuditEntry
from letters.models import Letter
from letters.render import LETTER_DATE_FORMAT, LETTER_DATE_FORMATS
from tests.factories import CommitmentFactory


@pytest.fixture
def commitments(world, campaign, target):
    """A public promise of the Ministry, kept; a private one; and a partner's own, with notes."""
    return {
        "public": CommitmentFactory(
            campaign=campaign, target=target, organisation=world.member_org, recorded_by=world.member_staff,
            wording="Secretary said off the record: yes, if the employers do not object", made_on=date(2011, 5, 18),
            due_on=date(2011, 6, 16), public=True,
            public_wording="vote yes to ILO Convention 189 at the International Labour Conference",
            status=CommitmentStatus.KEPT, settled_on=date(2011, 6, 16), evidence="Voted yes; Asha saw it in Geneva.",
            notes="Internal: the Secretary's aide is our contact",
        ),
        "private": CommitmentFactory(
            campaign=campaign, target=target, organisation=world.lead_org, recorded_by=world.lead,
            wording="Will receive a delegation in March", made_on=date(2011, 2, 1), due_on=date(2011, 3, 31),
        ),
        "partner": CommitmentFactory(
            campaign=campaign, target=None, partner=world.member_org, organisation=world.lead_org, recorded_by=world.lead,
            wording="Brings 5,000 signatures from Kerala", made_on=date(2011, 2, 1), due_on=date(2011, 4, 30),
            notes="Partner-internal: funds are short",
        ),
    }


def _summary(campaign, language="en", today=None):
    """As a letter in `language` quotes it, its dates written as the letter writes them."""
    return selectors.public_commitments_summary(
        campaign, language=language, today=today or timezone.localdate(),
        day_format=LETTER_DATE_FORMATS.get(language, LETTER_DATE_FORMAT),
    )


def test_summary_quotes_only_targets_public_commitments_in_their_public_wording(world, campaign, commitments):
    summary = _summary(campaign)

    assert summary == (
        "On 18 May 2011, Ministry of Labour committed to vote yes to ILO Convention 189 at the International Labour "
        "Conference by 16 June 2011. It was kept on 16 June 2011."
    )


def test_summary_never_leaks_notes_evidence_partners_or_people(world, campaign, commitments):
    summary = _summary(campaign)

    for private in (
        "off the record", "Internal", "Asha", "Voted yes;", "delegation", "Kerala", "funds", world.member_org.short_name,
        world.member_staff.display_name, world.member_staff.email, world.lead.display_name, world.lead.email,
    ):
        assert private not in summary


@pytest.mark.parametrize(
    ("status", "settled", "due_days", "says"),
    [
        (CommitmentStatus.PARTLY_KEPT, date(2011, 6, 20), 0, "By 20 June 2011 it was partly kept."),
        (CommitmentStatus.BROKEN, date(2011, 6, 20), 0, "By 20 June 2011 it had not been kept."),
        (CommitmentStatus.PENDING, None, -1, "It has not been kept yet."),
    ],
)
def test_summary_says_what_became_of_each(world, campaign, target, status, settled, due_days, says):
    today = timezone.localdate()
    CommitmentFactory(
        campaign=campaign, target=target, organisation=world.member_org, made_on=today - timedelta(days=60),
        due_on=today + timedelta(days=due_days), public=True, public_wording="table the bill.", status=status,
        settled_on=settled, evidence="Seen." if settled else "",
    )

    summary = _summary(campaign, today=today)

    assert "committed to table the bill by" in summary
    assert summary.endswith(says)


def test_pending_commitment_not_yet_due_says_only_what_was_promised(world, campaign, target):
    today = timezone.localdate()
    CommitmentFactory(
        campaign=campaign, target=target, organisation=world.member_org, made_on=today, due_on=today + timedelta(days=9),
        public=True, public_wording="table the bill",
    )

    assert _summary(campaign, today=today).endswith("table the bill by " + _english_day(today + timedelta(days=9)) + ".")


def _english_day(day):
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("en"):
        return date_format(day, LETTER_DATE_FORMAT)


def test_summary_is_written_in_the_language_of_the_letter(world, campaign, commitments):
    assert "juin 2011" in _summary(campaign, language="fr")
    assert "16 de junio de 2011" in _summary(campaign, language="es")


def test_summary_is_empty_without_public_commitments(world, campaign, commitments):
    commitments["public"].__class__.objects.filter(pk=commitments["public"].pk).update(public=False, public_wording="")

    assert _summary(campaign) == ""


# Composing ---------------------------------------------------------------------------------------


def _create_url(campaign):
    return reverse("letter_create", args=[campaign.coalition.slug, campaign.slug])


def _typed(world, target, **overrides):
    data = {
        "subject": "", "body": "Dear Secretary,\n\nWe thank you.", "language": "en", "place": "New Delhi",
        "on": "2011-06-20", "targets": [target.pk], "cosigners": [world.member_org.pk, world.lead_org.pk],
        "organisation": world.lead_org.pk,
    }
    data.update(overrides)
    return data


def test_composer_adds_the_commitments_to_the_body_keeping_everything_typed(world, campaign, target, commitments, client_for):
    audit = AuditEntry.objects.count()

    response = client_for(world.member_staff).post(_create_url(campaign), {**_typed(world, target), "commitments": "1"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["body"] == f"Dear Secretary,\n\nWe thank you.\n\n{_summary(campaign)}"
    assert form.initial["place"] == "New Delhi" and form.initial["on"] == "2011-06-20"
    assert form.initial["cosigners"] == [str(world.member_org.pk), str(world.lead_org.pk)]
    page = response.content.decode()
    assert "vote yes to ILO Convention 189" in page
    # Half a letter is not checked: its empty subject is not called a mistake yet.
    assert "This field is required" not in page
    assert not Letter.objects.exists() and AuditEntry.objects.count() == audit


def test_adding_the_commitments_twice_adds_them_once(world, campaign, target, commitments, client_for):
    body = f"Dear Secretary,\n\n{_summary(campaign)}"

    response = client_for(world.lead).post(_create_url(campaign), {**_typed(world, target, body=body), "commitments": "1"})

    assert response.context["form"].initial["body"] == body
    assert "The commitments are in the letter already." in response.content.decode()


def test_the_button_shows_only_when_something_may_be_quoted(world, campaign, target, commitments, client_for):
    client = client_for(world.lead)
    assert 'name="commitments"' in client.get(_create_url(campaign)).content.decode()

    commitments["public"].__class__.objects.filter(pk=commitments["public"].pk).update(public=False, public_wording="")

    assert 'name="commitments"' not in client.get(_create_url(campaign)).content.decode()


def test_observer_cannot_add_commitments_to_a_letter(world, campaign, target, commitments, client_for):
    response = client_for(world.observer).post(_create_url(campaign), {**_typed(world, target), "commitments": "1"})

    assert response.status_code == 403


def test_markup_in_a_public_wording_prints_as_text_in_the_letter(world, campaign, target, client_for):
    CommitmentFactory(
        campaign=campaign, target=target, organisation=world.member_org, made_on=date(2011, 5, 18),
        due_on=date(2011, 6, 16), public=True, public_wording='vote yes <script>alert(1)</script><img src="file:///etc/passwd">',
    )
    client = client_for(world.lead)
    typed = client.post(_create_url(campaign), {**_typed(world, target, subject="Thank you"), "commitments": "1"})
    body = typed.context["form"].initial["body"]

    response = client.post(_create_url(campaign), {**_typed(world, target, subject="Thank you", body=body), "preview": "1"})

    preview = str(response.context["preview"])
    assert "vote yes" in preview
    assert "<script>" not in preview and '<img src="file:' not in preview
