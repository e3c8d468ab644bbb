from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samverkan.sip"
    verbose_name = _("SIP (samordnad individuell plan)")

    def ready(self) -> None:
        from samverkan.people.access import EXTRA_VISIBILITY
        from samverkan.people.services import MERGE_HOOKS
        from samverkan.sip.access import participating_persons, sip_organisation
        from samverkan.sip.services import move_sips_on_merge
        from samverkan.sip.work_queue import sip_tasks
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        if participating_persons not in EXTRA_VISIBILITY:
            EXTRA_VISIBILITY.append(participating_persons)
        if move_sips_on_merge not in MERGE_HOOKS:
            MERGE_HOOKS.append(move_sips_on_merge)
        register_nav("sip", "sip:index", visible=lambda user: sip_organisation(user) is not None)
        register_work_queue(sip_tasks)
