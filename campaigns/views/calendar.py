from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns import ical, selectors, services
from campaigns.models import CalendarFeed, TaskStatus
from coalitions.access import coalitions_withheld_for_mfa
from coalitions.models import hash_token


@login_required
@never_cache
def calendar_settings(request):
    new_address = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.calendar_feed_create(user=request.user)
            # Only a hash of the token is kept, so this response is the one chance to see the address.
            new_address = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
        elif action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address has been switched off. Calendars using it get nothing more."))
            return redirect("calendar_settings")
        else:
            return redirect("calendar_settings")
    return render(
        request,
        "campaigns/calendar_settings.html",
        {
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
            "new_address": new_address,
            "webcal_address": new_address.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        },
    )


def _event(request, task) -> ical.Event:
    campaign = task.campaign
    lines = [
        _("Campaign: %(campaign)s (%(coalition)s)") % {"campaign": campaign.title, "coalition": campaign.coalition.name},
        _("Status: %(status)s") % {"status": task.get_status_display()},
    ]
    if task.status == TaskStatus.BLOCKED:
        lines.append(_("Blocked: %(reason)s") % {"reason": task.blocked_reason})
    if task.notes:
        lines += ["", task.notes]
    board = request.build_absolute_uri(reverse("plan_board", args=[campaign.coalition.slug, campaign.slug]))
    return ical.Event(
        # The same task keeps the same UID on every fetch, so calendars move it instead of duplicating it.
        uid=f"task-{task.pk}@{request.get_host().split(':')[0]}",
        day=task.due_on,
        summary=_("Contact %(target)s (%(channel)s) — %(organisation)s")
        % {"target": task.target.name, "channel": task.get_channel_display(), "organisation": task.organisation.short_name},
        description="\n".join(lines),
        url=board,
    )


@require_safe
def calendar_feed(request, token: str):
    """No sign-in: calendar apps cannot log in, so the secret address is the key."""
    feed = CalendarFeed.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    # Checked-off tasks are left out: a calendar shows what is still to be done.
    tasks = (
        selectors.tasks_of_person(feed.user)
        .open()
        .exclude(campaign__coalition__in=coalitions_withheld_for_mfa(feed.user))
        .order_by("due_on", "pk")
    )
    with translation.override(feed.user.language or None):
        body = ical.calendar(
            name=_("My outreach tasks"), events=[_event(request, task) for task in tasks], stamp=timezone.now()
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="outreach-tasks.ics"'
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
