from django.urls import path

from . import balance_views, import_views, views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.language_set, name="language_set"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:organisation_id>/logo.png", views.organisation_logo, name="organisation_logo"),
    path("organisations/<int:organisation_id>/people/<int:affiliation_id>/role/", views.staff_role, name="staff_role"),
    path("organisations/<int:organisation_id>/people/<int:affiliation_id>/vote/", views.staff_vote, name="staff_vote"),
    path("organisations/<int:organisation_id>/people/<int:affiliation_id>/remove/", views.staff_remove, name="staff_remove"),
    path("join/<str:token>/", views.staff_invitation, name="staff_invitation"),
    path("invitations/<str:token>/", views.coalition_invitation, name="coalition_invitation"),
    path("coalitions/new/", views.coalition_create, name="coalition_create"),
    path("c/<slug:slug>/organisations/", views.coalition_organisations, name="coalition_organisations"),
    path("c/<slug:slug>/settings/", views.coalition_settings, name="coalition_settings"),
    path("c/<slug:slug>/invite/", views.coalition_invite, name="coalition_invite"),
    path("c/<slug:slug>/invitations/<int:invitation_id>/revoke/", views.coalition_invitation_revoke, name="coalition_invitation_revoke"),
    path("c/<slug:slug>/organisations/<int:participation_id>/role/", views.participation_role, name="participation_role"),
    path("c/<slug:slug>/organisations/<int:participation_id>/remove/", views.participation_remove, name="participation_remove"),
    path("c/<slug:slug>/leave/", views.coalition_leave, name="coalition_leave"),
    path("c/<slug:slug>/activity/", views.coalition_audit, name="coalition_audit"),
    path("c/<slug:slug>/balance/", balance_views.coalition_balance_page, name="coalition_balance"),
    path("c/<slug:slug>/imports/<int:job_id>/", import_views.import_job, name="import_job"),
    path("c/<slug:slug>/imports/<int:job_id>/status.json", import_views.import_status, name="import_status"),
    path("c/<slug:slug>/imports/<int:job_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("c/<slug:slug>/imports/<int:job_id>/recheck/", import_views.import_recheck, name="import_recheck"),
    path("c/<slug:slug>/imports/<int:job_id>/cancel/", import_views.import_cancel, name="import_cancel"),
]
