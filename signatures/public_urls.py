from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.petition_page, name="petition_page"),
    path("<slug:slug>/count.json", views.petition_count, name="petition_count"),
    path("<slug:slug>/qr.svg", views.petition_qr, name="petition_qr"),
    path("<slug:slug>/csrf/", views.petition_csrf, name="petition_csrf"),
    path("<slug:slug>/sign/", views.petition_sign, name="petition_sign"),
    path("<slug:slug>/thanks/", views.petition_thanks, name="petition_thanks"),
    path("<slug:slug>/confirm/<str:token>/", views.signature_confirm, name="signature_confirm"),
    path("<slug:slug>/erase/<str:token>/", views.signature_erase, name="signature_erase"),
    path("<slug:slug>/field/", views.petition_field, name="petition_field"),
]
