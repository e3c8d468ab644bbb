from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "samverkan.guide"
    verbose_name = _("Ansvarsguiden")

    def ready(self) -> None:
        from samverkan.web.nav import register_nav
        from samverkan.web.public import register_public_path

        # Public: the guide takes facts about a situation only, never who the person is.
        register_nav("guide", "guide:index", public=True)
        register_public_path("/guide/")
