"""Revision pages: an agreement's revisions, one draft (changes, scenarios, basis), the
forum's recommendation and each party's adoption, both after a confirmation. Thin: the
services in ``revisions.py`` check roles, validate and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from samverkan.agreements import access
from samverkan.agreements import revisions as svc
from samverkan.agreements.models import Revision
from samverkan.agreements.revision_forms import (
    AddRuleForm,
    AdoptionForm,
    DisableForm,
    DraftForm,
    ParameterForm,
    ScenarioForm,
)
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.forms import apply_errors
from samverkan.rules import (
    ACTIONS,
    DIMENSION_VALUES,
    DIMENSIONS,
    FACTS,
    clause_label,
    municipality_name,
)


def _region(request: HttpRequest) -> str:
    found = access.profile(request)
    if found is None:
        record(request, Action.ACCESS_DENIED, "agreements.revision", why="Revision: ingen roll")
        raise PermissionDenied
    return str(found.organisation.region)


def _version(request: HttpRequest, agreement: str) -> Any:
    version = svc.version_of(agreement)
    if version is None or version.region != _region(request):
        raise Http404
    return version


def _revision(request: HttpRequest, pk: int) -> Revision:
    revision = get_object_or_404(Revision, pk=pk)
    _version(request, revision.agreement)
    return revision


def revisions(request: HttpRequest, agreement: str) -> HttpResponse:
    version = _version(request, agreement)
    form = DraftForm(request.POST or None)
    if request.method == "POST":
        svc.require_forum(request, version.region)
        if form.is_valid():
            try:
                revision = svc.create_draft(request, agreement, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("agreements:revision", pk=revision.pk)
    return render(
        request,
        "agreements/revisions.html",
        {
            "version": version,
            "revisions": svc.revisions_of(agreement),
            "form": form,
            "may_draft": svc.may_draft(request, version.region),
        },
    )


def describe(change: dict[str, Any]) -> str:
    """A change in plain Swedish (no rule ids)."""
    by_id = {r.id: r for r in svc.rule_catalogue_of()}
    op = change.get("op")
    info = by_id.get(str(change.get("rule")))
    where = f"{clause_label(info.clause)}: {info.summary or info.condition}" if info else ""
    if op == "set_parameter":
        fact = FACTS.get(str(change.get("fact")))
        values = ", ".join(
            str(v) for k, v in change.items() if k not in ("op", "rule", "kind", "fact")
        )
        return f"{where} — {fact.label if fact else ''} får värdet {values}."
    if op == "disable":
        return f"Tas bort: {where}"
    if op == "add_rule":
        rule = change.get("rule") or {}
        decides = "; ".join(
            f"{DIMENSIONS.get(d, d)}: {DIMENSION_VALUES.get(d, {}).get(v, v)}"
            for d, v in (rule.get("decides") or {}).items()
        )
        return f"Ny regel, {clause_label(str(rule.get('clause', '')))}: {rule.get('summary', '')} ({decides})"
    if op == "set_outcome":
        return f"{where} — avgör i stället {change.get('value')}."
    return "Ändring"


def _context(request: HttpRequest, revision: Revision, **forms: Any) -> dict[str, Any]:
    region = svc._region(revision)
    may_draft = svc.may_draft(request, region) and revision.is_draft
    next_id = f"{revision.agreement}.revision-{revision.pk}.rule-{len(revision.changes) + 1}"
    parties = access.parties_spoken_for(request, region)
    basis = revision.basis or {}
    return {
        "r": revision,
        "region": region,
        "may_draft": may_draft,
        "changes": [describe(c) for c in revision.changes],
        "scenarios": revision.scenarios,
        "basis": basis,
        "basis_current": svc.basis_is_current(revision),
        "clauses": [clause_label(c) for c in basis.get("clauses", [])],
        "dimension_names": DIMENSIONS,
        "parties": svc.parties_status(revision),
        "may_adopt": revision.status == "recommended" and parties.exists(),
        "parameter_form": forms.get("parameter_form")
        or ParameterForm(agreement=revision.agreement),
        "disable_form": forms.get("disable_form") or DisableForm(agreement=revision.agreement),
        "rule_form": forms.get("rule_form")
        or AddRuleForm(agreement=revision.agreement, next_id=next_id),
        "scenario_form": forms.get("scenario_form") or ScenarioForm(),
        "adoption_form": forms.get("adoption_form") or AdoptionForm(parties=parties),
        "retro": _retroactive_rows(svc.parties_status(revision)),
    }


def _difference_text(diff: dict[str, Any]) -> str:
    parts = []
    for d, (a, b) in diff.items():
        if d == "actions":  # [no longer due, now due]
            gone = ", ".join(ACTIONS.get(x, x) for x in a) or "inget"
            new = ", ".join(ACTIONS.get(x, x) for x in b) or "inget"
            parts.append(f"Att göra: {gone} → {new}")
            continue
        parts.append(
            f"{DIMENSIONS.get(d, d)}: {DIMENSION_VALUES.get(d, {}).get(str(a), a)} → "
            f"{DIMENSION_VALUES.get(d, {}).get(str(b), b)}"
        )
    return "; ".join(parts)


def retroactive_items(party: str, retroactive: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What a past in-force date changed (an adoption's or a local agreement's
    ``retroactive``), per kommun, with each difference in words."""
    return [
        {
            "party": party,
            "kommun": municipality_label(code),
            "decisions": [
                d | {"text": _difference_text(d["difference"])} for d in found.get("decisions", [])
            ],
            "invoices": [
                i | {"text": _difference_text(i["difference"])} for i in found.get("invoices", [])
            ],
        }
        for code, found in (retroactive or {}).items()
    ]


