from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samverkan.sip"
    verbose_name = _("SIP och egenvård")

    def ready(self) -> None:
        from samverkan.people.access import EXTRA_VISIBILITY
        from samverkan.sip.access import participating_persons, sip_organisation
        from samverkan.sip.work_queue import sip_tasks
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        if participating_persons not in EXTRA_VISIBILITY:
            EXTRA_VISIBILITY.append(participating_persons)
        register_nav("sip", "sip:index", visible=lambda user: sip_organisation(user) is not None)
        register_work_queue(sip_tasks)
