"""The power map: every target where its influence meets its current stance, with its lead organisation."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import selectors
from campaigns.models import OutreachRole, Stance, StanceAssessment, Target, TargetOrganisation
from tests.factories import TargetFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(world, campaign, user=None) -> str:
    response = _client(user or world.member_staff).get(reverse("power_map", args=[world.coalition.slug, campaign.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _cells(page: str) -> list[str]:
    """The 25 cells in reading order: influence 5 to 1, opposed to champion."""
    return re.findall(r'<div class="power-map-cell[^"]*" role="cell">(.*?)</div>', page, flags=re.S)


def test_rows_run_from_influence_5_to_1_and_columns_from_opposed_to_champion(world, campaign):
    power_map = selectors.power_map(campaign)

    assert [influence for influence, _cells in power_map.rows] == [5, 4, 3, 2, 1]
    assert power_map.stances == [Stance.OPPOSED, Stance.LEANING_AGAINST, Stance.UNKNOWN, Stance.LEANING_FOR, Stance.CHAMPION]
    page = _page(world, campaign)
    headers = [page.index(str(stance.label)) for stance in power_map.stances]
    assert headers == sorted(headers)
    assert len(_cells(page)) == 25


def test_each_target_sits_in_the_cell_of_its_influence_and_current_stance(world, campaign, target):
    # The Ministry of Labour (influence 5) was very critical in 2010 and voted yes in 2011.
    StanceAssessment.objects.create(target=target, stance=Stance.OPPOSED, assessed_on=date(2010, 6, 10), organisation=world.lead_org)
    StanceAssessment.objects.create(target=target, stance=Stance.CHAMPION, assessed_on=date(2011, 6, 16), organisation=world.lead_org)
    bishops = TargetFactory(campaign=campaign, name="Council of Bishops", kind="religious_council", influence=2)
    StanceAssessment.objects.create(target=bishops, stance=Stance.LEANING_FOR, assessed_on=date(2010, 9, 1), organisation=world.member_org)
    TargetFactory(campaign=campaign, name="Times of India", kind="media", influence=3)

    cells = _cells(_page(world, campaign))

    def cell(influence, stance):
        return cells[(5 - influence) * 5 + sorted(Stance, key=int).index(stance)]

    assert "Ministry of Labour" in cell(5, Stance.CHAMPION)
    assert "Ministry of Labour" not in cell(5, Stance.OPPOSED)
    assert "Council of Bishops" in cell(2, Stance.LEANING_FOR)
    assert "Times of India" in cell(3, Stance.UNKNOWN)
    assert sum("Ministry of Labour" in c for c in cells) == 1


def test_a_chip_links_to_the_target_and_names_its_lead_organisation(world, campaign, target):
    TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role=OutreachRole.LEAD)
    TargetOrganisation.objects.create(target=target, organisation=world.member_org, role=OutreachRole.SUPPORT)

    page = _page(world, campaign)

    chip = re.search(r'<a class="chip[^"]*" href="([^"]+)">(.*?)</a>', page, flags=re.S)
    assert chip.group(1) == reverse("target_detail", args=[world.coalition.slug, campaign.slug, target.pk])
    assert "Ministry of Labour" in chip.group(2)
    assert world.lead_org.short_name in chip.group(2)
    assert world.member_org.short_name not in chip.group(2)


def test_a_target_nobody_leads_says_so(world, campaign, target):
    page = _page(world, campaign)

    assert "no lead organisation" in page


def test_the_legend_names_every_stance_and_explains_the_acronyms(world, campaign, target):
    page = _page(world, campaign, user=world.observer)

    legend = page[page.index('class="power-map-legend"'):]
    for stance in Stance:
        assert str(stance.label) in legend
    assert "acronym of the organisation that leads" in legend


def test_observers_see_the_map_but_are_not_offered_to_add_targets(world, campaign, target):
    page = _page(world, campaign, user=world.observer)

    assert "Ministry of Labour" in page
    assert reverse("target_create", args=[world.coalition.slug, campaign.slug]) not in page


POWER_MAP_QUERIES = 8


@pytest.mark.parametrize("count", [10, 200])
def test_the_power_map_runs_a_fixed_number_of_queries(count, world, campaign, django_assert_num_queries):
    targets = Target.objects.bulk_create(
        Target(campaign=campaign, name=f"Target {n:03}", kind="mp", influence=n % 5 + 1) for n in range(count)
    )
    StanceAssessment.objects.bulk_create(
        StanceAssessment(target=t, stance=n % 5 - 2, assessed_on=date(2010, 6, 1), organisation=world.lead_org)
        for n, t in enumerate(targets)
    )
    TargetOrganisation.objects.bulk_create(
        TargetOrganisation(target=t, organisation=world.member_org, role=OutreachRole.LEAD) for t in targets
    )
    client = _client(world.member_staff)
    url = reverse("power_map", args=[world.coalition.slug, campaign.slug])

    with django_assert_num_queries(POWER_MAP_QUERIES):
        response = client.get(url)

    assert response.content.decode().count('class="chip stance-') == count
