import csv
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.access import get_campaign_for_user, get_task_for_user
from campaigns.forms.plan import (
    PlanFilterForm,
    TaskCompleteForm,
    TaskEditForm,
    TaskForm,
    TaskStatusForm,
    new_form_key,
    person_label,
)
from campaigns.models import DUPLICATE_CONTACT_DAYS, Campaign, TaskStatus
from coalitions.errors import DomainError
from coalitions.http import safe_next_url
from config.headers import readable_offline

GROUPINGS = ("organisation", "target", "due")
# A spreadsheet runs a cell that starts with one of these as a formula, even in a CSV file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What apps above campaigns (the discussion) show beside the board: each gives a template and what
# it shows, or None. They register here, so that campaigns knows nothing of them.
BoardPanel = Callable[[HttpRequest, Campaign], dict | None]
BOARD_PANELS: list[BoardPanel] = []


def register_board_panel(panel: BoardPanel) -> None:
    """`panel(request, campaign)`; the campaign carries the reader's access."""
    BOARD_PANELS.append(panel)


def _board_url(campaign) -> str:
    return reverse("plan_board", args=[campaign.coalition.slug, campaign.slug])


def _task_for_actor(request, slug: str, campaign_slug: str, task_id: int):
    """The task, for people who may act for its organisation: members for their own, leads for all."""
    task = get_task_for_user(request.user, slug, campaign_slug, task_id, need="act")
    if not task.campaign.access.may_act_for(task.organisation_id):
        raise PermissionDenied
    return task


def _board_view(request, campaign, *, opens_on_ours: bool):
    """Grouping, "our organisation's tasks" and filters, as the query string gives them."""
    access = campaign.access
    group = request.GET.get("group")
    mine = request.GET.get("mine") == "1" or (opens_on_ours and group is None and bool(access.acting_organisation_ids))
    if group not in GROUPINGS:
        group = "organisation"
    form = PlanFilterForm(
        request.GET,
        organisations=selectors.partner_organisations(campaign.coalition),
        targets=list(campaign.targets.order_by("name")),
        people=selectors.people_of_partners(campaign.coalition),
    )
    filters = form.filters(own_organisation_ids=access.acting_organisation_ids if mine else None)
    return group, mine, form, filters


def _sections(tasks: list, group: str, access) -> list[dict]:
    """The board's groups, each with a heading the template can show as it is."""
    sections = []
    for key, grouped in selectors.group_tasks(tasks, group):
        section = {"tasks": grouped, "ours": False, "state": None}
        if group == "organisation":
            section.update(title=key.name, ours=key.pk in access.acting_organisation_ids)
        elif group == "target":
            section.update(title=key.name, target=key)
        else:
            state = next((task.due_state_now for task in grouped if task.due_state_now), None)
            section.update(title=date_format(key, "DATE_FORMAT"), date=key, state=state)
        sections.append(section)
    if group == "organisation":
        # Ours first, then the others in alphabetical order.
        sections.sort(key=lambda section: not section["ours"])
    return sections


