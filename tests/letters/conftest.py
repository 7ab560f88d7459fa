import pytest

from tests.factories import CampaignFactory, TargetFactory


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


@pytest.fixture
def target(campaign):
    return TargetFactory(campaign=campaign, name="Ministry of Labour", kind="ministry", influence=5)


def png_bytes(size=(120, 40), colour=(20, 40, 160, 255)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, format="PNG")
    return out.getvalue()


def confirmed_asset(organisation, signatory, *, name="Asha Devi", title="President"):
    """A signatory who has confirmed their signature, as the signing page leaves one."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from letters.models import SigningAsset

    asset = SigningAsset(organisation=organisation, signatory=signatory, name=name, title=title, created_by=signatory)
    asset.signature.save("signature.png", ContentFile(png_bytes()), save=False)
    asset.confirmed_at = timezone.now()
    asset.save()
    return asset


def letter_fields(campaign, target, cosigners, **overrides) -> dict:
    from datetime import date

    fields = {
        "subject": "Ratify ILO Convention 189",
        "body": "Dear Minister,\n\nWe ask you to **ratify** C189.\n\n- social security\n- minimum wage",
        "language": "en", "place": "New Delhi", "on": date(2026, 11, 20), "targets": [target],
        "cosigners": cosigners, "petition": None,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def assets(world):
    return {
        "lead": confirmed_asset(world.lead_org, world.lead, name="Sr. Chandra", title="National Coordinator"),
        "member": confirmed_asset(world.member_org, world.org_admin, name="Geeta Menon", title="President"),
    }


@pytest.fixture
def letter(world, campaign, target, assets):
    from letters import services

    return services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)]),
    )


def run_outbox():
    """What the worker does after a commit: deliver the outbox, which hands render jobs to Celery
    (eager in tests). A test's own transaction never commits, so its callbacks are run here."""
    from django.test import TestCase

    from coalitions.outbox import outbox_drain

    with TestCase.captureOnCommitCallbacks(execute=True):
        outbox_drain()


def approve_all(letter, world):
    from letters import services

    for user, organisation in ((world.lead, world.lead_org), (world.org_admin, world.member_org)):
        if organisation.pk in letter.current_version.cosigner_ids:
            services.letter_decide(
                letter=letter, by=user, organisation=organisation, decision="approve",
                version_sha256=letter.current_version.sha256,
            )


@pytest.fixture
def final_letter(world, letter):
    from letters import services

    approve_all(letter, world)
    services.letter_finalise(letter=letter, by=world.lead)
    run_outbox()
    letter.refresh_from_db()
    return letter
