from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenku.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        # Connect the signal receivers.
        from . import auth, rewards  # noqa: F401
