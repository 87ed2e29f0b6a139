"""URLs of the back office; every page but the login needs a staff login."""

from django.contrib.auth import views as auth_views
from django.urls import path

from civic311.staff import views

app_name = "staff"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="staff/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
    path("", views.home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("intake/questions/", views.intake_questions, name="intake-questions"),
    path("lookup/", views.lookup, name="lookup"),
    path("queues/department/<slug:code>/", views.department_queue, name="department-queue"),
    path("queues/ward/<int:number>/", views.ward_queue, name="ward-queue"),
    path("queues/bulk/", views.queue_bulk, name="queue-bulk"),
    path("requests/<str:number>/", views.request_detail, name="request"),
    path("requests/<str:number>/status/", views.change_status, name="request-status"),
    path("requests/<str:number>/note/", views.add_note, name="request-note"),
    path("requests/<str:number>/transfer/", views.transfer, name="request-transfer"),
    path("requests/<str:number>/duplicate/", views.mark_duplicate, name="request-duplicate"),
    path("requests/<str:number>/reopen/", views.reopen, name="request-reopen"),
    path("requests/<str:number>/assign/", views.assign, name="request-assign"),
    path("requests/<str:number>/location/", views.correct_location, name="request-location"),
    path("status-calls/", views.status_calls, name="status-calls"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
