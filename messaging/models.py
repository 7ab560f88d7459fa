from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Task
from coalitions.models import Organisation
from letters.models import LetterVersion

# How long the author may still change or delete what they wrote.
EDIT_WINDOW_MINUTES = 15


class DiscussionMessage(models.Model):
    """A message in a campaign's discussion, written for one of the author's organisations."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    # What it answers, if anything: a task of the plan or a version of a letter.
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    letter_version = models.ForeignKey(LetterVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who it names (@NDWM, @"Asha Devi"), for their notifications.
    mentioned_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    mentioned_people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="discussion_campaign_time_idx")]

    @property
    def html(self):
        from .text import message_html

        return message_html(self.body)

    def may_change(self, user, now) -> bool:
        return (
            self.deleted_at is None and self.author_id == user.pk
            and (now - self.created_at).total_seconds() < EDIT_WINDOW_MINUTES * 60
        )
