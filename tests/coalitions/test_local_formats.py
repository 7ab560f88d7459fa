"""Numbers and dates as each language writes them: lakh grouping in Bengali and Indian English,
day-month-year dates that no reader can misread."""

from datetime import date, datetime

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from coalitions.models import CoalitionRole
from tests.factories import OrganisationFactory, ParticipationFactory

DAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("language", "two_million", "crore", "day", "moment"),
    [
        ("en", "2,000,000", "12,345,678", "1 Dec 2026", "1 Dec 2026, 14:05"),
        ("en-in", "20,00,000", "1,23,45,678", "1 Dec 2026", "1 Dec 2026, 14:05"),
        ("fr", "2\u202f000\u202f000", "12\u202f345\u202f678", "1 déc. 2026", "1 déc. 2026, 14:05"),
        ("es", "2.000.000", "12.345.678", "1 dic 2026", "1 dic 2026, 14:05"),
        ("bn", "20,00,000", "1,23,45,678", "1 ডিসে. 2026", "1 ডিসে. 2026, 14:05"),
    ],
)
def test_numbers_and_dates_read_the_way_each_language_writes_them(language, two_million, crore, day, moment):
    with translation.override(language):
        assert intcomma(2_000_000) == two_million
        assert intcomma(12_345_678) == crore
        assert date_format(DAY, "DATE_FORMAT") == day
        assert date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert date_format(datetime(2026, 12, 1, 14, 5), "SHORT_DATETIME_FORMAT") == moment
        assert date_format(datetime(2026, 12, 1, 14, 5), "DATETIME_FORMAT") == moment


@pytest.mark.parametrize("language", ["en", "en-in", "fr", "es", "bn"])
def test_no_date_is_written_month_first_or_in_figures_only(language):
    # 12 January would read as 1 December to half the world if written 12/01 or 01/12.
    with translation.override(language):
        written = date_format(date(2026, 1, 12), "SHORT_DATE_FORMAT")
    assert written.startswith("12 ") and written.endswith(" 2026")
    assert "/" not in written and "01" not in written


def test_ids_in_pages_keep_no_separators():
    # Separators go only where a count is meant for people; ids in links and data attributes stay bare.
    with translation.override("bn"):
        assert Template("{{ n }}").render(Context({"n": 1234567})) == "1234567"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "2,000,000 members"), ("en-in", "20,00,000 members"), ("bn", "20,00,000 জন সদস্য"), ("es", "2.000.000 miembros")],
)
def test_member_counts_on_the_coalition_page_are_grouped_for_the_reader(world, client_for, language, expected):
    organisation = OrganisationFactory(name="Self Employed Women's Association", acronym="SEWA", member_count=2_000_000)
    ParticipationFactory(coalition=world.coalition, organisation=organisation, role=CoalitionRole.MEMBER)
    reader = world.member_staff
    reader.language = language
    reader.save()

    page = client_for(reader).get(reverse("coalition_organisations", args=[world.coalition.slug])).content.decode()

    assert expected in page


def test_an_indian_english_reader_picks_english_india_and_keeps_english_words(user, client_for):
    client = client_for(user)
    client.post(reverse("language_set"), {"language": "en-in"})
    user.refresh_from_db()
    assert user.language == "en-in"
    page = client.get(reverse("profile")).content.decode()
    assert '<html lang="en-in">' in page
    assert "My account" in page
    assert '<option value="en-in" selected>English (India)</option>' in page


def test_a_visitor_whose_browser_asks_for_indian_english_gets_it(client_for):
    page = client_for(None).get(reverse("account_login"), headers={"accept-language": "en-IN,en;q=0.8"})
    assert '<html lang="en-in">' in page.content.decode()
