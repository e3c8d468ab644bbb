from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DischargeConfig(AppConfig):
    name = "samverkan.discharge"
    verbose_name = _("Utskrivning från sluten vård")

    def ready(self) -> None:
        from samverkan.discharge.access import discharge_organisation
        from samverkan.discharge.local_terms import can_manage
        from samverkan.discharge.payment_view import may_view_payments
        from samverkan.discharge.services import move_stays_on_merge
        from samverkan.discharge.work_queue import describe_stay_notifications, discharge_tasks
        from samverkan.notifications.services import register_describer
        from samverkan.people.merge import HOOK, declare
        from samverkan.people.services import MERGE_HOOKS
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        declare(
            "discharge.Stay.person",
            HOOK,
            "A stay and its notices follow the surviving person (move_stays_on_merge).",
        )
        if move_stays_on_merge not in MERGE_HOOKS:
            MERGE_HOOKS.append(move_stays_on_merge)
        register_nav(
            "discharge",
            "discharge:board",
            visible=lambda user: (
                discharge_organisation(user) is not None
                or can_manage(user)
                or may_view_payments(user)
            ),
        )
        register_work_queue(discharge_tasks)
        register_describer("discharge:detail", describe_stay_notifications)
        # Betalningsansvar is invoiced by tjänsteköp's runs: the discharge room is a source.
        from samverkan.discharge.invoicing import SOURCE, discharge_source
        from samverkan.purchases.sources import register_source

        register_source(SOURCE, discharge_source)
        # A dispute's decision settles the days it held back at once (reopening a locked month).
        from samverkan.deviations.disputes import DECISION_HOOKS
        from samverkan.discharge.invoicing import settle_decided_days

        if settle_decided_days not in DECISION_HOOKS:
            DECISION_HOOKS.append(settle_decided_days)
