"""JSON API of the followup app (mounted at /api/followup by samverkan.api.main).

The same rules as the pages: the forum's roles only (403 otherwise, audited), the user's
region, aggregates only, "<5" for small cells (a hidden value is ``null`` with
``"hidden": true``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from samverkan.api.errors import ERROR_RESPONSES, ApiError
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.followup import access, report, services
from samverkan.followup import simulation as sim
from samverkan.followup.schemas import (
    ExampleOut,
    NamedParameterOut,
    ReportOut,
    RuleOut,
    SimulationIn,
    SimulationOut,
    SimulationSummary,
)

router = Router(tags=["Uppföljning och revisionssimulering"])


def _require(request: HttpRequest, what: str, obj_id: object = "") -> None:
    if not access.can_use(request.user):
        record(request, Action.ACCESS_DENIED, what, obj_id, why="Uppföljning (API): behörighet")
        raise ApiError(403, "forbidden", "Uppföljningen är för forumets roller.")


@router.get("/rules", response={200: list[RuleOut], **ERROR_RESPONSES})
def rules(request: HttpRequest) -> list[Any]:
    """The rules a variant can change, with their conditions and changeable numbers."""
    _require(request, "followup.rules")
    regions = access.regions_of(request.user)
    return [r for r in sim.rule_catalogue() if r.region in regions]


@router.get("/named-parameters", response={200: list[NamedParameterOut], **ERROR_RESPONSES})
def named_parameters(request: HttpRequest) -> list[Any]:
    """The agreements' named numbers of the user's region that a variant can change by name
    (``{"op": "set_parameter", "name": …, "value": …, "from": …}``), with today's value."""
    _require(request, "followup.named_parameters")
    regions = access.regions_of(request.user)
    return [p for p in sim.named_parameters() if p.region in regions]


@router.get("/examples", response={200: list[dict[str, Any]], **ERROR_RESPONSES})
def examples(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, "followup.examples")
    return [ExampleOut.dump(e) for e in sim.EXAMPLES]


@router.get("/reports/{agreement}/{year}", response={200: dict[str, Any], **ERROR_RESPONSES})
def yearly_report(request: HttpRequest, agreement: str, year: int) -> dict[str, Any]:
    """The yearly report as data: key figures and tables, small cells hidden."""
    obj_id = f"{agreement}/{year}"
    _require(request, "followup.yearly_report", obj_id)
    if agreement not in report.agreement_ids() or year not in report.years_for(agreement):
        raise HttpError(404, "not found")
    if agreement not in access.agreements_of(request.user):
        record(request, Action.ACCESS_DENIED, "followup.yearly_report", obj_id, why="Annan region")
        raise ApiError(403, "other_region", "Avtalet hör till en annan region.")
    built = report.build(agreement, year)
    record(request, Action.VIEW, "followup.yearly_report", obj_id, why="Årsuppföljning (API)")
    return ReportOut.dump(built)


@router.post("/simulations", response={201: dict[str, Any], **ERROR_RESPONSES})
def create_simulation(request: HttpRequest, payload: SimulationIn) -> Status:
    """Run a variant over synthetic or recorded cases, or the discharge question (another
    number of days after the notice of utskrivningsklar) over a year of the region's
    recorded stays, and save it."""
    _require(request, "followup.simulation")
    pop = payload.population
    if pop.region not in access.regions_of(request.user):
        raise ApiError(403, "other_region", "Länet hör inte till din region.", "population.region")
    # Refusals are SimulationErrors (core.errors.Problem) naming the field: `variant`,
    # `variant.changes.<i>.<key>` or `population.<name>`; the API's one handler answers them.
    # The discharge question (`set_discharge_days`) runs on `discharges`, a rule variant on
    # synthetic or recorded cases; the other way round is refused naming the field.
    variant = services.parse_question(payload.variant, pop.source)
    spec = services.PopulationSpec(
        pop.source,
        pop.region,
        pop.date,
        services.county_size(pop.region) if pop.n is None else pop.n,
        pop.seed,
        pop.price_year,
        pop.year,
    )
    saved = services.run_and_save(request, variant, spec)
    return Status(201, SimulationOut.dump(saved))


@router.get("/simulations", response={200: list[dict[str, Any]], **ERROR_RESPONSES})
def list_simulations(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, "followup.simulation")
    return [SimulationSummary.dump(s) for s in services.simulations_for(request.user)[:200]]


@router.get("/simulations/{sim_id}", response={200: dict[str, Any], **ERROR_RESPONSES})
def get_simulation(request: HttpRequest, sim_id: int) -> dict[str, Any]:
    _require(request, "followup.simulation", sim_id)
    saved = services.simulations_for(request.user).filter(pk=sim_id).first()
    if saved is None:
        raise HttpError(404, "not found")
    record(request, Action.VIEW, "followup.simulation", saved.pk, why="Revisionssimulering (API)")
    return SimulationOut.dump(saved)
