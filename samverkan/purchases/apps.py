from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "samverkan.purchases"
    verbose_name = _("Tjänsteköp och fakturering")

    def ready(self) -> None:
        from samverkan.people.merge import HISTORY, declare
        from samverkan.purchases.queue import purchases_tasks, visible_in_nav
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        register_nav("purchases", "purchases:index", visible=visible_in_nav)
        register_work_queue(purchases_tasks)
        # A pseudonym is printed on issued invoices and attachments: a merge keeps it.
        declare("purchases.PersonPseudonym.person", HISTORY, "the seller's person reference")
