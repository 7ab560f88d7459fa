"""The pages of an import, whatever it brings in: progress, preview with every error, confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import DomainError
from .imports import (
    PREVIEW_ROWS,
    get_import_job_for_user,
    import_job_cancel,
    import_job_confirm,
    import_job_recheck,
    import_kind,
    status_payload,
)
from .models import ImportStatus


@login_required
def import_job(request, slug: str, job_id: int):
    job = get_import_job_for_user(request.user, slug, job_id)
    kind = import_kind(job.kind)
    results = job.results
    outcome_labels = kind.outcome_labels()
    preview = [
        {**row, "cells": zip((c.label for c in kind.columns), row["values"], strict=True),
         "outcome_label": outcome_labels.get(row["outcome"], "")}
        for row in results.get("preview", [])
    ]
    counts = results.get("counts", {})
    return render(
        request,
        "coalitions/import_job.html",
        {
            "coalition": job.coalition,
            "job": job,
            "kind": kind,
            "back_url": kind.back_url(job),
            "columns": [column.label for column in kind.columns],
            "preview": preview,
            "preview_size": PREVIEW_ROWS,
            "errors": results.get("errors", []),
            "error_rows": results.get("error_rows", 0),
            "to_apply": results.get("to_apply", 0),
            "matched": counts.get("matched", 0),
            "new_targets": counts.get("new_targets", 0),
            "applied": results.get("applied", {}),
            "n": {
                name: number_format(value, force_grouping=True)
                for name, value in {
                    "to_apply": results.get("to_apply", 0), "matched": counts.get("matched", 0),
                    "new_targets": counts.get("new_targets", 0), "error_rows": results.get("error_rows", 0),
                    "errors": len(results.get("errors", [])), **results.get("applied", {}),
                }.items()
            },
            "status": status_payload(job),
            "total_to_apply_label": number_format(results.get("to_apply", 0), force_grouping=True),
            "processed_label": number_format(job.processed_rows, force_grouping=True),
            "total_label": number_format(job.total_rows, force_grouping=True),
            "Status": ImportStatus,
        },
    )


@login_required
def import_status(request, slug: str, job_id: int):
    job = get_import_job_for_user(request.user, slug, job_id)
    response = JsonResponse(status_payload(job))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_confirm(request, slug: str, job_id: int):
    job = get_import_job_for_user(request.user, slug, job_id)
    try:
        import_job_confirm(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("import_job", slug, job.pk)


@login_required
@require_POST
def import_recheck(request, slug: str, job_id: int):
    job = get_import_job_for_user(request.user, slug, job_id)
    try:
        import_job_recheck(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("import_job", slug, job.pk)


@login_required
@require_POST
def import_cancel(request, slug: str, job_id: int):
    job = get_import_job_for_user(request.user, slug, job_id)
    back = import_kind(job.kind).back_url(job)
    try:
        import_job_cancel(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("import_job", slug, job.pk)
    messages.info(request, _("The import has been cancelled; nothing was saved."))
    return redirect(back)
