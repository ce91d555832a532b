from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wenku.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import auth

        user_login_failed.connect(auth.count_failure, dispatch_uid="accounts-login-failed")
        user_logged_in.connect(auth.forget_failures, dispatch_uid="accounts-logged-in")
