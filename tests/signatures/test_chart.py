"""Signatures over time: days in the reader's time zone, drawn as SVG on the server, with a table too."""

import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from signatures.chart import BOTTOM, LEFT, RIGHT, TOP, nice_ceiling, signatures_chart
from signatures.models import PaperTotal, Petition
from signatures.selectors import petition_daily_counts
from tests.factories import SignatureFactory

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
TODAY = date(2026, 6, 30)


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (180, 200), (4100, 5000)])
def test_scales_end_on_round_numbers(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_the_chart_shows_the_last_sixty_days_with_the_running_total_from_the_start():
    daily = {date(2026, 1, 1): 500, TODAY - timedelta(days=59): 10, TODAY - timedelta(days=1): 20, TODAY: 5}

    chart = signatures_chart(daily, today=TODAY, created_on=date(2025, 12, 1))

    assert len(chart.days) == 60 and chart.first == TODAY - timedelta(days=59) and chart.last == TODAY
    assert [day.count for day in chart.days[:2]] == [10, 0]
    assert [day.total for day in chart.days[-3:]] == [510, 530, 535]
    assert (chart.added, chart.total) == (35, 535)


def test_the_tallest_bar_and_the_last_total_reach_their_scales():
    daily = {TODAY - timedelta(days=1): 20, TODAY: 5}

    chart = signatures_chart(daily, today=TODAY, created_on=TODAY - timedelta(days=1))

    yesterday, today = chart.days
    assert float(yesterday.y) == TOP and float(yesterday.height) == BOTTOM - TOP  # 20 of a scale to 20
    assert float(today.height) == pytest.approx((BOTTOM - TOP) / 4)
    last_point = chart.line.split()[-1]
    assert float(last_point.split(",")[1]) == pytest.approx(BOTTOM - 25 / 50 * (BOTTOM - TOP))
    assert [tick.value for tick in chart.daily_ticks] == [0, 10, 20]
    assert [tick.value for tick in chart.total_ticks] == [25, 50]


def test_a_young_petition_is_drawn_from_the_day_it_was_created():
    chart = signatures_chart({TODAY: 3}, today=TODAY, created_on=TODAY - timedelta(days=4))

    assert len(chart.days) == 5 and chart.first == TODAY - timedelta(days=4)
    assert all(LEFT <= float(day.x) and float(day.x) + float(day.width) <= RIGHT for day in chart.days)


def test_paper_sheets_older_than_the_petition_start_the_chart_earlier():
    chart = signatures_chart({TODAY - timedelta(days=10): 40}, today=TODAY, created_on=TODAY - timedelta(days=2))

    assert chart.first == TODAY - timedelta(days=10) and chart.days[0].count == 40


def test_a_petition_of_one_day_draws_its_total_across_the_width():
    chart = signatures_chart({TODAY: 3}, today=TODAY, created_on=TODAY)

    assert chart.line.startswith(f"{LEFT},") and f" {RIGHT}," in chart.line


def test_days_are_counted_in_the_readers_time_zone(petition):
    evening_in_utc = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # already 2 March in India
    SignatureFactory(petition=petition, confirmed_at=evening_in_utc)
    SignatureFactory(petition=petition, confirmed_at=evening_in_utc - timedelta(hours=12))
    SignatureFactory(petition=petition)  # not confirmed
    SignatureFactory(petition=petition, confirmed_at=evening_in_utc, held="rate")
    PaperTotal.objects.create(petition=petition, count=40, collected_on=date(2026, 3, 2))

    assert petition_daily_counts(petition, UTC) == {date(2026, 3, 1): 2, date(2026, 3, 2): 40}
    assert petition_daily_counts(petition, KOLKATA) == {date(2026, 3, 1): 1, date(2026, 3, 2): 41}


def _dashboard(world, petition, user=None):
    client = Client()
    client.force_login(user or world.member_staff)
    return client.get(reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug]))


def test_the_dashboard_draws_the_chart_with_a_title_and_a_table(world, petition):
    Petition.objects.filter(pk=petition.pk).update(created_at=timezone.now() - timedelta(days=90))
    petition.refresh_from_db()
    now = timezone.now()
    SignatureFactory.create_batch(3, petition=petition, confirmed_at=now)
    SignatureFactory.create_batch(2, petition=petition, confirmed_at=now - timedelta(days=2))

    page = _dashboard(world, petition).content.decode()

    start = page.index('<svg viewBox="0 0 ')  # the chart, not the header's bell
    svg = page[start:page.index("</svg>", start)]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Confirmed signatures per day from' in svg
    assert "5 signatures in this time, 5 in all." in svg
    assert svg.count("<rect ") == 60
    assert '<polyline class="chart-line" points="' in svg
    start = page.index('<details class="chart-table"')
    table = page[start:page.index("</details>", start)]
    assert table.count("<tr><th scope=\"row\">") == 60
    assert '<td data-label="Signatures that day">3</td><td data-label="Running total">5</td>' in table


def test_coordinates_keep_decimal_points_in_every_language(world, petition):
    world.member_staff.language = "fr"
    world.member_staff.save(update_fields=["language"])
    SignatureFactory(petition=petition, confirmed_at=timezone.now())

    page = _dashboard(world, petition).content.decode()

    start = page.index('<svg viewBox="0 0 ')  # the chart, not the header's bell
    svg = page[start:page.index("</svg>", start)]
    numbers = re.findall(r' (?:x|y|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", number) for number in numbers)
    points = re.search(r'points="([^"]*)"', svg)[1]
    assert all(re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?", point) for point in points.split())
