from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samverkan.sip"
    verbose_name = _("SIP och egenvård")
