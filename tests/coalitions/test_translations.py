"""The French, Spanish and Bengali catalogues: well formed, complete where they must be, and in use."""

import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaigns import services
from coalitions.audit import audit_record, describe_entry
from coalitions.models import AuditEntry
from tests.factories import CampaignFactory, TargetFactory, TaskFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["fr", "es", "bn"]
COMPLETE = ["fr", "es", "bn"]
# What Django, allauth and django-countries show on our pages but do not translate (yet).
VENDOR_LANGUAGES = ["fr", "es", "bn"]
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "bn": "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def vendor_po_path(language: str) -> Path:
    return LOCALE / "vendor" / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


# Reading a catalogue ---------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgid_plural is None


_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, with continuation lines joined and plural forms keyed by index."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, target
        if entry.msgstr:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            if entry.msgstr:
                finish()
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            text = _unquote(text)
            if keyword == "msgid":
                entry.msgid, entry.line, target = text, number, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = text, ("msgid_plural", 0)
            elif keyword.startswith("msgstr"):
                position = int(index) if index is not None else 0
                entry.msgstr[position] = text
                target = ("msgstr", position)
            else:
                target = None
        elif line.startswith('"') and line.endswith('"') and target is not None:
            text = _unquote(line[1:-1])
            kind, position = target
            if kind == "msgid":
                entry.msgid += text
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgstr[position] += text
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    [head] = [entry for entry in entries if entry.is_header]
    fields = {}
    for line in head.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def messages(language: str) -> list[Entry]:
    return [entry for entry in read_po(po_path(language)) if not entry.is_header]


