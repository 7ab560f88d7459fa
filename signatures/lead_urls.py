"""The coalition's pages about the petitions of one campaign, under /c/<coalition>/campaigns/<campaign>/petitions/."""

from django.urls import path

from . import lead_views

P = "<slug:petition_slug>/"

urlpatterns = [
    path("", lead_views.petition_list, name="petition_list"),
    path("new/", lead_views.petition_create, name="petition_create"),
    path(P, lead_views.petition_dashboard, name="petition_dashboard"),
    path(P + "edit/", lead_views.petition_edit, name="petition_edit"),
    path(P + "texts/", lead_views.petition_texts, name="petition_texts"),
    path(P + "texts/<str:language>/", lead_views.petition_text_save, name="petition_text_save"),
    path(P + "texts/<str:language>/approve/", lead_views.petition_text_approve, name="petition_text_approve"),
    path(P + "open/", lead_views.petition_transition, {"action": "open"}, name="petition_open"),
    path(P + "pause/", lead_views.petition_transition, {"action": "pause"}, name="petition_pause"),
    path(P + "close/", lead_views.petition_transition, {"action": "close"}, name="petition_close"),
    path(P + "reopen/", lead_views.petition_transition, {"action": "reopen"}, name="petition_reopen"),
    path(P + "signatures.csv", lead_views.petition_export, name="petition_export"),
    path(P + "paper-totals/", lead_views.paper_total_add, name="paper_total_add"),
    path(P + "paper-totals/<int:total_id>/delete/", lead_views.paper_total_delete, name="paper_total_delete"),
    path(P + "paper-import/", lead_views.paper_import, name="paper_import"),
    path(P + "paper-import/template.csv", lead_views.paper_import_template, name="paper_import_template"),
]
