"""The community scorecard: partners rate the partnership, round after round.

A lead opens a round; its indicators start from the partnership principles and what the last
round carried; any partner adds its own before scoring starts. Each organisation then scores each
indicator once (it may change its score until the round closes); after the close everyone sees how
the partnership was rated, and the action points agreed on it become work for an organisation.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Coalition, Organisation

SCORE_MIN, SCORE_MAX = 1, 5
# Below this many answers an indicator shows no figure: with one or two, anyone could tell whose it is.
MIN_ANSWERS_SHOWN = 3

# The three non-negotiable principles of a partnership: every round rates them, under fixed keys,
# so that the trend follows them from round to round in every reader's language.
PRINCIPLES = {
    "shared_vision": _("Shared vision and joint objectives"),
    "equity": _("Equity between partners"),
    "transparency": _("Transparency"),
}


class ScorecardStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing: partners may add indicators")
    SCORING = "scoring", _("Open for scoring")
    CLOSED = "closed", _("Closed")


class ScorecardRound(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="scorecard_rounds")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=ScorecardStatus.choices, default=ScorecardStatus.PREPARING
    )
    scoring_deadline = models.DateField(_("scores wanted by"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_preparing(self) -> bool:
        return self.status == ScorecardStatus.PREPARING

    @property
    def is_scoring(self) -> bool:
        return self.status == ScorecardStatus.SCORING

    @property
    def is_closed(self) -> bool:
        return self.status == ScorecardStatus.CLOSED


class IndicatorOrigin(models.TextChoices):
    PRINCIPLE = "principle", _("Partnership principle")
    COALITION = "coalition", _("The coalition's own")
    MEMBER = "member", _("Added by a partner")


class Indicator(models.Model):
    """One thing the partners rate. `key` is the same for the same indicator in every round."""

    round = models.ForeignKey(ScorecardRound, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(max_length=40)
    origin = models.CharField(max_length=16, choices=IndicatorOrigin.choices)
    # Blank for the principles, whose words come from PRINCIPLES in the reader's language.
    wording = models.CharField(_("indicator"), max_length=300, blank=True)
    added_by = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="scorecard_indicator_key_unique")]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return PRINCIPLES[self.key] if self.origin == IndicatorOrigin.PRINCIPLE else self.wording


class ScoreAnswer(models.Model):
    """An organisation's score of one indicator; shown to nobody as its own, unless it signs its comment."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    signed = models.BooleanField(_("sign the comment with the organisation's name"), default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organisation"], name="one_score_per_organisation"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX), name="score_between_1_and_5"
            ),
        ]


class ActionPoint(models.Model):
    """What the partners agreed to do after a round: partnership work for one organisation."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="action_points")
    round = models.ForeignKey(ScorecardRound, on_delete=models.CASCADE, related_name="action_points")
    wording = models.CharField(_("action point"), max_length=500)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_points"
    )
    due_on = models.DateField(_("due by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.wording

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        return not self.is_done and self.due_on < today
