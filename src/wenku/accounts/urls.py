from django.urls import path

from .views import auth, me

app_name = "accounts"
urlpatterns = [
    path("accounts/register/", auth.register, name="register"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.logout, name="logout"),
    path("accounts/profile/", auth.profile, name="profile"),
    path("accounts/verify/<str:token>/", auth.verify_email, name="verify_email"),
    path("accounts/verify-again/", auth.resend_verification, name="resend_verification"),
    path("accounts/password/change/", auth.password_change, name="password_change"),
    path("accounts/password/change/done/", auth.password_change_done, name="password_change_done"),
    path("accounts/password/reset/", auth.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", auth.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth.password_reset_complete,
        name="password_reset_complete",
    ),
    path("me/points/", me.points_history, name="points"),
    path("me/tokens/", me.api_tokens, name="tokens"),
    path("me/tokens/<id:token_id>/revoke/", me.revoke_token, name="revoke_token"),
    path("me/tokens/revoke-all/", me.revoke_all_tokens, name="revoke_all_tokens"),
    path("me/signin/", me.sign_in, name="signin"),
]
