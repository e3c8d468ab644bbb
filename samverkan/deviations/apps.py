from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviationsConfig(AppConfig):
    name = "samverkan.deviations"
    verbose_name = _("Avvikelser och tvister")

    def ready(self) -> None:
        from samverkan.accounts.actors import actor_for
        from samverkan.deviations.tasks import (
            PROVIDERS,
            describe_deviation_notifications,
            describe_dispute_notifications,
        )
        from samverkan.notifications.services import register_describer
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        register_nav(
            "deviations", "deviations:index", visible=lambda user: actor_for(user) is not None
        )
        for provider in PROVIDERS:
            register_work_queue(provider)
        register_describer("deviations:detail", describe_deviation_notifications)
        register_describer("deviations:dispute", describe_dispute_notifications)
