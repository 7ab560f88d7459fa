"""A signed-in person's home page: their work across all their coalitions first, then the coalitions.

It lives here rather than in coalitions because it reads tasks and shared texts, and coalitions
knows nothing of campaigns."""

from collections.abc import Callable

from django.shortcuts import render
from django.utils import timezone

from campaigns import selectors
from coalitions import selectors as coalition_selectors
from config.headers import readable_offline

# What apps above campaigns (letters) ask of the person today: each gives a template and what it
# shows, or None. They register here, so that campaigns knows nothing of them.
HomeSection = Callable[[object], dict | None]
HOME_SECTIONS: list[HomeSection] = []


def register_home_section(section: HomeSection) -> None:
    HOME_SECTIONS.append(section)


# The member's own work, on their phone when the link drops (the landing page is not kept).
@readable_offline
def home(request):
    if not request.user.is_authenticated:
        return render(request, "coalitions/landing.html")
    user = request.user
    coalitions = coalition_selectors.coalitions_of_user(user)
    return render(
        request,
        "coalitions/dashboard.html",
        {
            "agenda": selectors.agenda_of_person(user, timezone.localdate()),
            "votes": selectors.texts_awaiting_vote(user),
            "decisions": selectors.decisions_awaiting_vote(user),
            "sections": [shown for shown in (section(user) for section in HOME_SECTIONS) if shown],
            "activity": coalition_selectors.recent_activity_of_coalitions(coalitions=coalitions, user=user),
            "coalitions": coalitions,
            "affiliations": coalition_selectors.organisations_of_user(user),
            "invitations": coalition_selectors.invitations_for_email(user.email),
        },
    )
