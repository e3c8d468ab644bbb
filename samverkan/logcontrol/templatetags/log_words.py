"""Log control in words a data owner's reviewer reads: what kind of thing was reached.

``object_kind``: the stored object type of an audit event ("people.person",
"followup.yearly_report") as a Swedish name ("Person", "Årsuppföljning"). A model's type is
named by its verbose name; the kinds that are not models (reports, lists) by the table below;
anything unknown is shown as stored, so nothing recorded is ever hidden.
"""

from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()

#: Object types recorded without a model, and models whose verbose name is not Swedish.
KINDS: dict[str, str] = {
    "agreements": "Avtal",
    "agreements.adoption": "Antagande av revision",
    "deviations": "Avvikelser",
    "deviations.followup": "Uppföljning av avvikelser",
    "discharge.staytask": "Uppgift vid utskrivning",
    "followup.simulation": "Simulering av revision",
    "followup.yearly_report": "Årsuppföljning",
    "logcontrol.export": "Loggutdrag",
    "purchases": "Tjänsteköp",
    "purchases.identifiers": "Fakturamottagarens identifierare",
}


@register.filter
def object_kind(object_type: object) -> str:
    stored = str(object_type or "")
    if stored in KINDS:
        return KINDS[stored]
    app_label, _dot, model = stored.partition(".")
    if model:
        try:
            name = str(apps.get_model(app_label, model)._meta.verbose_name)
        except (LookupError, ValueError):
            return stored
        return name[:1].upper() + name[1:]
    return stored