def test_the_reader_understands_continuations_and_plurals(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#, python-format\nmsgid ""\n"Hello,\\n"\n"%(name)s"\nmsgstr ""\n"Bonjour,\\n"\n"%(name)s"\n\n'
        '#, fuzzy\nmsgid "%(counter)s member"\nmsgid_plural "%(counter)s members"\n'
        'msgstr[0] "%(counter)s membre"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    head, hello, member = read_po(po)
    assert head.is_header and header([head]) == {"Language": "fr"}
    assert (hello.msgid, hello.msgstr, hello.flags) == ("Hello,\n%(name)s", {0: "Bonjour,\n%(name)s"}, {"python-format"})
    assert member.msgid_plural == "%(counter)s members"
    assert member.msgstr == {0: "%(counter)s membre", 1: ""}
    assert member.flags == {"fuzzy"}


# The catalogues as files -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_cleanly(language):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po_path(language))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_names_the_language_charset_and_plural_rule(language):
    entries = read_po(po_path(language))
    fields = header(entries)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    [head] = [entry for entry in entries if entry.is_header]
    assert "fuzzy" not in head.flags


@pytest.mark.parametrize("language", COMPLETE)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    assert len(entries) > 150
    empty = [entry.msgid for entry in entries if not all(entry.msgstr.values())]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert empty == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form(language):
    for entry in messages(language):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_source(language):
    for entry in messages(language):
        for position, text in entry.msgstr.items():
            if not text:
                continue
            source = entry.msgid_plural if entry.msgid_plural is not None and position > 0 else entry.msgid
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (entry.msgid, text)


@pytest.mark.parametrize("language", VENDOR_LANGUAGES)
def test_vendor_catalogue_compiles_is_complete_and_keeps_placeholders(language):
    path = vendor_po_path(language)
    if shutil.which("msgfmt") is not None:
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    entries = read_po(path)
    assert header(entries)["Language"] == language
    assert header(entries)["Plural-Forms"] == PLURAL_FORMS[language]
    for entry in [entry for entry in entries if not entry.is_header]:
        assert all(entry.msgstr.values()) and "fuzzy" not in entry.flags, entry.msgid
        for position, text in entry.msgstr.items():
            source = entry.msgid_plural if entry.msgid_plural is not None and position > 0 else entry.msgid
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (entry.msgid, text)


def test_the_vendor_catalogue_is_kept_apart_from_the_projects():
    # makemessages would mark third-party msgids obsolete in locale/bn/; each lives in one place.
    project = {entry.msgid for entry in messages("bn")}
    vendor = {entry.msgid for entry in read_po(vendor_po_path("bn")) if not entry.is_header}
    assert len(vendor) > 400
    assert "Remember Me" in vendor and "India" in vendor and "This password is too common." in vendor
    assert "Remember Me" not in project
    assert settings.LOCALE_PATHS == [LOCALE, LOCALE / "vendor"]


# The catalogues in use -------------------------------------------------------------------------


@pytest.fixture
def compiled():
    """The pages read the compiled catalogues (`make messages` or `manage.py compilemessages`)."""
    catalogues = [po_path(language) for language in LANGUAGES] + [vendor_po_path(language) for language in VENDOR_LANGUAGES]
    stale = [
        str(po.relative_to(LOCALE))
        for po in catalogues
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        pytest.fail(f"compile the catalogues first (make messages); missing or older than the .po: {stale}")


@pytest.mark.parametrize(
    ("language", "heading", "hello"),
    [
        ("fr", "Mes coalitions", "Bonjour"),
        ("es", "Mis coaliciones", "Hola"),
        ("bn", "আমার জোটসমূহ", "হ্যালো"),
    ],
)
def test_dashboard_speaks_the_persons_language(world, client_for, compiled, language, heading, hello):
    person = world.lead
    person.language = language
    person.save()
    page = client_for(person).get(reverse("home")).content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert f"{hello}, {person}" in page or f"{hello} {person}" in page
    assert "My coalitions" not in page


def test_role_labels_on_the_dashboard_are_translated(world, client_for, compiled):
    person = world.lead
    person.language = "es"
    person.save()
    page = client_for(person).get(reverse("home")).content.decode()
    assert "Coordinadora (facilitadora)" in page
    assert "Lead (facilitator)" not in page


def test_audit_entry_reads_in_french(world, compiled):
    entry = audit_record(
        coalition=world.coalition,
        actor=world.lead,
        action="organisation.role_changed",
        data={"organisation": "SYNDHOB", "old": "observer", "new": "member"},
    )
    with translation.override("fr"):
        text = describe_entry(entry)
    assert text == f"{world.lead} a fait passer SYNDHOB du rôle «\u00a0Observateur\u00a0» au rôle «\u00a0Membre\u00a0»."
    with translation.override("en"):
        assert describe_entry(entry) == f"{world.lead} changed the role of SYNDHOB from Observer to Member."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "{actor} a retiré SYNDHOB de la coalition."),
        ("es", "{actor} retiró a SYNDHOB de la coalición."),
        ("bn", "{actor} SYNDHOB-কে জোট থেকে বাদ দিয়েছেন।"),
    ],
)
def test_audit_entries_read_in_each_language(world, compiled, language, expected):
    entry = audit_record(
        coalition=world.coalition, actor=world.lead, action="organisation.removed", data={"organisation": "SYNDHOB"}
    )
    with translation.override(language):
        assert describe_entry(entry) == expected.format(actor=world.lead)


# Campaign pages and sentences ------------------------------------------------------------------


def _page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_campaign_pages_read_in_french_for_a_french_speaking_member(world, client_for, compiled):
    person = world.member_staff
    person.language = "fr"
    person.save()
    campaign = CampaignFactory(coalition=world.coalition, title="Couverture santé universelle", slug="csu")
    client = client_for(person)

    overview = _page_text(client.get(reverse("campaign_detail", args=[world.coalition.slug, campaign.slug])))
    assert '<html lang="fr">' in overview
    for tab in ["Vue d'ensemble", "Message, demande, solution", "Cibles", "Carte d'influence", "Plan de démarches"]:
        assert f">{tab}</a>" in overview, tab
    assert "Ce que nous avons convenu" in overview
    assert "Ouvrir le plan" in overview
    for english in ["Overview", "Message, ask, solution", "What we agreed", "Outreach plan", "Not agreed yet."]:
        assert english not in overview, english

    power_map = _page_text(client.get(reverse("power_map", args=[world.coalition.slug, campaign.slug])))
    headings = re.findall(r'<span class="power-map-stance[^"]*" role="columnheader">(.*?)</span>', power_map)
    assert headings == ["Opposé", "Plutôt contre", "Position inconnue", "Plutôt pour", "Champion"]
    assert "Colonnes\u00a0: position actuelle" in power_map
    assert "Leaning against" not in power_map


