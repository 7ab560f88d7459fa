"""Bringing a coalition's spreadsheet of targets and tasks in: preview, errors, confirmation."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaigns.imports import BadDate, parse_day
from campaigns.models import Target, TargetOrganisation, Task, TaskStatus
from coalitions.imports import import_jobs_purge
from coalitions.models import AuditEntry, CoalitionRole, ImportJob, ImportStatus
from tests.factories import CampaignFactory, ParticipationFactory, TargetFactory, TaskFactory

INDIA_TARGETS = """Name,Kind,Title or position,Institution,Region,Email,Influence,Lead organisation
Ministry of Labour and Employment,Ministry,Secretary,Government of India,Delhi,secretary@labour.example,5,NDWM
Trade-union leaders of the central unions,Trade-union leader,,Central trade unions,,,4,CFTUI
Council of Bishops,Religious council,,Catholic Bishops' Conference of India,,,3,CWM-I
"""

INDIA_TASKS = """Target,Organisation,Person,Channel,Due by,Status,Notes
Ministry of Labour and Employment,NDWM,,Meeting,2026-12-15,To do,Bring the C189 ratification brief
Trade-union leaders of the central unions,CFTUI,,Letter,01/12/2026,Doing,
Council of Bishops,CWM-I,,Meeting,1 Dec 2026,,Ask for a pastoral letter on domestic workers
"""

PAMUSAB_TARGETS = (
    "Nom;Genre;Institution;Région;Influence\n"
    "Ministère de la santé publique et de la lutte contre le Sida;Ministère;Gouvernement du Burundi;Bujumbura;5\n"
    "Ministère de la Fonction publique, du Travail et de l'Emploi;Ministère;Gouvernement du Burundi;Gitega;4\n"
)


@pytest.fixture
def india(world, campaign):
    world.lead_org.acronym = "NDWM"
    world.lead_org.save()
    world.member_org.acronym = "CFTUI"
    world.member_org.save()
    cwmi = ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER, organisation__acronym="CWM-I").organisation
    world.cwmi = cwmi
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, campaign, text: str | bytes, *, kind="targets", name="plan.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("import_upload", args=[campaign.coalition.slug, campaign.slug]),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _job() -> ImportJob:
    return ImportJob.objects.get()


def test_a_lead_imports_targets_after_seeing_the_preview(india, campaign, django_capture_on_commit_callbacks):
    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, campaign, INDIA_TARGETS)
    job = _job()
    assert response.url == reverse("import_job", args=[india.coalition.slug, job.pk])
    assert job.status == ImportStatus.READY and job.processed_rows == 3
    preview = client.get(response.url)
    assert b"Import 3 rows" in preview.content and b"Council of Bishops" in preview.content
    assert not Target.objects.exists()
    entries_before = AuditEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.rows == []
    ministry = Target.objects.get(name="Ministry of Labour and Employment")
    assert (ministry.kind, ministry.influence, ministry.email) == ("ministry", 5, "secretary@labour.example")
    assert Target.objects.get(name="Council of Bishops").kind == "religious_council"
    assert TargetOrganisation.objects.get(target=ministry, role="lead").organisation == india.lead_org
    # Each target has its entry in the trail, and the live nudges went out after commit, as if typed.
    actions = list(AuditEntry.objects.filter(pk__gt=0).order_by("seq").values_list("action", flat=True))[entries_before:]
    assert actions.count("target.added") == 3 and actions.count("target.organisation_set") == 3
    assert len(callbacks) >= 6
    assert b"3</strong>" in client.get(reverse("import_job", args=[india.coalition.slug, job.pk])).content


def test_nothing_is_written_before_the_confirmation(india, campaign, django_capture_on_commit_callbacks):
    entries_before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, INDIA_TARGETS)
        _upload(_client(india.lead), campaign, INDIA_TASKS, kind="tasks")
    assert ImportJob.objects.filter(status=ImportStatus.READY).count() == 2
    assert not Target.objects.exists() and not Task.objects.exists()
    assert AuditEntry.objects.count() == entries_before


def test_tasks_are_imported_with_their_targets_dates_and_status(india, campaign, django_capture_on_commit_callbacks):
    TargetFactory(campaign=campaign, name="Ministry of Labour and Employment")
    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, INDIA_TASKS, kind="tasks")
    job = _job()
    assert job.results["to_apply"] == 3 and job.results["counts"]["new_targets"] == 2
    page = client.get(reverse("import_job", args=[india.coalition.slug, job.pk])).content.decode()
    assert "2</strong> new targets" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    tasks = {task.organisation.acronym: task for task in Task.objects.select_related("organisation", "target")}
    assert tasks["NDWM"].due_on == date(2026, 12, 15) and tasks["NDWM"].channel == "meeting"
    assert tasks["NDWM"].notes == "Bring the C189 ratification brief"
    assert tasks["CFTUI"].due_on == date(2026, 12, 1) and tasks["CFTUI"].status == TaskStatus.DOING
    assert tasks["CWM-I"].due_on == date(2026, 12, 1) and tasks["CWM-I"].target.name == "Council of Bishops"
    # The existing target is matched, not duplicated.
    assert Target.objects.filter(name="Ministry of Labour and Employment").count() == 1
    assert AuditEntry.objects.filter(action="task.planned").count() == 3


def test_a_french_semicolon_file_from_excel_is_read(world, django_capture_on_commit_callbacks):
    pamusab = CampaignFactory(coalition=world.coalition, slug="cam", title="Carte d'assurance maladie")
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, pamusab, PAMUSAB_TARGETS.encode("cp1252"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[world.coalition.slug, _job().pk]))
    sida = Target.objects.get(campaign=pamusab, name="Ministère de la santé publique et de la lutte contre le Sida")
    assert (sida.kind, sida.region, sida.influence) == ("ministry", "Bujumbura", 5)
    assert Target.objects.filter(campaign=pamusab).count() == 2


def test_every_error_is_shown_with_its_row_and_column_and_those_rows_are_left_out(
    india, campaign, django_capture_on_commit_callbacks
):
    TargetFactory(campaign=campaign, name="Council of Bishops")
    text = (
        "Name,Kind,Influence,Email,Lead organisation\n"
        "Ministry of Labour and Employment,Ministry,5,,NDWM\n"
        ",Ministry,3,,\n"
        "Chief Minister of Tamil Nadu,Wizard,9,not-an-address,UNKNOWN\n"
        "council of bishops,Religious council,3,,\n"
        "Ministry of labour and employment,Ministry,5,,\n"
    )
    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, text)
    job = _job()
    errors = {(error["row"], error["column"]) for error in job.results["errors"]}
    assert errors == {(3, "Name"), (4, "Kind"), (4, "Influence"), (4, "Email"), (4, "Lead organisation"), (6, "Name")}
    assert job.results["to_apply"] == 1 and job.results["counts"]["matched"] == 1
    page = client.get(reverse("import_job", args=[india.coalition.slug, job.pk])).content.decode()
    assert "Row 4" in page and "Influence is a whole number from 1 to 5." in page and "The same target as row 2." in page
    assert "Import 1 row" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    assert sorted(Target.objects.values_list("name", flat=True)) == ["Council of Bishops", "Ministry of Labour and Employment"]


def test_a_member_may_import_tasks_only_for_its_own_organisation(india, campaign, django_capture_on_commit_callbacks):
    client = _client(india.member_staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, INDIA_TASKS, kind="tasks")
    job = _job()
    refused = {error["row"] for error in job.results["errors"] if error["column"] == "Organisation"}
    assert refused == {2, 4}
    assert job.results["to_apply"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    assert list(Task.objects.values_list("organisation__acronym", flat=True)) == ["CFTUI"]


def test_a_member_cannot_make_another_organisation_lead_a_target(india, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.member_staff), campaign, INDIA_TARGETS)
    errors = [(error["row"], error["column"]) for error in _job().results["errors"]]
    assert errors == [(2, "Lead organisation"), (4, "Lead organisation")]


def test_an_observer_cannot_import(india, campaign):
    client = _client(india.observer)
    assert client.get(reverse("import_upload", args=[india.coalition.slug, campaign.slug])).status_code == 403
    assert _upload(client, campaign, INDIA_TARGETS).status_code == 403
    assert not ImportJob.objects.exists()


def test_every_import_url_is_404_for_another_coalition_and_for_other_people(
    india, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, INDIA_TARGETS)
    job = _job()
    slug = india.coalition.slug
    urls = [
        ("get", reverse("import_upload", args=[slug, campaign.slug])),
        ("post", reverse("import_upload", args=[slug, campaign.slug])),
        ("get", reverse("import_template", args=[slug, campaign.slug, "targets"])),
        ("get", reverse("import_job", args=[slug, job.pk])),
        ("get", reverse("import_status", args=[slug, job.pk])),
        ("post", reverse("import_confirm", args=[slug, job.pk])),
        ("post", reverse("import_recheck", args=[slug, job.pk])),
        ("post", reverse("import_cancel", args=[slug, job.pk])),
    ]
    for stranger in (india.other_lead, india.outsider):
        client = _client(stranger)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, url
    # Through the stranger's own coalition, the job is no more reachable.
    other = _client(india.other_lead)
    assert other.get(reverse("import_job", args=[india.other_coalition.slug, job.pk])).status_code == 404
    # A partner of the same coalition does not see someone else's file either: it may hold contact details.
    partner = _client(india.org_admin)
    for method, url in urls[3:]:
        assert getattr(partner, method)(url).status_code == 404, url
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not Target.objects.exists()


def test_the_import_is_refused_when_the_data_changed_since_the_preview(
    india, campaign, django_capture_on_commit_callbacks
):
    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, INDIA_TARGETS)
    job = _job()
    TargetFactory(campaign=campaign, name="Council of Bishops")  # someone typed it meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "changed since the preview" in job.failure
    assert Target.objects.count() == 1 and not TargetOrganisation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_recheck", args=[india.coalition.slug, job.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    assert Target.objects.count() == 3 and Target.objects.filter(name="Council of Bishops").count() == 1


def test_cancel_discards_the_rows(india, campaign, django_capture_on_commit_callbacks):
    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, INDIA_TARGETS)
    job = _job()
    response = client.post(reverse("import_cancel", args=[india.coalition.slug, job.pk]))
    assert response.url == reverse("target_list", args=[india.coalition.slug, campaign.slug])
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.rows == [] and job.results["errors"] == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    assert not Target.objects.exists()


def test_a_file_that_cannot_be_read_comes_back_on_the_form(india, campaign):
    response = _upload(_client(india.lead), campaign, b"PK\x03\x04workbook", name="plan.xlsx")
    assert response.status_code == 200
    assert "Save as" in response.content.decode() and not ImportJob.objects.exists()
    response = _upload(_client(india.lead), campaign, "Region\nDelhi\n")
    assert "The file has no column “Name”" in response.content.decode()


def test_the_template_has_the_expected_headers_and_reads_back(india, campaign):
    client = _client(india.lead)
    response = client.get(reverse("import_template", args=[india.coalition.slug, campaign.slug, "tasks"]))
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == "Target,Organisation,Person,Channel,Due by,Status,Why it is blocked,Notes,Kind of target"


def test_duplicate_tasks_are_matched_not_added_twice(india, campaign, django_capture_on_commit_callbacks):
    ministry = TargetFactory(campaign=campaign, name="Ministry of Labour and Employment")
    TaskFactory(campaign=campaign, target=ministry, organisation=india.lead_org, channel="meeting", due_on=date(2026, 12, 15))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, INDIA_TASKS, kind="tasks")
    job = _job()
    assert job.results["counts"]["matched"] == 1 and job.results["to_apply"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("1 December 2026", date(2026, 12, 1)),
        ("Dec 1, 2026", date(2026, 12, 1)),
        ("1er décembre 2026", date(2026, 12, 1)),
        ("1 déc. 2026", date(2026, 12, 1)),
        ("1 de diciembre de 2026", date(2026, 12, 1)),
    ],
)
def test_due_dates_are_read_in_the_usual_ways(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["12/31/2026", "01/12/26", "31/02/2026", "next week", "1 Foo 2026", "2026-13-01"])
def test_unclear_or_impossible_dates_are_refused(text):
    with pytest.raises(BadDate):
        parse_day(text)


def test_a_date_is_unclear_when_the_file_also_writes_dates_month_first(
    india, campaign, django_capture_on_commit_callbacks
):
    text = "Target,Organisation,Channel,Due by\nCouncil of Bishops,NDWM,Call,12/31/2026\nCouncil of Bishops,NDWM,Letter,03/04/2026\nCouncil of Bishops,NDWM,Meeting,13/04/2026\n"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, text, kind="tasks")
    errors = {error["row"]: error["message"] for error in _job().results["errors"]}
    assert set(errors) == {2, 3}
    assert "month first" in errors[3]


def test_a_large_file_reports_its_progress_as_it_is_checked(
    india, campaign, django_capture_on_commit_callbacks, monkeypatch
):
    rows = "".join(f"Target {n},NDWM,Meeting,2026-12-{n % 28 + 1:02d}\n" for n in range(5000))
    seen = []
    update = ImportJob.objects.filter

    def spy(*args, **kwargs):
        queryset = update(*args, **kwargs)
        original = queryset.update

        def recording_update(**values):
            if "processed_rows" in values:
                seen.append(values["processed_rows"])
            return original(**values)

        queryset.update = recording_update
        return queryset

    monkeypatch.setattr(ImportJob.objects, "filter", spy)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, "Target,Organisation,Channel,Due by\n" + rows, kind="tasks")
    job = _job()
    assert job.total_rows == 5000 and job.status == ImportStatus.READY
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 5000
    assert job.results["to_apply"] == 5000 and len(job.results["preview"]) == 20
    status = _client(india.lead).get(reverse("import_status", args=[india.coalition.slug, job.pk])).json()
    assert status == {"status": "ready", "processed": 5000, "processed_label": "5,000", "total": 5000, "busy": False}


def test_the_progress_page_refreshes_without_javascript(india, campaign):
    client = _client(india.lead)
    _upload(client, campaign, INDIA_TARGETS)  # the check is queued for after commit, which never comes here
    job = _job()
    page = client.get(reverse("import_job", args=[india.coalition.slug, job.pk])).content.decode()
    assert job.status == ImportStatus.UPLOADED
    assert '<noscript><meta http-equiv="refresh"' in page and "<progress" in page
    assert 'max="3" value="0"' in page and "js/imports.js" in page


def test_unfinished_imports_forget_their_rows_after_the_retention_time(india, campaign, settings):
    from datetime import timedelta

    from django.utils import timezone

    _upload(_client(india.lead), campaign, INDIA_TARGETS)
    job = _job()
    assert import_jobs_purge() == 0
    assert import_jobs_purge(now=timezone.now() + timedelta(days=settings.IMPORT_RETENTION_DAYS, minutes=1)) == 1
    job.refresh_from_db()
    assert job.rows == [] and job.status == ImportStatus.CANCELLED


def test_links_to_the_import_are_on_the_targets_list_and_the_board(india, campaign):
    client = _client(india.member_staff)
    upload = reverse("import_upload", args=[india.coalition.slug, campaign.slug])
    assert f"{upload}?kind=targets" in client.get(reverse("target_list", args=[india.coalition.slug, campaign.slug])).content.decode()
    assert f"{upload}?kind=tasks" in client.get(reverse("plan_board", args=[india.coalition.slug, campaign.slug])).content.decode()
    observer = _client(india.observer)
    assert upload not in observer.get(reverse("plan_board", args=[india.coalition.slug, campaign.slug])).content.decode()


def test_the_preview_page_costs_the_same_queries_for_a_small_and_a_large_file(
    india, campaign, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client = _client(india.lead)
    many = "Name,Kind\n" + "".join(f"Target {n},Ministry\n" for n in range(300))
    for text in (INDIA_TARGETS, many):
        with django_capture_on_commit_callbacks(execute=True):
            _upload(client, campaign, text)
        job = ImportJob.objects.order_by("-pk").first()
        url = reverse("import_job", args=[india.coalition.slug, job.pk])
        client.get(url)
        # Session, user, coalition, its access (affiliations, participations), the job, the campaign for the link back.
        with django_assert_num_queries(7):
            client.get(url)


def test_applying_reports_how_many_changes_are_made(india, campaign, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.cache import cache

    from coalitions.imports import status_payload

    client = _client(india.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, "Name\n" + "".join(f"Target {n}\n" for n in range(120)))
    job = _job()
    written = []
    set_in_cache = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, **kw: (written.append(value), set_in_cache(key, value, **kw)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
    assert written == [50, 100]
    # While the transaction runs, the status reads the count from the cache.
    job.refresh_from_db()
    job.status = ImportStatus.APPLYING
    assert status_payload(job) | {"status": "applying"} == {
        "status": "applying", "processed": 100, "processed_label": "100", "total": 120, "busy": True,
    }


def test_the_upload_page_lists_ones_own_unfinished_imports(india, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(india.lead), campaign, INDIA_TARGETS, name="c189-targets.csv")
    job = _job()
    url = reverse("import_upload", args=[india.coalition.slug, campaign.slug])
    assert reverse("import_job", args=[india.coalition.slug, job.pk]) in _client(india.lead).get(url).content.decode()
    assert "c189-targets.csv" not in _client(india.org_admin).get(url).content.decode()


def test_an_import_confirmed_after_losing_the_right_to_act_changes_nothing(
    india, campaign, django_capture_on_commit_callbacks
):
    client = _client(india.member_staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, campaign, "Name\nCouncil of Bishops\n")
    job = _job()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[india.coalition.slug, job.pk]))
        # Demoted to observer between the confirmation and the worker's turn.
        india.member_org.participations.update(role=CoalitionRole.OBSERVER)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "no longer make changes" in job.failure
    assert not Target.objects.exists()
