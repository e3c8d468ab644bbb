from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "samverkan.people"
    verbose_name = _("Personer och insatser")
