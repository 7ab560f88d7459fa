from dataclasses import dataclass

from campaigns.models import Campaign

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
