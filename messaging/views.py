from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.access import get_campaign_for_user
from campaigns.models import Task
from coalitions.errors import DomainError
from coalitions.http import safe_next_url, safe_url
from letters.models import LetterVersion

from . import selectors, services
from .forms import MessageEditForm, MessageForm
from .models import DiscussionMessage


def _discussion_url(campaign, message=None) -> str:
    url = reverse("discussion", args=[campaign.coalition.slug, campaign.slug])
    return f"{url}#message-{message.pk}" if message is not None else url


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _replying_to(campaign, source) -> dict:
    """The task or letter version a message answers, from the page's ?task= or ?letter_version=."""
    task = Task.objects.filter(campaign=campaign, pk=_number(source.get("task"))).select_related("target").first()
    version = (
        LetterVersion.objects.filter(letter__campaign=campaign, pk=_number(source.get("letter_version")))
        .select_related("letter").first()
    )
    return {"task": task, "letter_version": version}


@login_required
def discussion(request, slug: str, campaign_slug: str):
    """The campaign's discussion, newest at the bottom; a POST adds a message (works without JS)."""
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    form = MessageForm(request.POST or None, access=campaign.access)
    replying = _replying_to(campaign, request.POST if request.method == "POST" else request.GET)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(
                campaign=campaign, by=request.user, organisation=form.cleaned_data["organisation"],
                body=form.cleaned_data["body"], **replying,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # Sent from the board's panel, it goes back there; only to an address of this site.
            return redirect(safe_next_url(request, _discussion_url(campaign, message)))
    page = selectors.discussion_page(campaign, before=_number(request.GET.get("before")))
    now = timezone.now()
    for message in page.messages:
        message.changeable = message.may_change(request.user, now)
    return render(
        request, "messaging/discussion.html",
        {
            "coalition": campaign.coalition, "campaign": campaign, "page": page, "form": form, **replying,
            # A message refused here (an empty one, say) still goes back where it was written.
            "next": safe_next_url(request, ""),
        },
        status=400 if form.errors else 200,
    )


BOARD_PANEL_MESSAGES = 3


def board_discussion_panel(request, campaign) -> dict:
    """The latest messages and a composer, beside the outreach plan: people discuss the work
    where they see it, and come back to the board once they have sent a message."""
    # Ids of its own: the board's filters have fields of the same names.
    form = MessageForm(access=campaign.access, auto_id="discussion-%s")
    form.fields["body"].widget.attrs["rows"] = 2
    return {
        "template": "messaging/includes/board_discussion.html",
        "messages": selectors.discussion_page(campaign, size=BOARD_PANEL_MESSAGES).messages,
        "form": form,
        "next": f"{request.get_full_path()}#discussion-panel",
    }


def _own_message(request, slug, campaign_slug, message_id) -> DiscussionMessage:
    campaign = get_campaign_for_user(request.user, slug, campaign_slug)
    message = DiscussionMessage.objects.filter(campaign=campaign, pk=message_id).select_related("organisation").first()
    if message is None or message.author_id != request.user.pk:
        raise Http404
    message.campaign = campaign
    return message


@login_required
def message_edit(request, slug: str, campaign_slug: str, message_id: int):
    message = _own_message(request, slug, campaign_slug, message_id)
    form = MessageEditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(message=message, by=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(_discussion_url(message.campaign, message))
    return render(
        request, "messaging/message_edit.html",
        {"coalition": message.campaign.coalition, "campaign": message.campaign, "message": message, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def message_delete(request, slug: str, campaign_slug: str, message_id: int):
    message = _own_message(request, slug, campaign_slug, message_id)
    try:
        services.message_delete(message=message, by=request.user)
    except DomainError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("Your message is deleted."))
    return redirect(_discussion_url(message.campaign, message))


# Notifications -------------------------------------------------------------------------------


@login_required
def notifications(request):
    return render(request, "messaging/notifications.html", {"page": selectors.notifications_page(request.user)})


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Opening one marks it read and goes where it points (always a path of this site)."""
    notification = selectors.get_notification_for_user(request.user, notification_id)
    services.notification_open(notification=notification, by=request.user)
    return redirect(safe_url(request, notification.url, reverse("notifications")))


@login_required
@require_POST
def notifications_read(request):
    services.notifications_read_all(by=request.user)
    flash.success(request, _("All your notifications are marked read."))
    return redirect("notifications")
