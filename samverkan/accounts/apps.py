from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samverkan.accounts"
    verbose_name = _("Organisationer och användare")

    def ready(self) -> None:
        from samverkan.accounts import signals

        signals.connect()
