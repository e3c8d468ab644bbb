from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samverkan.accounts"
    verbose_name = _("Organisationer och användare")

    def ready(self) -> None:
        from samverkan.web.public import register_public_path

        # The SAML2 endpoints answer the IdP and start a login: nobody is logged in yet.
        register_public_path("/accounts/saml2/")
