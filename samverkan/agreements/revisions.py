"""Revising an agreement without code: drafts, the basis of the forum's decision, the forum's
recommendation and each party's adoption (services and reads of the revision pages).

The forum that prepares revisions (SVOM in Jämtland Härjedalen, Länsledning Välfärd in
Gävleborg) drafts a revision: changed parameters, rules switched off or added, scenarios.
Before it recommends, the basis is computed and kept with the draft: the scenarios, the
conflict/gap check over a county-sized synthetic population, the revision simulation on the
synthetic population and on the recorded cases (aggregates only), the clauses affected. The
forum only recommends (jh-psykisk §10: SVOM "har ingen egen organisation, budget eller några
beslutsmandat"); each party adopts itself, and the rules learn the adoptions through
``adopted_revisions`` (registered in ``apps.py``). A draft is never in that record.

The simulation and the retroactive check need rooms above this one (the follow-up's
simulation, the people room's decisions, the purchases room's invoices): they register their
functions here (``use_simulator``, ``use_retroactive``), as this room registers its notices
with the rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Role
from samverkan.agreements import access
from samverkan.agreements.local_points import ANNEX_POINTS
from samverkan.agreements.models import Adoption, LocalAgreement, Revision, RevisionStatus
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.rules import (
    ALL_VERSIONS,
    DIMENSION_VALUES,
    DIMENSIONS,
    REGIONS,
    AdoptedRevision,
    ScenarioTextError,
    VariantError,
    check_revision_rules,
    check_revision_scope,
    generate_population,
    parse_fact_lines,
    revised_versions,
    run_scenarios,
)

#: Who drafts and recommends: the forum members of the agreement's region.
FORUM_ROLES = frozenset({Role.FORUM_MEMBER})
#: A county-sized synthetic population for the check and the simulation.
CHECK_POPULATION = 200_000

Simulator = Callable[..., dict[str, Any]]
Retroactive = Callable[..., dict[str, Any]]
_simulator: Simulator | None = None
_retroactive: Retroactive | None = None


def use_simulator(fn: Simulator | None) -> None:
    """The follow-up room's revision simulation: ``fn(actor, name, changes, *, source,
    region, date, n) -> dict`` (its saved result: aggregates, small cells suppressed)."""
    global _simulator
    _simulator = fn


def use_retroactive(fn: Retroactive | None) -> None:
    """What a past in-force date changes: ``fn(actor, revision: AdoptedRevision, party_code,
    since: date) -> {"decisions": [...], "invoices": [...]}``."""
    global _retroactive
    _retroactive = fn


class NeedsConfirmation(Exception):
    def __init__(self, consequence: Mapping[str, Any]):
        self.consequence = dict(consequence)
        super().__init__("bekräftelse krävs")


# --- who may do what -------------------------------------------------------------------------


def version_of(agreement: str) -> Any:
    return next((v for v in ALL_VERSIONS if v.agreement == agreement), None)


def may_draft(actor: Any, region: str) -> bool:
    found = access.profile(actor)
    return bool(found and found.role in FORUM_ROLES and found.organisation.region == region)


def require_forum(actor: Any, region: str, what: Any = "agreements.revision") -> None:
    if not may_draft(actor, region):
        raise access.denied(actor, what, "", "Revision: bara forumets ledamöter", status=403)


def party_code(organisation: Organisation) -> str:
    """A party as the rules name it: the region by its id, a kommun by its SCB code (a
    private provider as its huvudman)."""
    organisation = organisation.huvudman
    if organisation.kind == OrganisationKind.REGION:
        return str(organisation.region)
    return str(organisation.scb_code)


def _editable(actor: Any, revision: Revision) -> None:
    require_forum(actor, _region(revision), Revision)
    if not revision.is_draft:
        raise ValidationError("En rekommenderad revision ändras inte; gör ett nytt utkast.")


def _region(revision: Revision) -> str:
    return str(version_of(revision.agreement).region)


# --- drafts ----------------------------------------------------------------------------------


def create_draft(actor: Any, agreement: str, title: str, description: str = "") -> Revision:
    version = version_of(agreement)
    if version is None:
        raise ValidationError({"agreement": "Okänt avtal."})
    require_forum(actor, version.region)
    if not title.strip():
        raise ValidationError({"title": "Ge utkastet en rubrik."})
    revision = Revision.objects.create(
        agreement=agreement,
        title=title.strip(),
        description=description,
        created_by=access.user_of(actor),
    )
    record(actor, Action.CREATE, Revision, revision.pk, why=f"Revisionsutkast: {revision.title}")
    return revision


def _as_adopted(revision: Revision, changes: list[Any] | None = None) -> AdoptedRevision:
    return AdoptedRevision(
        str(revision.pk),
        revision.agreement,
        _region(revision),
        tuple(revision.changes if changes is None else changes),
        {},
        str(revision.pk),
    )


def add_change(actor: Any, revision: Revision, change: Mapping[str, Any], field: str) -> None:
    """Add one change (a variant change); refused, on the form's ``field``, when it does not
    apply to the agreement's rules (the rules' own message)."""
    _editable(actor, revision)
    changes = [*revision.changes, dict(change)]
    try:
        check_revision_scope(ALL_VERSIONS, revision.agreement, changes)
        revised_versions(ALL_VERSIONS, [_as_adopted(revision, changes)])
        from samverkan.rules import build

        build(revised_versions(ALL_VERSIONS, [_as_adopted(revision, changes)]), _region(revision))
    except VariantError as exc:
        raise ValidationError({field: exc.message}) from None
    except ValueError as exc:  # an added rule that makes a cycle or overrides an unknown rule
        raise ValidationError({field: str(exc)}) from None
    revision.changes = changes
    revision.save(update_fields=["changes"])
    record(actor, Action.UPDATE, Revision, revision.pk, why="Revisionsutkast: ändring tillagd")


def remove_change(actor: Any, revision: Revision, index: int) -> None:
    _editable(actor, revision)
    if not 0 <= index < len(revision.changes):
        raise ValidationError("Ändringen finns inte.")
    revision.changes = [c for i, c in enumerate(revision.changes) if i != index]
    revision.save(update_fields=["changes"])
    record(actor, Action.UPDATE, Revision, revision.pk, why="Revisionsutkast: ändring borttagen")


def add_scenario(
    actor: Any, revision: Revision, name: str, facts_text: str, dimension: str, value: str
) -> None:
    _editable(actor, revision)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Ge scenariot ett namn."
    try:
        facts = parse_fact_lines(facts_text)
    except ScenarioTextError as exc:
        errors["facts"] = f"Rad {exc.line}: {exc.message}."
        facts = {}
    if not facts and "facts" not in errors:
        errors["facts"] = "Skriv minst en uppgift, t.ex. 'Ålder: 80'."
    if dimension not in DIMENSIONS:
        errors["dimension"] = "Välj vad scenariot prövar."
    elif value not in DIMENSION_VALUES[dimension]:
        errors["value"] = "Välj ett förväntat utfall som hör till det som prövas."
    if errors:
        raise ValidationError(errors)
    scenario = {"name": name.strip(), "facts": facts, "expected": {dimension: value}}
    revision.scenarios = [*revision.scenarios, scenario]
    revision.save(update_fields=["scenarios"])
    record(actor, Action.UPDATE, Revision, revision.pk, why="Revisionsutkast: scenario tillagt")


# --- the basis of the forum's decision -------------------------------------------------------


def fingerprint(revision: Revision) -> str:
    content = json.dumps([revision.changes, revision.scenarios], sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def basis_is_current(revision: Revision) -> bool:
    return bool(revision.basis) and revision.basis_of == fingerprint(revision)


def clauses_affected(revision: Revision) -> list[str]:
    by_id = {r.id: r for v in ALL_VERSIONS for r in v.rules}
    out: list[str] = []
    for change in revision.changes:
        if change.get("op") == "add_rule":
            clause = str((change.get("rule") or {}).get("clause", ""))
        else:
            found = by_id.get(str(change.get("rule")))
            clause = found.clause if found else ""
        if clause and clause not in out:
            out.append(clause)
    return out


def prepare_basis(
    actor: Any, revision: Revision, *, n: int = CHECK_POPULATION, on: dt.date | None = None
) -> dict[str, Any]:
    """Run the draft's scenarios, the conflict/gap check and the simulations (synthetic
    county population; recorded cases, aggregated) and keep them with the draft."""
    _editable(actor, revision)
    region = _region(revision)
    day = on or timezone.localdate()
    adopted = _as_adopted(revision)
    scenarios = [asdict(s) for s in run_scenarios(adopted, revision.scenarios)]
    frame = generate_population(n, region=region, seed=0, date=day)
    check = check_revision_rules(adopted, frame)
    simulations: dict[str, Any] = {}
    notes: list[str] = []
    if _simulator is None:
        notes.append("Simuleringen finns inte i den här installationen.")
    else:
        for source in ("synthetic", "recorded"):
            simulations[source] = _simulator(
                actor,
                f"Revision {revision.pk}: {revision.title}",
                list(revision.changes),
                source=source,
                region=region,
                date=day,
                n=n,
            )
    basis = {
        "date": day.isoformat(),
        "population": n,
        "scenarios": scenarios,
        "scenarios_passed": all(s["passed"] for s in scenarios),
        "check": {
            "cases": check.cases,
            "conflicts": dict(check.conflicts),
            "undetermined": dict(check.undetermined),
            "dead_rules": list(check.dead_rules),
            "ok": check.ok,
        },
        "simulations": simulations,
        "clauses": clauses_affected(revision),
        "notes": notes,
        "prepared_by": str(access.user_of(actor)),
    }
    revision.basis = basis
    revision.basis_of = fingerprint(revision)
    revision.basis_at = timezone.now()
    revision.save(update_fields=["basis", "basis_of", "basis_at"])
    record(actor, Action.UPDATE, Revision, revision.pk, why="Revision: beslutsunderlag framtaget")
    return basis


def recommend(actor: Any, revision: Revision, *, confirmed: bool) -> Revision:
    """The forum recommends the draft to the parties: irreversible (the revision is fixed);
    only with a current basis whose scenarios pass and whose check finds no conflict."""
    _editable(actor, revision)
    if not revision.changes:
        raise ValidationError("Utkastet har inga ändringar.")
    if not basis_is_current(revision):
        raise ValidationError("Ta fram beslutsunderlaget för utkastet som det ser ut nu först.")
    if not revision.basis.get("scenarios_passed"):
        raise ValidationError("Alla scenarier måste ge det förväntade utfallet.")
    if not revision.basis.get("check", {}).get("ok"):
        raise ValidationError("Kontrollen hittade regler som säger emot varandra.")
    if not confirmed:
        raise NeedsConfirmation({"title": revision.title, "clauses": revision.basis["clauses"]})
    with transaction.atomic():
        locked = Revision.objects.select_for_update().get(pk=revision.pk)
        if not locked.is_draft:
            raise ValidationError("Revisionen är redan rekommenderad.")
        locked.status = RevisionStatus.RECOMMENDED
        locked.recommended_by = access.user_of(actor)
        locked.recommended_at = timezone.now()
        locked.save(update_fields=["status", "recommended_by", "recommended_at"])
    record(actor, Action.UPDATE, Revision, revision.pk, why="Revision rekommenderad av forumet")
    forget_revisions()
    return locked


# --- adoption by each party ------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionInput:
    party: Organisation
    body: str
    decided_on: dt.date
    diarienummer: str
    in_force_from: dt.date


def adopt(actor: Any, revision: Revision, data: AdoptionInput, *, confirmed: bool) -> Adoption:
    """Record one party's adoption: only someone who may speak for that party, only of a
    recommended revision, once per party, never backdated past today's decision. A date
    already past flags what the revision changes (``use_retroactive``)."""
    region = _region(revision)
    access.require_speaks_for(actor, data.party, Adoption, "Revision: företräder inte parten")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if revision.status != RevisionStatus.RECOMMENDED:
        errors["__all__"] = "Bara en revision som forumet har rekommenderat kan antas."
    if data.party.region != region:
        errors["party"] = "Parten är inte part i avtalet."
    elif revision.adoptions.filter(party=data.party).exists():
        errors["party"] = "Parten har redan antagit revisionen."
    if not data.body.strip():
        errors["body"] = "Ange vilket organ som beslutade (t.ex. kommunfullmäktige)."
    if not data.diarienummer.strip():
        errors["diarienummer"] = "Ange beslutets diarienummer."
    if data.decided_on > today:
        errors["decided_on"] = "Beslutsdatumet kan inte ligga i framtiden."
    if errors:
        raise ValidationError(errors)
    retroactive = data.in_force_from < today
    if not confirmed:
        raise NeedsConfirmation(
            {
                "party": data.party.name,
                "in_force_from": data.in_force_from,
                "retroactive": retroactive,
            }
        )
    with transaction.atomic():
        adoption = Adoption.objects.create(
            revision=revision,
            party=data.party,
            body=data.body.strip(),
            decided_on=data.decided_on,
            diarienummer=data.diarienummer.strip(),
            in_force_from=data.in_force_from,
            recorded_by=access.user_of(actor),
        )
        record(
            actor,
            Action.CREATE,
            Adoption,
            adoption.pk,
            why=f"Revisionen {revision.title} antagen av {data.party.name} ({data.diarienummer})",
        )
    forget_revisions()
    if retroactive and _retroactive is not None:
        adoption.retroactive = _flag_retroactive(actor, str(revision.pk), data.party, today)
        Adoption.objects.filter(pk=adoption.pk).update(retroactive=adoption.retroactive)
    return adoption


def _flag_retroactive(
    actor: Any, key: str, party: Organisation, today: dt.date, kind: str = "revision"
) -> dict[str, Any]:
    """For each kommun where this adoption brings the revision into force from a past day
    (the kommun itself, or every kommun that adopted before the region), what it changes.
    A local agreement (``kind="lokal"``) is the revision of its one kommun from the day
    agreed (``flag_local_retroactive``)."""
    assert _retroactive is not None
    found = next((r for r in adopted_revisions() if r.key == key and r.kind == kind), None)
    if found is None:
        return {}
    if party.kind == OrganisationKind.REGION:
        codes = list(REGIONS[found.region].municipalities)
    else:
        codes = [str(party.scb_code)]
    out: dict[str, Any] = {}
    for code in codes:
        since = found.from_date(code)
        if since is not None and since < today:
            out[code] = _retroactive(actor, found, code, since)
    return out


def flag_local_retroactive(actor: Any, local: LocalAgreement) -> dict[str, Any]:
    """A local agreement registered (or changed) with ``agreed_on`` already past: the same
    check an adoption from a past date runs (``use_retroactive``), for its kommun from the day
    agreed: the decisions it changes flagged with the difference, the issued invoices it would
    change listed. Nothing is changed. Kept on the local agreement (``retroactive``); empty
    when the day is not past or the point changes no answer (not an annex's "om annat ej
    överenskommits", so no revision of the rules)."""
    today = timezone.localdate()
    if _retroactive is None or local.agreed_on >= today:
        return {}
    forget_revisions()
    found = _flag_retroactive(actor, str(local.pk), local.municipality, today, kind="lokal")
    LocalAgreement.objects.filter(pk=local.pk).update(retroactive=found)
    local.retroactive = found
    return found


# --- what the rules see ----------------------------------------------------------------------

_cache: tuple[AdoptedRevision, ...] | None = None


def forget_revisions(*_: Any, **__: Any) -> None:
    global _cache
    _cache = None


def adopted_revisions() -> tuple[AdoptedRevision, ...]:
    """Every recommended revision with the parties that adopted it and their dates, in the
    order recommended: the rules' source (``use_revisions``). Drafts are never here."""
    global _cache
    if _cache is None:
        out = []
        recommended = (
            Revision.objects.filter(status=RevisionStatus.RECOMMENDED)
            .prefetch_related("adoptions__party")
            .order_by("recommended_at", "pk")
        )
        for revision in recommended:
            adoptions = list(revision.adoptions.all())
            if not adoptions:
                continue
            out.append(
                AdoptedRevision(
                    str(revision.pk),
                    revision.agreement,
                    _region(revision),
                    tuple(revision.changes),
                    {party_code(a.party): a.in_force_from for a in adoptions},
                    str(revision.pk),
                )
            )
        _cache = tuple(out) + local_revisions()
    return _cache


def local_revisions() -> tuple[AdoptedRevision, ...]:
    """Every recorded local agreement at a point an annex opens ("om annat ej
    överenskommits", `local_points.ANNEX_POINTS`) as a revision of that annex for its kommun
    alone, from the day agreed to its last day (`kind="lokal"`, version key
    `…+lokal-<id>`): its one change, `local_agreement`, sets the default rule aside and
    cites the local agreement. One registered for one hälsocentral applies only to the
    persons listed there (``health_centre``: the fact ``listed_health_centre``'s code)."""
    points = {point.key: point for point in ANNEX_POINTS}
    out = []
    rows = LocalAgreement.objects.filter(point__in=points).select_related(
        "municipality", "health_centre"
    )
    for local in rows.order_by("agreed_on", "pk"):
        point = points[local.point]
        agreement = point.clause.split(" ", 1)[0]  # the annex whose rule gives way
        change = {
            "op": "local_agreement",
            "point": local.point,
            "title": local.title,
            "reference": local.document_ref,
            "agreed_on": local.agreed_on.isoformat(),
        }
        if local.health_centre is not None:
            change["health_centre"] = local.health_centre.fact_code
            change["health_centre_name"] = local.health_centre.name
        region = str(local.municipality.region)
        out.append(
            AdoptedRevision(
                str(local.pk),
                agreement,
                region,
                (change,),
                {region: local.agreed_on, party_code(local.municipality): local.agreed_on},
                str(local.pk),
                until=local.valid_to,
                kind="lokal",
            )
        )
    return tuple(out)


def revisions_of(agreement: str) -> list[Revision]:
    return list(Revision.objects.filter(agreement=agreement).prefetch_related("adoptions__party"))


def parties_status(revision: Revision) -> list[dict[str, Any]]:
    """Each party of the agreement's region: adopted (body, date, diarienummer, from) or not."""
    region = _region(revision)
    adoptions = {a.party_id: a for a in revision.adoptions.all()}
    parties = Organisation.objects.filter(region=region).order_by("kind", "name")
    return [{"party": p, "adoption": adoptions.get(p.pk)} for p in parties]


def region_names() -> dict[str, str]:
    return {code: r.name for code, r in REGIONS.items()}


def rule_catalogue_of() -> list[Any]:
    from samverkan.rules import rule_catalogue

    return list(rule_catalogue())
