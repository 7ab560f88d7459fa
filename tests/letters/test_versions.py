import hashlib
import json

import pytest
from django.utils import timezone

from coalitions.errors import DomainError
from letters import services
from letters.models import LetterVersion, content_hash
from letters.selectors import letter_readiness
from letters.versions import version_changes
from tests.letters.conftest import confirmed_asset, letter_fields


def _revise(letter, world, campaign, target, **overrides):
    cosigners = overrides.pop("cosigners", [(world.lead_org, True), (world.member_org, True)])
    return services.letter_revise(
        letter=letter, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, cosigners, **overrides),
    )


def test_version_hash_is_sha256_of_its_canonical_json(letter):
    version = letter.current_version
    canonical = json.dumps(version.content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert version.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_hash_does_not_depend_on_key_order():
    assert content_hash({"a": 1, "b": "গৃহকর্মী"}) == content_hash({"b": "গৃহকর্মী", "a": 1})


def test_hash_covers_text_language_cosigners_and_signatories(letter, world, campaign, target):
    hashes = {letter.current_version.sha256}
    for overrides in (
        {"body": "Dear Minister,\n\nPlease ratify."},
        {"language": "fr"},
        {"cosigners": [(world.lead_org, True), (world.member_org, False)]},
    ):
        hashes.add(_revise(letter, world, campaign, target, **overrides).sha256)
    # A new signatory, with the words unchanged, is a new version too.
    world.member_org.signing_assets.update(retired_at=timezone.now())
    confirmed_asset(world.member_org, world.org_admin, name="Lakshmi R.", title="General Secretary")
    hashes.add(_revise(letter, world, campaign, target, cosigners=[(world.lead_org, True), (world.member_org, False)]).sha256)
    assert len(hashes) == 5
    assert list(letter.versions.values_list("number", flat=True)) == [5, 4, 3, 2, 1]


def test_saving_the_same_content_again_makes_no_version(letter, world, campaign, target):
    with pytest.raises(DomainError):
        _revise(letter, world, campaign, target)
    assert letter.versions.count() == 1


def test_versions_never_change(letter):
    version = letter.current_version
    version.content["subject"] = "Something else"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        LetterVersion.objects.filter(pk=version.pk).update(sha256="0" * 64)


def test_diff_shows_the_words_and_the_cosigners_that_changed(letter, world, campaign, target):
    old = letter.current_version
    new = _revise(
        letter, world, campaign, target, body=old.content["body"].replace("ratify", "ratify without delay"),
        cosigners=[(world.lead_org, True), (world.member_org, False)],
    )
    changes = version_changes(old.content, new.content)
    assert ("added", "without ") in changes.body.segments or any(
        op == "added" and "without" in text for op, text in changes.body.segments
    )
    labels = [change.label for change in changes.fields]
    assert labels == ["Co-signers and signatories"]
    assert "not named in the letter" in changes.fields[0].after


def test_a_changed_signatory_holds_finalisation_until_a_new_version(letter, world):
    for organisation in (world.lead_org, world.member_org):
        services.letter_decide(
            letter=letter, by=world.lead if organisation == world.lead_org else world.org_admin,
            organisation=organisation, decision="approve", version_sha256=letter.current_version.sha256,
        )
    assert letter_readiness(letter).ready
    world.member_org.signing_assets.update(retired_at=timezone.now())
    confirmed_asset(world.member_org, world.org_admin, name="Lakshmi R.", title="General Secretary")
    readiness = letter_readiness(letter)
    assert not readiness.ready
    assert readiness.signatory_changed == [world.member_org.name]


def test_the_edit_form_keeps_the_letterhead_order_of_the_cosigners(letter, world, client_for):
    from django.urls import reverse

    from tests.factories import ParticipationFactory

    first = ParticipationFactory(coalition=world.coalition, role="member").organisation
    first.name = "AAA first by name"
    first.save()
    campaign = letter.campaign
    url = reverse("letter_edit", args=[campaign.coalition.slug, campaign.slug, letter.pk])
    form = client_for(world.lead).get(url).context["form"]
    choices = [pk for pk, _label in form.fields["cosigners"].choices]
    assert choices[:2] == letter.current_version.cosigner_ids
    assert choices[2] == first.pk
