from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogcontrolConfig(AppConfig):
    name = "samverkan.logcontrol"
    verbose_name = _("Loggkontroll")

    def ready(self) -> None:
        from samverkan.logcontrol.access import is_log_controller
        from samverkan.web.nav import register_nav

        register_nav("logcontrol", "logcontrol:events", visible=is_log_controller)