@login_required
@readable_offline
def plan_board(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    access = campaign.access
    today = timezone.localdate()
    group, mine, form, filters = _board_view(request, campaign, opens_on_ours=True)
    tasks = selectors.board_tasks(campaign, filters, today)
    for task in tasks:
        task.may_act = access.may_act_for(task.organisation_id)
        task.person = person_label(task.assignee) if task.assignee else ""
        task.status_form_key = new_form_key()
    open_tasks = [task for task in tasks if task.status != TaskStatus.DONE]
    # Most recently due first: what was just done is what people look for.
    done_tasks = sorted((task for task in tasks if task.status == TaskStatus.DONE), key=lambda task: task.due_on, reverse=True)
    show_done = request.GET.get("done") == "1" or filters.status == TaskStatus.DONE
    filter_query = {key: value for key, value in request.GET.items() if key in form.fields and value}
    view_query = {"group": group, **({"mine": "1"} if mine else {}), **filter_query}
    return render(
        request,
        "campaigns/plan_board.html",
        {
            "coalition": campaign.coalition,
            "campaign": campaign,
            "access": access,
            "form": form,
            "group": group,
            "mine": mine,
            "sections": _sections(open_tasks, group, access),
            "open_count": len(open_tasks),
            "done_tasks": done_tasks if show_done else [],
            "done_count": len(done_tasks),
            "show_done": show_done,
            "show_done_query": urlencode({**view_query, "done": "1"}),
            "hide_done_query": urlencode(view_query),
            "filtered": bool(filter_query),
            "filter_query": urlencode(filter_query),
            # "Ours" already says which organisations; a chosen one would hide the rest of ours.
            "mine_query": urlencode({key: value for key, value in filter_query.items() if key != "organisation"}),
            "csv_query": urlencode({**filter_query, **({"mine": "1"} if mine else {})}),
            "status_choices": TaskStatusForm.base_fields["status"].choices,
            "here": request.get_full_path(),
            "here_next": urlencode({"next": request.get_full_path()}),
            "panels": [shown for shown in (panel(request, campaign) for panel in BOARD_PANELS) if shown],
        },
    )


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_filename(campaign, form, mine: bool, today) -> str:
    """Says which view the file holds, e.g. "c189-outreach-plan-ours-todo-2026-12-01.csv"."""
    parts = [campaign.slug, "outreach-plan", "ours" if mine else "all"]
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "") or (mine and name == "organisation"):
            continue
        label = dict(field.choices).get(value, value)
        parts.append(slugify(str(label)) or f"{name}-{value}")
    parts.append(today.isoformat())
    return "-".join(parts) + ".csv"


@login_required
def plan_csv(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    today = timezone.localdate()
    _group, mine, form, filters = _board_view(request, campaign, opens_on_ours=False)
    tasks = selectors.board_tasks(campaign, filters, today, with_logs=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(campaign, form, mine, today)}"'
    response["Cache-Control"] = "private, no-store"
    # Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Target"), _("Organisation"), _("Person"), _("Channel"), _("Due by"), _("Status"),
            _("Why it is blocked"), _("Due state"), _("Notes"), _("Follow-up of"),
            _("Contacted on"), _("Outcome"), _("Summary"),
        ]
    )
    for task in tasks:
        previous = task.follow_up_of
        log = task.latest_logs[0] if task.latest_logs else None
        writer.writerow(
            _cell(value)
            for value in (
                task.target.name,
                task.organisation.short_name,
                person_label(task.assignee) if task.assignee else "",
                task.get_channel_display(),
                task.due_on.isoformat(),
                task.get_status_display(),
                task.blocked_reason,
                task.due_state_now.label if task.due_state_now else "",
                task.notes,
                f"{previous.get_channel_display()} {previous.due_on.isoformat()}" if previous else "",
                log.happened_on.isoformat() if log else "",
                log.get_outcome_display() if log else "",
                log.summary if log else "",
            )
        )
    return response


def _overlap_rows(overlap: services.ContactOverlap) -> list[dict]:
    logged = {log.task_id for log in overlap.logs}
    rows = [
        {
            "organisation": task.organisation, "channel": task.get_channel_display(), "on": task.due_on,
            "what": _("Done") if task.status == TaskStatus.DONE else _("Planned"),
        }
        # A checked-off task is listed once, by what happened rather than by what was planned.
        for task in overlap.tasks
        if task.pk not in logged
    ]
    rows += [
        {"organisation": log.task.organisation, "channel": log.get_channel_display(), "on": log.happened_on, "what": _("Contacted")}
        for log in overlap.logs
    ]
    return sorted(rows, key=lambda row: row["on"])