def _retroactive_rows(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for p in parties:
        adoption = p["adoption"]
        rows += retroactive_items(p["party"].name, adoption.retroactive if adoption else None)
    return rows


def municipality_label(code: str) -> str:
    try:
        return municipality_name(code)
    except KeyError:
        return code


def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(request, pk)
    return render(request, "agreements/revision.html", _context(request, revision))


@require_POST
def revision_change(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    revision = _revision(request, pk)
    svc.require_forum(request, svc._region(revision))
    next_id = f"{revision.agreement}.revision-{revision.pk}.rule-{len(revision.changes) + 1}"
    form: Any
    if kind == "parameter":
        form, name, field = (
            ParameterForm(request.POST, agreement=revision.agreement),
            "parameter_form",
            "value",
        )
    elif kind == "disable":
        form, name, field = (
            DisableForm(request.POST, agreement=revision.agreement),
            "disable_form",
            "rule",
        )
    elif kind == "rule":
        form = AddRuleForm(request.POST, agreement=revision.agreement, next_id=next_id)
        name, field = "rule_form", "summary"
    else:
        raise Http404
    if form.is_valid():
        try:
            svc.add_change(request, revision, form.change(), field)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Ändringen är tillagd. Ta fram beslutsunderlaget igen.")
            return redirect("agreements:revision", pk=revision.pk)
    return render(
        request, "agreements/revision.html", _context(request, revision, **{name: form}), status=422
    )


@require_POST
def revision_change_remove(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    revision = _revision(request, pk)
    try:
        svc.remove_change(request, revision, index)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("agreements:revision", pk=revision.pk)


@require_POST
def revision_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(request, pk)
    svc.require_forum(request, svc._region(revision))
    form = ScenarioForm(request.POST)
    if form.is_valid():
        dim, value = form.cleaned_data["expected"].split("|", 1)
        try:
            svc.add_scenario(
                request, revision, form.cleaned_data["name"], form.cleaned_data["facts"], dim, value
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Scenariot är tillagt.")
            return redirect("agreements:revision", pk=revision.pk)
    return render(
        request, "agreements/revision.html", _context(request, revision, scenario_form=form),
        status=422,
    )  # fmt: skip


@require_POST
def revision_basis(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(request, pk)
    try:
        svc.prepare_basis(request, revision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("agreements:revision", pk=revision.pk)


@require_POST
def revision_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(request, pk)
    try:
        svc.recommend(request, revision, confirmed=request.POST.get("confirm") == "1")
    except svc.NeedsConfirmation as ask:
        return render(
            request,
            "agreements/revision_confirm.html",
            {"r": revision, "step": "recommend", "c": ask.consequence, "fields": []},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Forumet har rekommenderat revisionen till parterna.")
    return redirect("agreements:revision", pk=revision.pk)


@require_POST
def revision_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    revision = _revision(request, pk)
    parties = access.parties_spoken_for(request, svc._region(revision))
    if not parties.exists():
        record(request, Action.ACCESS_DENIED, "agreements.adoption", why="Revision: ingen part")
        raise PermissionDenied
    form = AdoptionForm(request.POST, parties=parties)
    if form.is_valid():
        try:
            svc.adopt(
                request,
                revision,
                svc.AdoptionInput(**form.cleaned_data),
                confirmed=request.POST.get("confirm") == "1",
            )
        except svc.NeedsConfirmation as ask:
            return render(
                request,
                "agreements/revision_confirm.html",
                {"r": revision, "step": "adopt", "c": ask.consequence, "form": form},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Antagandet är registrerat.")
            return redirect("agreements:revision", pk=revision.pk)
    return render(
        request, "agreements/revision.html", _context(request, revision, adoption_form=form),
        status=422,
    )  # fmt: skip
