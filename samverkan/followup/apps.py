from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "samverkan.followup"
    verbose_name = _("Uppföljning och revisionssimulering")

    def ready(self) -> None:
        from samverkan.followup.access import can_use
        from samverkan.web.nav import register_nav

        register_nav("followup", "followup:index", visible=can_use)

        from samverkan.agreements.revisions import use_retroactive, use_simulator
        from samverkan.followup.revision_glue import retroactive_effect
        from samverkan.followup.simulation import revision_simulation

        use_simulator(revision_simulation)  # revision drafts are simulated here
        use_retroactive(retroactive_effect)  # what a past in-force date changes
