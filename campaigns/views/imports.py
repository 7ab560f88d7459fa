from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from campaigns.access import get_campaign_for_user
from campaigns.forms.imports import ImportUploadForm
from coalitions.imports import ImportFileError, import_job_start, import_kind
from coalitions.models import ImportJob, ImportStatus

KINDS = ("targets", "tasks")


@login_required
def import_upload(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    initial_kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "targets"
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": initial_kind})
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(
                coalition=campaign.coalition, by=request.user, kind=form.cleaned_data["kind"],
                scope={"campaign": campaign.pk}, upload=form.cleaned_data["file"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("import_job", slug, job.pk)
    chosen = form["kind"].value() if form["kind"].value() in KINDS else initial_kind
    unfinished = ImportJob.objects.filter(
        coalition=campaign.coalition, created_by=request.user, scope__campaign=campaign.pk,
        status__in=[ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.READY, ImportStatus.APPLYING, ImportStatus.FAILED],
    ).exclude(rows=[])[:5]
    return render(
        request,
        "campaigns/import_upload.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "form": form, "chosen": chosen,
            "kinds": [{"code": code, "kind": import_kind(code)} for code in KINDS],
            "unfinished": [{"job": job, "kind": import_kind(job.kind)} for job in unfinished],
        },
    )


@login_required
def import_template(request, slug: str, campaign_slug: str, kind: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(import_kind(kind).template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{kind}-template.csv"'
    return response
