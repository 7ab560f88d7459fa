from django.urls import path

from . import views

# Under c/<slug>/campaigns/<campaign_slug>/discussion/
urlpatterns = [
    path("", views.discussion, name="discussion"),
    path("<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("<int:message_id>/delete/", views.message_delete, name="message_delete"),
]
