"""A spreadsheet imported end to end by a real worker: checked, previewed, confirmed, applied."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaigns.models import Target, Task
from coalitions.models import AuditEntry, ImportJob, ImportStatus

pytestmark = pytest.mark.worker

WAIT = 30.0

TASKS = """Target,Organisation,Channel,Due by,Notes
Ministry of Labour and Employment,{lead},Meeting,2026-12-15,Bring the C189 ratification brief
Council of Bishops,{member},Letter,1 Dec 2026,
"""


def _wait_for(job: ImportJob, status: str, worker) -> ImportJob:
    deadline = time.monotonic() + WAIT
    while True:
        job.refresh_from_db()
        if job.status == status:
            return job
        if worker.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the import is {job.status}, not {status}:\n{worker.log_text()}")
        time.sleep(0.1)


def test_the_worker_checks_and_applies_an_import(transactional_db, world, campaign, celery_worker):
    client = Client()
    client.force_login(world.lead)
    text = TASKS.format(lead=world.lead_org.acronym, member=world.member_org.acronym)
    response = client.post(
        reverse("import_upload", args=[world.coalition.slug, campaign.slug]),
        {"kind": "tasks", "file": SimpleUploadedFile("plan.csv", text.encode(), content_type="text/csv")},
    )
    job = _wait_for(ImportJob.objects.get(), ImportStatus.READY, celery_worker)
    assert response.url == reverse("import_job", args=[world.coalition.slug, job.pk])
    assert job.results["to_apply"] == 2 and not Task.objects.exists()

    client.post(reverse("import_confirm", args=[world.coalition.slug, job.pk]))
    job = _wait_for(job, ImportStatus.DONE, celery_worker)
    assert job.rows == [] and job.results["applied"] == {"tasks_added": 2, "targets_added": 2}
    assert sorted(Target.objects.values_list("name", flat=True)) == ["Council of Bishops", "Ministry of Labour and Employment"]
    assert Task.objects.count() == 2
    assert AuditEntry.objects.filter(action="task.planned", actor=world.lead).count() == 2
    page = client.get(reverse("import_job", args=[world.coalition.slug, job.pk])).content.decode()
    assert "2</strong> tasks added" in page
