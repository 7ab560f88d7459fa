import io

from django.core.management import call_command

from signatures.models import Petition, Signature
from signatures.selectors import petition_counts, public_region_counts


def test_the_demo_has_the_india_petition_with_a_few_hundred_signatures_on_every_channel(db):
    call_command("seed_demo", stdout=io.StringIO())

    petition = Petition.objects.get(slug="ratify-c189")
    assert petition.status == "open"
    assert petition.campaign.coalition.slug == "india-domestic-workers"
    assert sorted(petition.texts.filter(approved_at__isnull=False).values_list("language", flat=True)) == [
        "bn", "en", "es", "fr",
    ]
    assert petition.organisations.count() == 5
    counts = petition_counts(petition)
    assert 300 <= counts.total <= 600
    assert min(counts.online, counts.field, counts.paper) > 20
    assert counts.total == Signature.objects.filter(petition=petition).count() + sum(
        petition.paper_totals.values_list("count", flat=True)
    )
    regions = dict(public_region_counts(petition))
    assert regions["Kerala"] > regions["Delhi"] > 0
    assert "Goa" not in regions and regions["Other regions"] >= 5
