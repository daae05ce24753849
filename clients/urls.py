"""The client portal, under /portal/ (namespace `portal`)."""

from django.urls import path

from .views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.dashboard, name="dashboard"),
    path("login/", portal.SignInView.as_view(), name="login"),
    path("logout/", portal.sign_out, name="logout"),
    path("session/", portal.session_status, name="session"),
    path("signed-in/", portal.signed_in, name="signed_in"),
    path("profile/", portal.profile, name="profile"),
    path("therapists/", portal.therapists, name="therapists"),
    path("data/", portal.your_data, name="data"),
    path("password/", portal.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", portal.password_reset, name="password_reset"),
    path("password/reset/sent/", portal.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        portal.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("welcome/<str:uidb64>/<str:token>/", portal.InvitationView.as_view(), name="invitation"),
]
