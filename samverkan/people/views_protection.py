"""Pages for protected identities and spärr on the person page (`people.services.protection`).

    /personer/{id}/skydd/                       state, mark a protected identity, record a spärr
    /personer/{id}/skydd/{pid}/avsluta/         end a protected identity (confirmation first)
    /personer/{id}/sparr/{bid}/hav/             lift a spärr (the person's request, confirmation)

Only staff who may change the person (write role, the own vårdgivare's care relation) reach
them; the spärrar shown are their own vårdgivare's only. `protection_context` is what the
person page shows in its small section (the marker for everyone who sees the person).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samverkan.accounts.models import Unit
from samverkan.accounts.services import profile_of
from samverkan.people import access, services
from samverkan.people.forms import apply_error
from samverkan.people.models import (
    AccessBlock,
    AccessBlockKind,
    IdentityProtection,
    Person,
    ProtectionKind,
)
from samverkan.people.services import PeopleError
from samverkan.people.withholding import PROTECTED_MARKER

BLOCK_KIND_HELP = {
    AccessBlockKind.INTERNAL: "Uppgifterna från en av era enheter spärras för era andra enheter "
    "(patientdatalagen 4 kap. 4 §).",
    AccessBlockKind.SHARED: "Era uppgifter görs inte tillgängliga för andra vårdgivare, inte "
    "heller genom SIP (patientdatalagen 6 kap. 2 §).",
}


class ProtectionForm(forms.Form):
    kind = forms.ChoiceField(label="Typ av skydd", choices=ProtectionKind.choices)
    note = forms.CharField(
        label="Anteckning (valfri)", required=False, max_length=2000, widget=forms.Textarea
    )


class BlockForm(forms.Form):
    kind = forms.ChoiceField(label="Typ av spärr", choices=AccessBlockKind.choices)
    unit = forms.ModelChoiceField(
        label="Enhet vars uppgifter spärras (bara för spärr inom er organisation)",
        queryset=Unit.objects.none(),
        required=False,
    )
    requested_by_person = forms.BooleanField(label="Personen har själv begärt spärren")
    reason = forms.CharField(
        label="Hur personen framförde sin begäran", max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class EndForm(forms.Form):
    reason = forms.CharField(
        label="Varför gäller skyddet inte längre?", max_length=2000, widget=forms.Textarea
    )
    confirm = forms.BooleanField(label="Jag bekräftar att skyddet ska avslutas")


class LiftForm(forms.Form):
    requested_by_person = forms.BooleanField(label="Personen har själv begärt att spärren hävs")
    reason = forms.CharField(
        label="Hur personen framförde sin begäran", max_length=2000, widget=forms.Textarea
    )
    confirm = forms.BooleanField(label="Jag bekräftar att spärren ska hävas")


def protection_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """The person page's section: the marker for all who see the person, the protections, and
    (for staff who may change the person) a link to the page and the own spärrar."""
    protections = services.protections_for(person)
    can_manage = access.can_change(request.user, person)
    return {
        "marker": PROTECTED_MARKER if protections else "",
        "protections": protections,
        "can_manage": can_manage,
        "blocks": services.blocks_for(request, person, include_lifted=False) if can_manage else [],
    }


def _person(request: HttpRequest, person_id: Any, why: str) -> Person:
    return access.get_person_for(request, person_id, why=why, change=True).survivor()


def protection(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "Skyddad identitet och spärr")
    profile = profile_of(request.user)
    organisation = profile.organisation if profile else None
    action = request.POST.get("action") if request.method == "POST" else None
    mark_form = ProtectionForm(request.POST if action == "mark" else None, prefix="skydd")
    block_form = BlockForm(
        request.POST if action == "block" else None, prefix="sparr", organisation=organisation
    )
    if action == "mark" and mark_form.is_valid():
        try:
            services.mark_protected(
                request, person, kind=mark_form.cleaned_data["kind"],
                note=mark_form.cleaned_data["note"],
            )  # fmt: skip
        except PeopleError as error:
            apply_error(mark_form, error)
        else:
            messages.success(request, "Skyddad identitet är markerad.")
            return redirect("people:protection", person_id=person.pk)
    if action == "block" and block_form.is_valid():
        data = block_form.cleaned_data
        try:
            services.record_block(
                request, person, kind=data["kind"], unit=data["unit"],
                requested_by_person=data["requested_by_person"], reason=data["reason"],
            )  # fmt: skip
        except PeopleError as error:
            if error.field == "unit_id":
                block_form.add_error("unit", error.message)
            else:
                apply_error(block_form, error)
        else:
            messages.success(request, "Spärren är registrerad.")
            return redirect("people:protection", person_id=person.pk)
    return render(
        request,
        "people/protection.html",
        {
            "person": person,
            "protections": services.protections_for(person, include_ended=True),
            "blocks": services.blocks_for(request, person),
            "organisation": organisation,
            "mark_form": mark_form,
            "block_form": block_form,
            "block_help": [(str(k.label), BLOCK_KIND_HELP[k]) for k in AccessBlockKind],
        },
    )


def end_protection(request: HttpRequest, person_id: Any, protection_id: int) -> HttpResponse:
    person = _person(request, person_id, "Avsluta skyddad identitet")
    protection_obj = IdentityProtection.objects.filter(
        pk=protection_id, person=person, ended_at__isnull=True
    ).first()
    if protection_obj is None:
        raise Http404
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_protection(
                request, person, protection_obj.pk, reason=form.cleaned_data["reason"]
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, "Skyddet är avslutat.")
            return redirect("people:protection", person_id=person.pk)
    return render(
        request,
        "people/protection_confirm.html",
        {
            "person": person,
            "form": form,
            "title": "Avsluta skyddad identitet",
            "what": protection_obj.get_kind_display(),
            "warning": "Adress, telefon och mötesplats visas då åter för andra.",
            "button": "Avsluta skyddet",
        },
    )


def lift_block(request: HttpRequest, person_id: Any, block_id: int) -> HttpResponse:
    person = _person(request, person_id, "Häva spärr")
    profile = profile_of(request.user)
    if profile is None:
        raise Http404
    block = AccessBlock.objects.filter(
        pk=block_id, person=person, organisation_id=profile.organisation_id, lifted_at__isnull=True
    ).first()
    if block is None:
        raise Http404
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_block(
                request, person, block.pk,
                requested_by_person=form.cleaned_data["requested_by_person"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, "Spärren är hävd.")
            return redirect("people:protection", person_id=person.pk)
    what = str(block.get_kind_display()) + (f": {block.unit.name}" if block.unit else "")
    return render(
        request,
        "people/protection_confirm.html",
        {
            "person": person,
            "form": form,
            "title": "Häva spärr",
            "what": what,
            "warning": "Uppgifterna blir då åter tillgängliga enligt de vanliga reglerna.",
            "button": "Häva spärren",
        },
    )