@login_required
def task_create(request, slug: str, campaign_slug: str):
    campaign = get_campaign_for_user(request.user, slug, campaign_slug, need="act")
    access = campaign.access
    if access.is_lead:
        organisations = selectors.partner_organisations(campaign.coalition)
        people = selectors.people_of_partners(campaign.coalition)
    else:
        organisations = [p.organisation for p in access.participations if p.organisation_id in access.acting_organisation_ids]
        people = [a for a in selectors.people_of_partners(campaign.coalition) if a.organisation_id in access.acting_organisation_ids]
    targets = list(campaign.targets.order_by("name"))
    initial = {"organisation": next((o.pk for o in organisations if o.pk in access.acting_organisation_ids), None)}
    if request.GET.get("target", "").isdigit():
        initial["target"] = int(request.GET["target"])
    form = TaskForm(request.POST or None, targets=targets, organisations=organisations, people=people, initial=initial)
    overlaps = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_plan(
                campaign=campaign, by=request.user, target=data["target"], organisation=data["organisation"],
                channel=data["channel"], due_on=data["due_on"], assignee=data["assignee"], notes=data["notes"],
                acknowledge_overlap=data["acknowledge_overlap"],
            )
        except services.ContactOverlap as overlap:
            overlaps = _overlap_rows(overlap)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Planned: %(organisation)s contacts %(target)s by %(date)s.")
                % {"organisation": task.organisation, "target": task.target, "date": date_format(task.due_on, "DATE_FORMAT")},
            )
            return redirect(safe_next_url(request, _board_url(campaign)))
    return render(
        request,
        "campaigns/task_form.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "form": form, "overlaps": overlaps,
            "has_targets": bool(targets), "next": safe_next_url(request, ""), "overlap_days": DUPLICATE_CONTACT_DAYS,
        },
    )


@login_required
def task_edit(request, slug: str, campaign_slug: str, task_id: int):
    task = _task_for_actor(request, slug, campaign_slug, task_id)
    campaign = task.campaign
    people = [a for a in selectors.people_of_partners(campaign.coalition) if a.organisation_id == task.organisation_id]
    form = TaskEditForm(
        request.POST or None,
        people=people,
        initial={"assignee": task.assignee, "channel": task.channel, "due_on": task.due_on, "notes": task.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(safe_next_url(request, _board_url(campaign)))
    return render(
        request,
        "campaigns/task_form.html",
        {"coalition": campaign.coalition, "campaign": campaign, "form": form, "task": task, "next": safe_next_url(request, "")},
    )


@login_required
@require_POST
def task_status(request, slug: str, campaign_slug: str, task_id: int):
    task = _task_for_actor(request, slug, campaign_slug, task_id)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose to do, doing or blocked."))
    else:
        try:
            task = services.task_status_set(task=task, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(target)s (%(organisation)s): %(status)s.")
                % {"target": task.target, "organisation": task.organisation, "status": task.get_status_display()},
            )
    # Back at the card, whatever happened: on a long board the top of the page is far from it.
    return redirect(safe_next_url(request, _board_url(task.campaign)).split("#")[0] + f"#task-{task.pk}")


@login_required
# A check-off form opened before the link dropped can be filled in and kept on the phone.
@readable_offline
def task_complete(request, slug: str, campaign_slug: str, task_id: int):
    task = _task_for_actor(request, slug, campaign_slug, task_id)
    campaign = task.campaign
    back = safe_next_url(request, _board_url(campaign))
    if task.status == TaskStatus.DONE and request.method != "POST":
        messages.info(request, _("This task has already been checked off."))
        return redirect(back)
    form = TaskCompleteForm(request.POST or None, initial={"happened_on": timezone.localdate(), "channel": task.channel})
    if task.organisation_id not in campaign.access.acting_organisation_ids:
        # A lead checking off a partner's task does not speak for the partner on the stance.
        del form.fields["stance"]
    if request.method == "POST" and form.is_valid():
        try:
            log = services.task_complete(task=task, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if log.follow_up is not None:
                follow_up_url = reverse("task_edit", args=[campaign.coalition.slug, campaign.slug, log.follow_up.pk])
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Checked off. The next step is on the plan for %(date)s.") % {"date": date_format(log.follow_up.due_on, "DATE_FORMAT")},
                        follow_up_url,
                        _("Open the follow-up task"),
                    ),
                )
            else:
                messages.success(request, _("Checked off."))
            if form.cleaned_data.get("commitment"):
                messages.info(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>', _("Their commitment is on the campaign's commitments."),
                        reverse("commitment_list", args=[campaign.coalition.slug, campaign.slug]),
                        _("Open the commitments"),
                    ),
                )
            return redirect(back)
    return render(
        request,
        "campaigns/task_complete.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "task": task, "form": form,
            "next": safe_next_url(request, ""),
        },
    )