def test_campaign_activity_and_reminder_read_in_spanish(world, compiled):
    campaign = CampaignFactory(coalition=world.coalition)
    target = TargetFactory(campaign=campaign, name="Ministerio de Trabajo")
    task = TaskFactory(campaign=campaign, target=target, organisation=world.member_org, channel="meeting")
    services.task_complete(
        task=task,
        by=world.member_staff,
        happened_on=date.today(),
        channel="meeting",
        outcome="committed",
        summary="La ministra se comprometió a presentar el proyecto.",
    )
    entry = AuditEntry.objects.filter(coalition=world.coalition, action="task.completed").get()
    actor, organisation = world.member_staff, world.member_org.short_name
    with translation.override("es"):
        assert describe_entry(entry) == f"{organisation} contactó a Ministerio de Trabajo: se comprometió ({actor})."
        subjects = [
            render_to_string("campaigns/email/reminder_digest_subject.txt", {"count": count}).strip()
            for count in (1, 3)
        ]
    assert subjects == [
        "Recordatorio: 1 tarea de campaña requiere su atención",
        "Recordatorio: 3 tareas de campaña requieren su atención",
    ]
    with translation.override("en"):
        assert describe_entry(entry) == f"{organisation} contacted Ministerio de Trabajo: committed ({actor})."


# Account pages, password rules and country names in Bengali -------------------------------------

ENGLISH_RUN = re.compile(r"[A-Za-z][a-z]+(?:[ ,.'’-]+[A-Za-z][a-z]+)+")


