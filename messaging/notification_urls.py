from django.urls import path

from . import views

# Under notifications/
urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("<int:notification_id>/open/", views.notification_open, name="notification_open"),
    path("read/", views.notifications_read, name="notifications_read"),
]
