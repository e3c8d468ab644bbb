from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "samverkan.library"
    verbose_name = _("Avtalsbiblioteket")

    def ready(self) -> None:
        from samverkan.web.nav import register_nav
        from samverkan.web.public import register_public_path

        # Public: the agreements are public documents and no personal data enters these pages.
        register_nav("library", "library:index", public=True)
        register_public_path("/avtal/")
