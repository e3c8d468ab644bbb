from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeviationsConfig(AppConfig):
    name = "samverkan.deviations"
    verbose_name = _("Avvikelser, tvister och avtalsförvaltning")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from samverkan.accounts.services import profile_of
        from samverkan.deviations.lifecycle import cached_notices, forget_notices
        from samverkan.deviations.models import Notice
        from samverkan.deviations.tasks import PROVIDERS
        from samverkan.rules.ruleset import use_notices
        from samverkan.web.nav import register_nav
        from samverkan.web.work_queue import register_work_queue

        register_nav(
            "deviations", "deviations:index", visible=lambda user: profile_of(user) is not None
        )
        for provider in PROVIDERS:
            register_work_queue(provider)
        # Decisions everywhere (guide, API, persons, tjänsteköp) see recorded terminations.
        use_notices(cached_notices)
        post_save.connect(forget_notices, sender=Notice, dispatch_uid="forget-notices-save")
        post_delete.connect(forget_notices, sender=Notice, dispatch_uid="forget-notices-del")
