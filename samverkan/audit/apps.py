from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "samverkan.audit"
    verbose_name = _("Granskningslogg")

    def ready(self) -> None:
        from samverkan.audit import signals

        signals.connect()
