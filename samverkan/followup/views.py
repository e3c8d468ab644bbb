"""Views of the followup app: the yearly report (page, CSV, PDF) and the revision simulation.

Thin: access and audit (access.py, audit.services.record), then report.py, exports.py,
services.py. No page here shows a person; every access is audited (no person reference:
there is no personal data in these pages).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.followup import access, charts, exports, presentation, report, services
from samverkan.followup import simulation as sim
from samverkan.followup.forms import SimulationForm, variant_fields
from samverkan.followup.models import PopulationSource, Simulation
from samverkan.rules import REGIONS, agreement_name

NO_PERSONAL_DATA = "aggregerade uppgifter, inga personuppgifter"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access.require(request, "followup.index")
    agreements = []
    for agreement in access.agreements_of(request.user):
        version = report.version_of(agreement)
        agreements.append(
            {
                "id": agreement,
                "title": version.title,
                "forum": version.forum,
                "region": REGIONS[version.region].name,
                "years": report.years_for(agreement),
            }
        )
    return render(
        request,
        "followup/index.html",
        {
            "agreements": agreements,
            "simulations": services.simulations_for(request.user)[:10],
            "examples": _examples(request),
        },
    )


def _report(request: HttpRequest, agreement: str, year: int, action: str) -> report.YearlyReport:
    obj_id = f"{agreement}/{year}"
    if agreement not in report.agreement_ids():
        raise Http404
    access.require_agreement(request, agreement, obj_id)
    if year not in report.years_for(agreement):
        raise Http404
    built = report.build(agreement, year)
    record(
        request,
        action,
        "followup.yearly_report",
        obj_id,
        why=f"Årsuppföljning {agreement_name(agreement)} {year} ({NO_PERSONAL_DATA})",
    )
    return built


@require_GET
def yearly_report(request: HttpRequest, agreement: str, year: int) -> HttpResponse:
    built = _report(request, agreement, year, Action.VIEW)
    svgs = {
        s.key: mark_safe(charts.svg(s.chart))  # our own matplotlib output, no user input
        for s in built.sections
        if s.available and s.chart is not None
    }
    return render(
        request,
        "followup/report.html",
        {
            "report": built,
            "svgs": svgs,
            "years": report.years_for(agreement),
            "note": exports.SUPPRESSION_NOTE,
        },
    )


CSV, PDF = "text/csv; charset=utf-8", "application/pdf"


def _download(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    """An export as a file to save (the yearly report's and the simulation's CSV and PDF)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def yearly_report_csv(request: HttpRequest, agreement: str, year: int) -> HttpResponse:
    built = _report(request, agreement, year, Action.EXPORT)
    return _download(exports.to_csv(built), CSV, exports.filename(built, "csv"))


@require_GET
def yearly_report_pdf(request: HttpRequest, agreement: str, year: int) -> HttpResponse:
    built = _report(request, agreement, year, Action.EXPORT)
    return _download(exports.to_pdf(built), PDF, exports.filename(built, "pdf"))


# --- simulation ------------------------------------------------------------------------------


def _examples(request: HttpRequest) -> list[sim.Example]:
    """The ready-made examples for the user's region(s)."""
    regions = access.regions_of(request.user)
    return [e for e in sim.EXAMPLES if e.region in regions]


def _initial(request: HttpRequest, regions: list[str]) -> dict[str, Any]:
    initial: dict[str, Any] = {"region": regions[0] if regions else None}
    key = request.GET.get("example")
    if key:
        try:
            example = sim.example(key)
        except KeyError:
            raise Http404 from None
        initial.update(
            {
                "name": example.name,
                "description": example.variant.get("description", ""),
                "region": example.region if example.region in regions else initial["region"],
                "date": example.date,
            }
        )
        # In the form's own words where the example is one question; else the JSON.
        fields = variant_fields(example.variant)
        if fields is None:
            changes = example.variant["changes"]
            fields = {
                "variant_json": json.dumps(example.variant, ensure_ascii=False, indent=2),
                "rule": changes[0].get("rule"),
                "op": changes[0]["op"],
            }
        initial.update(fields)
    if request.GET.get("show_rule"):  # without JavaScript: the form sent back by GET
        fields = SimulationForm.base_fields
        initial.update({k: v for k, v in request.GET.items() if k in fields})
    copy = request.GET.get("copy")
    if copy:
        saved = get_object_or_404(services.simulations_for(request.user), pk=copy)
        n = saved.population.get("n")
        initial.update(
            {
                "name": f"{saved.name} (kopia)",
                "description": saved.description,
                "region": saved.region,
            }
        )
        if saved.source == PopulationSource.DISCHARGES:
            initial["discharge_year"] = saved.population.get("year")
        else:
            initial.update(
                {
                    "date": saved.population.get("date"),
                    "source": saved.source,
                    # The county's size stays the default (an empty field), not a number.
                    "n": None if n == services.county_size(saved.region) else n,
                }
            )
        initial.update(
            variant_fields(saved.variant)
            or {"variant_json": json.dumps(saved.variant, ensure_ascii=False, indent=2)}
        )
    return initial