def english_phrases(page: str) -> list[str]:
    """Runs of two or more English words in what a reader sees (text, placeholders, labels).

    Left out: the language menu (each language in its own name) and the time zone list (IANA
    names such as America/New_York, written the same in every language).
    """
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", page)
    page = re.sub(r'(?s)<select id="language-select".*?</select>', "", page)
    page = re.sub(r'(?s)<select[^>]*name="timezone".*?</select>', "", page)
    attributes = " ".join(re.findall(r'(?:placeholder|title|aria-label|alt)="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)
    return [phrase for phrase in ENGLISH_RUN.findall(text) if not re.fullmatch(r"[\w.-]+\.(org|example)", phrase)]


@pytest.fixture
def bengali_reader(world):
    from allauth.account.models import EmailAddress

    person = world.member_staff
    person.language = "bn"
    person.save()
    EmailAddress.objects.get_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    return person


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"]
)
def test_bengali_account_pages_for_visitors_have_no_english_phrase(db, client, compiled, url_name):
    page = client.get(reverse(url_name), headers={"accept-language": "bn"}).content.decode()
    assert '<html lang="bn">' in page
    assert english_phrases(page) == []


@pytest.mark.parametrize(
    "url_name", ["account_change_password", "account_email", "mfa_index", "mfa_activate_totp", "profile"]
)
def test_bengali_account_pages_for_members_have_no_english_phrase(client_for, bengali_reader, compiled, url_name):
    response = client_for(bengali_reader).get(reverse(url_name), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="bn">' in page
    assert english_phrases(page) == []


def test_the_password_rules_and_sign_up_errors_read_in_bengali(db, client, compiled):
    page = client.post(
        reverse("account_signup"), {"email": "rina@example.org", "password1": "1234567", "password2": "7654321"},
        headers={"accept-language": "bn"},
    ).content.decode()
    assert "পাসওয়ার্ডে অন্তত 10-টি অক্ষর থাকতে হবে।" in page
    assert "দুবারই একই পাসওয়ার্ড লিখতে হবে।" in page or "পাসওয়ার্ডটি খুব ছোট" in page
    assert english_phrases(page) == []


def test_a_wrong_password_is_told_in_bengali(client, compiled, bengali_reader):
    page = client.post(
        reverse("account_login"), {"login": bengali_reader.email, "password": "not-the-password"},
        headers={"accept-language": "bn"},
    ).content.decode()
    assert "আপনার দেওয়া ইমেইল ঠিকানা বা পাসওয়ার্ড সঠিক নয়।" in page


def test_country_names_on_the_organisation_form_read_in_bengali(client_for, bengali_reader, compiled):
    page = client_for(bengali_reader).get(reverse("organisation_create")).content.decode()
    for name in ["ভারত", "বাংলাদেশ", "বুরুন্ডি", "নেপাল"]:
        assert f">{name}</option>" in page, name
    assert ">India</option>" not in page and ">Burundi</option>" not in page


def test_the_power_map_legend_reads_in_bengali(world, client_for, bengali_reader, compiled):
    campaign = CampaignFactory(coalition=world.coalition)
    page = client_for(bengali_reader).get(reverse("power_map", args=[world.coalition.slug, campaign.slug]))
    assert "চিহ্নের ব্যাখ্যা" in page.content.decode()


def test_a_country_new_in_django_countries_reads_in_french_too(compiled):
    from django_countries.fields import Country

    with translation.override("fr"):
        assert Country("NL").name == "Pays-Bas"
    with translation.override("bn"):
        assert Country("BI").name == "বুরুন্ডি"


# One sentence per kind: articles and endings agree ----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "french", "spanish"),
    [
        ("message", "la formulation n° 2 du message de la campagne", "la redacción n.º 2 del mensaje de la campaña"),
        ("ask", "la formulation n° 2 de la demande de la campagne", "la redacción n.º 2 de la demanda de la campaña"),
        ("solution", "la formulation n° 2 de la solution de la campagne", "la redacción n.º 2 de la solución de la campaña"),
    ],
)
def test_text_entries_name_each_kind_with_its_own_article(world, compiled, kind, french, spanish):
    entry = audit_record(
        coalition=world.coalition, actor=world.lead, action="text.proposed",
        data={"organisation": "NDWM", "number": 2, "kind": kind, "campaign": "C189"},
    )
    with translation.override("fr"):
        assert french in describe_entry(entry)
    with translation.override("es"):
        assert spanish in describe_entry(entry)


@pytest.mark.parametrize(
    ("action", "data", "french"),
    [
        ("target.organisation_set", {"organisation": "SEWA", "role": "lead", "target": "Ministère du Travail"},
         "{actor} a désigné SEWA comme organisation chef de file pour Ministère du Travail."),
        ("target.organisation_set", {"organisation": "SEWA", "role": "support", "target": "Ministère du Travail"},
         "{actor} a désigné SEWA comme organisation en appui pour Ministère du Travail."),
        ("task.planned", {"organisation": "SEWA", "target": "la ministre", "channel": "letter", "due": "2026-12-01"},
         "{actor} a planifié : SEWA écrit une lettre à la ministre avant le 1 déc. 2026."),
        ("task.completed", {"organisation": "SEWA", "target": "la ministre", "outcome": "committed"},
         "SEWA a contacté la ministre : engagement obtenu ({actor})."),
    ],
)
def test_roles_channels_and_outcomes_read_as_whole_french_sentences(world, compiled, action, data, french):
    entry = audit_record(coalition=world.coalition, actor=world.lead, action=action, data=data)
    with translation.override("fr"):
        assert describe_entry(entry) == french.format(actor=world.lead)
