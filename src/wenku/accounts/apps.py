from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wenku.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        # Connect the signal receivers.
        from . import auth, rewards  # noqa: F401
