from dataclasses import dataclass

from django.http import Http404

from campaigns.models import Campaign
from coalitions.models import Notification, User
from coalitions.notices import NotificationView, notification_view

from .models import DiscussionMessage

PAGE_SIZE = 30


@dataclass(frozen=True)
class DiscussionPage:
    messages: list[DiscussionMessage]
    # The oldest message shown, when older ones exist: the link to them starts before it.
    older_than: int | None


def discussion_page(campaign: Campaign, *, before: int | None = None, size: int = PAGE_SIZE) -> DiscussionPage:
    """The latest messages (or those before message `before`), oldest first as a conversation reads."""
    messages = DiscussionMessage.objects.filter(campaign=campaign).select_related(
        "author", "organisation", "task__target", "task__organisation", "letter_version__letter"
    )
    if before is not None:
        messages = messages.filter(pk__lt=before)
    batch = list(messages.order_by("-pk")[: size + 1])
    older = batch[size - 1].pk if len(batch) > size else None
    return DiscussionPage(messages=batch[:size][::-1], older_than=older)


READ_SHOWN = 30


@dataclass(frozen=True)
class NotificationsPage:
    unread: list[NotificationView]
    # Already read: folded away on the page, the latest few only.
    read: list[NotificationView]


def notifications_page(user: User) -> NotificationsPage:
    mine = Notification.objects.filter(user=user).select_related("entry").order_by("-created_at", "-pk")
    return NotificationsPage(
        unread=[notification_view(n) for n in mine.filter(read_at=None)],
        read=[notification_view(n) for n in mine.exclude(read_at=None)[:READ_SHOWN]],
    )


def get_notification_for_user(user: User, notification_id: int) -> Notification:
    """A person's own notification; anyone else's does not exist for them."""
    try:
        return Notification.objects.get(pk=notification_id, user=user)
    except Notification.DoesNotExist:
        raise Http404 from None
