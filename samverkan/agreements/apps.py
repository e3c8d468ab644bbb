from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """The agreements' lifecycle. This room tells the rules which versions are in force: it
    registers the recorded notices of termination as the rules' notices source."""

    name = "samverkan.agreements"
    label = "agreements"
    verbose_name = _("Avtalsförvaltning")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from samverkan.agreements.models import (
            Adoption,
            AgreementSettings,
            LocalAgreement,
            Notice,
            Revision,
        )
        from samverkan.agreements.revisions import adopted_revisions, forget_revisions
        from samverkan.agreements.selectors import cached_notices, forget_notices
        from samverkan.agreements.work_queue import PROVIDERS
        from samverkan.rules import use_notices, use_revisions
        from samverkan.web.work_queue import register_work_queue

        for provider in PROVIDERS:
            register_work_queue(provider)
        # Decisions everywhere (guide, API, persons, tjänsteköp) see recorded terminations.
        use_notices(cached_notices)
        post_save.connect(forget_notices, sender=Notice, dispatch_uid="forget-notices-save")
        post_delete.connect(forget_notices, sender=Notice, dispatch_uid="forget-notices-del")
        # The notice scope (party or all) decides which notices end the agreement.
        post_save.connect(
            forget_notices, sender=AgreementSettings, dispatch_uid="forget-notices-scope"
        )
        # Adopted revisions govern each party from its date; drafts never do. Local agreements
        # at an annex's "om annat ej överenskommits" come as revisions of their kommun.
        use_revisions(adopted_revisions)
        for model in (Revision, Adoption, LocalAgreement):
            post_save.connect(forget_revisions, sender=model, dispatch_uid=f"forget-rev-{model}")
            post_delete.connect(forget_revisions, sender=model, dispatch_uid=f"forget-rev-d{model}")
