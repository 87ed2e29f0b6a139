"""The links in emails: confirm a subscription, unsubscribe (also RFC 8058 one-click)."""

from django.urls import path

from civic311.notifications import views

app_name = "notifications"
urlpatterns = [
    path("confirm/<str:token>", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
