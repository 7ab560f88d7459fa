from django.urls import path

from .views import calendar, campaigns, commitments, decisions, imports, plan, targets, texts

app_urls = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_create, name="campaign_create"),
    path("<slug:campaign_slug>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<slug:campaign_slug>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<slug:campaign_slug>/texts/", texts.campaign_texts, name="campaign_texts"),
    path("<slug:campaign_slug>/texts/<int:version_id>/approve/", texts.text_approve, name="text_approve"),
    path("<slug:campaign_slug>/texts/<int:version_id>/withdraw/", texts.text_withdraw, name="text_withdraw"),
    path("<slug:campaign_slug>/decisions/", decisions.campaign_decisions, name="campaign_decisions"),
    path("<slug:campaign_slug>/targets/", targets.target_list, name="target_list"),
    path("<slug:campaign_slug>/targets/new/", targets.target_create, name="target_create"),
    path("<slug:campaign_slug>/targets/<int:target_id>/", targets.target_detail, name="target_detail"),
    path("<slug:campaign_slug>/targets/<int:target_id>/edit/", targets.target_edit, name="target_edit"),
    path("<slug:campaign_slug>/targets/<int:target_id>/stance/", targets.stance_assess, name="stance_assess"),
    path(
        "<slug:campaign_slug>/targets/<int:target_id>/organisations/",
        targets.target_organisation_set,
        name="target_organisation_set",
    ),
    path(
        "<slug:campaign_slug>/targets/<int:target_id>/organisations/<int:organisation_id>/remove/",
        targets.target_organisation_remove,
        name="target_organisation_remove",
    ),
    path("<slug:campaign_slug>/import/", imports.import_upload, name="import_upload"),
    path("<slug:campaign_slug>/import/<slug:kind>-template.csv", imports.import_template, name="import_template"),
    path("<slug:campaign_slug>/power-map/", targets.power_map, name="power_map"),
    path("<slug:campaign_slug>/plan/", plan.plan_board, name="plan_board"),
    path("<slug:campaign_slug>/plan.csv", plan.plan_csv, name="plan_csv"),
    path("<slug:campaign_slug>/tasks/new/", plan.task_create, name="task_create"),
    path("<slug:campaign_slug>/tasks/<int:task_id>/", plan.task_edit, name="task_edit"),
    path("<slug:campaign_slug>/tasks/<int:task_id>/status/", plan.task_status, name="task_status"),
    path("<slug:campaign_slug>/tasks/<int:task_id>/complete/", plan.task_complete, name="task_complete"),
    path("<slug:campaign_slug>/commitments/", commitments.commitment_list, name="commitment_list"),
    path("<slug:campaign_slug>/commitments/new/", commitments.commitment_create, name="commitment_create"),
    path(
        "<slug:campaign_slug>/commitments/<int:commitment_id>/", commitments.commitment_edit, name="commitment_edit"
    ),
    path(
        "<slug:campaign_slug>/commitments/<int:commitment_id>/status/", commitments.commitment_status,
        name="commitment_status",
    ),
]

decision_urls = [
    path("", decisions.decision_list, name="decision_list"),
    path("new/", decisions.decision_propose, name="decision_propose"),
    path("<int:decision_id>/", decisions.decision_detail, name="decision_detail"),
    path("<int:decision_id>/vote/", decisions.decision_vote, name="decision_vote"),
    path("<int:decision_id>/options/<int:option_id>/revise/", decisions.decision_option_revise, name="decision_option_revise"),
    path("<int:decision_id>/delegate/", decisions.decision_delegate, name="decision_delegate"),
    path("<int:decision_id>/delegate/revoke/", decisions.decision_delegation_revoke, name="decision_delegation_revoke"),
    path("<int:decision_id>/extend/", decisions.decision_extend, name="decision_extend"),
    path("<int:decision_id>/withdraw/", decisions.decision_withdraw, name="decision_withdraw"),
    path("<int:decision_id>/comment/", decisions.decision_comment, name="decision_comment"),
]

calendar_urls = [
    path("", calendar.calendar_settings, name="calendar_settings"),
    path("<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