@require_http_methods(["GET", "POST"])
def simulation_index(request: HttpRequest) -> HttpResponse:
    access.require(request, "followup.simulation")
    regions = access.regions_of(request.user)
    if request.method == "POST":
        form = SimulationForm(request.POST, regions=regions)
        if form.is_valid() and form.variant is not None:
            data = form.cleaned_data
            spec = services.PopulationSpec(
                source=form.cases_source(),
                region=data["region"],
                date=data.get("date"),
                n=form.population_size(),
                seed=data.get("seed") or 0,
                price_year=data.get("price_year"),
                year=data.get("discharge_year"),
            )
            try:
                saved = services.run_and_save(request, form.variant, spec)
            except services.SimulationError as exc:
                form.add_problem(exc)
            else:
                messages.success(request, f"Simuleringen ”{saved.name}” är klar och sparad.")
                return redirect("followup:simulation", pk=saved.pk)
    else:
        form = SimulationForm(initial=_initial(request, regions), regions=regions)
    rule_id = form["rule"].value()
    # The default population per county the user may choose, then what they all assume.
    per_county = [presentation.population_assumptions(r) for r in regions]
    technical = ("variant_json", "n", "seed")
    return render(
        request,
        "followup/simulation_form.html",
        {
            "form": form,
            "assumptions": [lines[0] for lines in per_county] + per_county[0][1:]
            if per_county
            else [],
            "technical_open": bool(form["variant_json"].value())
            or any(form[name].errors for name in technical),
            "examples": _examples(request),
            "simulations": services.simulations_for(request.user)[:20],
            "rule": sim.rule_info(rule_id) if rule_id else None,
            "selected_parameter": form["parameter"].value(),
        },
    )


@require_GET
def rule_detail(request: HttpRequest) -> HttpResponse:
    """HTMX fragment: the chosen rule's condition, outcome and the numbers one can change."""
    access.require(request, "followup.simulation")
    info = sim.rule_info(request.GET.get("rule", ""))
    if info is not None and info.region not in access.regions_of(request.user):
        info = None
    return render(request, "followup/_rule.html", {"rule": info, "selected_parameter": ""})


def _simulation(request: HttpRequest, pk: int, action: str) -> Simulation:
    """A saved simulation of the user's region (the page and its exports alike): 403
    (audited) outside the forum's roles, 404 for another region's; the access audited."""
    access.require(request, "followup.simulation", pk)
    saved = get_object_or_404(services.simulations_for(request.user), pk=pk)
    record(
        request,
        action,
        "followup.simulation",
        saved.pk,
        why=f"Revisionssimulering ({NO_PERSONAL_DATA})",
    )
    return saved


@require_GET
def simulation_csv(request: HttpRequest, pk: int) -> HttpResponse:
    view = presentation.simulation_view(_simulation(request, pk, Action.EXPORT))
    return _download(exports.simulation_csv(view), CSV, exports.simulation_filename(view, "csv"))


@require_GET
def simulation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    view = presentation.simulation_view(_simulation(request, pk, Action.EXPORT))
    return _download(exports.simulation_pdf(view), PDF, exports.simulation_filename(view, "pdf"))


@require_GET
def simulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _simulation(request, pk, Action.VIEW)
    return render(
        request,
        "followup/simulation.html",
        {
            "view": presentation.simulation_view(saved),
            "variant_json": json.dumps(saved.variant, ensure_ascii=False, indent=2),
            "synthetic": saved.source == PopulationSource.SYNTHETIC,
            "now": timezone.now(),
        },
    )
