from django.urls import path

from . import views

urlpatterns = [
    path("", views.scorecard_list, name="scorecard_list"),
    path("new/", views.scorecard_open, name="scorecard_open"),
    path("<int:round_id>/", views.scorecard_detail, name="scorecard_detail"),
    path("<int:round_id>/indicators/", views.scorecard_indicator_add, name="scorecard_indicator_add"),
    path("<int:round_id>/start/", views.scorecard_scoring_start, name="scorecard_scoring_start"),
    path("<int:round_id>/answer/", views.scorecard_answer, name="scorecard_answer"),
    path("<int:round_id>/close/", views.scorecard_round_close, name="scorecard_round_close"),
    path("<int:round_id>/actions/", views.action_point_add, name="action_point_add"),
    path("<int:round_id>/actions/<int:action_point_id>/done/", views.action_point_complete, name="action_point_complete"),
]
