"""Saved revision simulations: the variant, the population it ran over and its result.

A forum revisits a simulation later (or shows it in the next meeting), so the result is
stored as it was computed: the diff table, the figures, the prices and hours used and the
notes. For recorded cases the table is stored with small cells already suppressed; nothing
personal is ever stored here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import REGION_CHOICES, Organisation


class PopulationSource(models.TextChoices):
    SYNTHETIC = "synthetic", _("syntetisk befolkning")
    RECORDED = "recorded", _("registrerade insatser")
    # the discharge question (issue 16): a year of the region's recorded stays
    DISCHARGES = "discharges", _("registrerade utskrivningar")


class Simulation(models.Model):
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    variant = models.JSONField(_("variant"), help_text=_("Ändringarna som JSON (variants.py)."))
    source = models.CharField(_("fall"), max_length=20, choices=PopulationSource.choices)
    region = models.CharField(_("län"), max_length=40, choices=REGION_CHOICES)
    population = models.JSONField(
        _("befolkning"), default=dict, help_text=_("n, seed, datum, prisår.")
    )
    result = models.JSONField(_("resultat"), default=dict)
    cases = models.BigIntegerField(_("fall"), default=0)
    moved_cases = models.BigIntegerField(_("fall som byter huvudman"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("beräkningstid (ms)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revisionssimulering")
        verbose_name_plural = _("revisionssimuleringar")

    def __str__(self) -> str:
        return self.name

    @property
    def changes(self) -> list[dict[str, Any]]:
        return list((self.variant or {}).get("changes", []))
