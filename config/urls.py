from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from campaigns import urls as campaign_urls
from campaigns.views.coalition import coalition_detail
from campaigns.views.home import home
from letters import urls as letter_urls

from .health import healthz
from .offline import service_worker, web_manifest

# The admin signs in through the site's own sign-in, with its rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # Public petitions, the busiest pages, matched first: short addresses, for posters and text messages.
    path("p/", include("signatures.public_urls")),
    path("healthz", healthz, name="healthz"),
    # From the root, so that the worker may look after every page of the site.
    path("sw.js", service_worker, name="service_worker"),
    path("manifest-<slug:language>.webmanifest", web_manifest, name="web_manifest"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("c/<slug:slug>/campaigns/", include(campaign_urls.app_urls)),
    path("c/<slug:slug>/decisions/", include(campaign_urls.decision_urls)),
    path("c/<slug:slug>/campaigns/<slug:campaign_slug>/petitions/", include("signatures.lead_urls")),
    path("c/<slug:slug>/campaigns/<slug:campaign_slug>/letters/", include(letter_urls.campaign_urls)),
    path("c/<slug:slug>/campaigns/<slug:campaign_slug>/discussion/", include("messaging.urls")),
    path("c/<slug:slug>/scorecard/", include("coalitions.scorecards.urls")),
    path("notifications/", include("messaging.notification_urls")),
    path("organisations/<int:organisation_id>/signing/", include(letter_urls.organisation_urls)),
    path("v/", include(letter_urls.public_urls)),
    path("calendar/", include(campaign_urls.calendar_urls)),
    path("", home, name="home"),
    path("c/<slug:slug>/", coalition_detail, name="coalition_detail"),
    path("", include("coalitions.urls")),
]
