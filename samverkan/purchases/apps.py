from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "samverkan.purchases"
    verbose_name = _("Tjänsteköp och fakturering")
