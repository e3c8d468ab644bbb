from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samverkan.sip"
    verbose_name = _("SIP (samordnad individuell plan)")

    def ready(self) -> None:
        from samverkan.notifications.services import register_describer
        from samverkan.people.emergency import EMERGENCY_SOURCES
        from samverkan.people.services import MERGE_HOOKS
        from samverkan.sip.access import sip_organisation
        from samverkan.sip.emergency import emergency_owners
        from samverkan.sip.overview import sip_overview
        from samverkan.sip.services import move_sips_on_merge
        from samverkan.sip.work_queue import describe_sip_notifications, sip_tasks
        from samverkan.web.nav import register_nav
        from samverkan.web.overview import register_overview
        from samverkan.web.work_queue import register_work_queue

        if emergency_owners not in EMERGENCY_SOURCES:
            EMERGENCY_SOURCES.append(emergency_owners)
        if move_sips_on_merge not in MERGE_HOOKS:
            MERGE_HOOKS.append(move_sips_on_merge)
        register_nav("sip", "sip:index", visible=lambda user: sip_organisation(user) is not None)
        register_work_queue(sip_tasks)
        register_overview(sip_overview)
        register_describer("sip:detail", describe_sip_notifications)
        register_describer("sip:follow_up", describe_sip_notifications)
