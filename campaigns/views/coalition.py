"""A coalition's front page: what it is doing first, then its partners and activity.

It lives here because it reads campaigns, targets and tasks; coalitions knows nothing of them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from campaigns import selectors
from coalitions import selectors as coalition_selectors
from coalitions.access import get_coalition_for_user


@login_required
def coalition_detail(request, slug: str):
    coalition = get_coalition_for_user(request.user, slug)
    access = coalition.access
    return render(
        request,
        "coalitions/coalition_detail.html",
        {
            "coalition": coalition,
            "access": access,
            "work": selectors.coalition_work(coalition, timezone.localdate()),
            # The page leads with the work; the whole trail is one link away.
            "overview": coalition_selectors.coalition_overview(coalition=coalition, access=access, activity_limit=10),
        },
    )
