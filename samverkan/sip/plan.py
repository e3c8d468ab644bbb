"""The plan's content as plain data, the rules it must satisfy, and field-level diffs.

`PlanData` is what an editor (web form or API) submits and what a stored `PlanVersion`
reads back as (`plan_of`). `check_plan` returns every rule the plan breaks, each with a
Swedish message quoting the agreement clause. `diff` compares two plans field by field;
rows (actions, contacts, checklist items, risks) are matched by their `key`, which follows
a row from version to version.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from samverkan.accounts.models import Organisation, OrganisationKind, Unit
from samverkan.rules import clause_label, passage
from samverkan.sip.models import (
    EXTENSIVE_HOME_CARE_CHOICES,
    ActionStatus,
    AgreementContext,
    CompulsoryCare,
    Huvudman,
    Likelihood,
    PlanVersion,
    Severity,
    Sip,
)

# Gävleborg, "Vårdkedja - ansvar": the checklist (Bilaga 1) is followed before discharge.
# Bilaga 1 itself is not part of the agreement text we have; these items restate what the
# agreement's own clauses require of the care chain, each traceable to a clause.
GVB_CHECKLIST: tuple[str, ...] = (
    "Fasta vårdkontakter med tydliga ansvarsområden är utsedda",
    "Läkare på hälsocentralen med särskilt samordningsansvar är utsedd",
    "Egenvårdsbedömning är gjord enligt den länsgemensamma rutinen",
    "Ansvar som primärvården ska ta över är överlämnat från sjukhusspecialiteten",
    "Personalen är utbildad (KTC) och introducerad hos patienten",
    "Medicinteknisk utrustning, hjälpmedel och material är på plats",
    "Riskanalys enligt SKL:s mall är gjord med alla berörda vårdgivare",
    "Rutinerna i Överenskommelse för samverkan vid utskrivning är följda",
)

CLAUSE_PHYSICIAN = "jh-hemsjukvard §6.2"
CLAUSE_CHIEF_PHYSICIAN = "jh-psykisk §6.3"
CLAUSE_GVB_CHAIN = "gvb-svart-sjuka Vårdkedja - ansvar"


def _huvudman_text(organisation: Organisation) -> str:
    """What an organisation is as a huvudman, in Swedish: a private provider acts for its
    contracting region or kommun."""
    kind = "en region" if organisation.huvudman_kind == OrganisationKind.REGION else "en kommun"
    if organisation.is_private_provider:
        return f"en privat utförare åt {organisation.huvudman} ({kind})"
    return kind


def quote(clause_id: str, anchor: str) -> str:
    """The sentence of the clause that contains `anchor`, read from the agreement text."""
    paragraph = passage(clause_id, anchor)
    for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
        if anchor.casefold() in sentence.casefold():
            return sentence.strip()
    return paragraph


def cite(clause_id: str, anchor: str) -> str:
    """The clause by the name staff use ("Överenskommelsen om svårt sjuka i hemmet Vårdkedja -
    ansvar"), never its id, with the sentence that carries the rule."""
    return f"{clause_label(clause_id)}: ”{quote(clause_id, anchor)}”"


# --- data ---------------------------------------------------------------------------------


# A Swedish or international phone number as people write it: digits, spaces, hyphens,
# parentheses, one leading +; six to fifteen digits (ITU-T E.164 allows at most fifteen).
PHONE = re.compile(r"\+?(?=(?:[\s()-]*\d){6,15}[\s()-]*$)[\d\s()-]+")


@dataclass
class ActionRow:
    description: str
    huvudman: str
    organisation: Organisation
    unit: Unit | None = None
    due: dt.date | None = None
    status: str = ActionStatus.PLANNED
    key: str = ""


@dataclass
class ContactRow:
    organisation: Organisation
    name_or_role: str
    unit: Unit | None = None
    is_physician: bool = False
    responsibility: str = ""
    key: str = ""
    phone: str = ""


@dataclass
class ChecklistRow:
    text: str
    done: bool = False
    done_by: Any = None  # a user
    done_at: dt.datetime | None = None
    key: str = ""

    @property
    def done_text(self) -> str:
        """ "Ja (who)" or "Nej", for diffs."""
        if not self.done:
            return "Nej"
        return f"Ja ({_user_name(self.done_by)})" if self.done_by is not None else "Ja"


@dataclass
class RiskRow:
    risk: str
    consequence: str
    likelihood: int
    severity: int
    measures: str = ""
    owner: str = ""
    due: dt.date | None = None
    key: str = ""

    @property
    def risk_value(self) -> int:
        return int(self.likelihood) * int(self.severity)


@dataclass
class PlanData:
    goals: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    overall_responsible_organisation: Organisation | None = None
    overall_responsible_unit: Unit | None = None
    overall_responsibility_note: str = ""
    follow_up_date: dt.date | None = None
    end_of_life: bool = False
    discharge_from_inpatient_care: bool = False
    extensive_home_care: str = ""
    compulsory_care: str = ""
    chief_physician_name: str = ""
    actions: list[ActionRow] = field(default_factory=list)
    care_contacts: list[ContactRow] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)
    risks: list[RiskRow] = field(default_factory=list)
    # Notes of this version only: not carried over, not part of a diff.
    follow_up_notes: str = ""
    change_note: str = ""


def lines(text: str) -> list[str]:
    """Goals and needs are written one per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def plan_of(version: PlanVersion | None) -> PlanData:
    """The stored version as PlanData (an empty plan for None)."""
    if version is None:
        return PlanData()
    return PlanData(
        goals=list(version.goals),
        needs=list(version.needs),
        overall_responsible_organisation=version.overall_responsible_organisation,
        overall_responsible_unit=version.overall_responsible_unit,
        overall_responsibility_note=version.overall_responsibility_note,
        follow_up_date=version.follow_up_date,
        end_of_life=version.end_of_life,
        discharge_from_inpatient_care=version.discharge_from_inpatient_care,
        extensive_home_care=version.extensive_home_care,
        compulsory_care=version.compulsory_care,
        chief_physician_name=version.chief_physician_name,
        actions=[
            ActionRow(a.description, a.huvudman, a.organisation, a.unit, a.due, a.status, a.key)
            for a in version.actions.select_related("organisation", "unit")
        ],
        care_contacts=[
            ContactRow(
                c.organisation,
                c.name_or_role,
                c.unit,
                c.is_physician,
                c.responsibility,
                c.key,
                c.phone,
            )
            for c in version.care_contacts.select_related("organisation", "unit")
        ],
        checklist=[
            ChecklistRow(i.text, i.done, i.done_by, i.done_at, i.key)
            for i in version.checklist_items.select_related("done_by")
        ],
        risks=[
            RiskRow(
                r.risk, r.consequence, r.likelihood, r.severity, r.measures, r.owner, r.due, r.key
            )
            for r in version.risks.all()
        ],
        follow_up_notes=version.follow_up_notes,
        change_note=version.change_note,
    )


def is_gvb_target_group(sip: Sip, plan: PlanData) -> bool:
    """Gävleborg's target group: omfattande hälso- och sjukvårdsinsatser (respirator,
    trakeostomi, påsdialys) for a person whose SIP is made in Gävleborg."""
    in_gavleborg = (
        sip.agreement == AgreementContext.GVB_SVART_SJUKA
        or sip.initiated_by_organisation.region == "gavleborg"
    )
    return in_gavleborg and bool(plan.extensive_home_care)


# --- what the agreements say about this plan ---------------------------------------------


@dataclass(frozen=True)
class Note:
    clause: str
    text: str


def agreement_notes(
    plan: PlanData,
    *,
    on_request: bool = False,
    personal_assistance_lss: bool = False,
    in_gavleborg: bool = False,
) -> list[Note]:
    """The clauses that speak to this plan's circumstances, quoted."""
    wanted: list[tuple[bool, str, str]] = [
        (on_request, "jh-hemsjukvard §6.1", "Behovet av en plan kan också påkallas"),
        (personal_assistance_lss, "jh-hemsjukvard §7.3", "kalla till SIP"),
        (plan.end_of_life, CLAUSE_PHYSICIAN, "Vid vård i livets slutskede"),
        (
            plan.discharge_from_inpatient_care,
            CLAUSE_PHYSICIAN,
            "I samband med utskrivning från sjukhuset",
        ),
        (bool(plan.compulsory_care), CLAUSE_CHIEF_PHYSICIAN, "Chefsöverläkaren ansvarar"),
        (in_gavleborg, "gvb-svart-sjuka Överenskommelse", "fasta vårdkontakter med tydliga"),
        (
            in_gavleborg and bool(plan.extensive_home_care),
            CLAUSE_GVB_CHAIN,
            "Checklistan ska följas innan utskrivning",
        ),
        (
            in_gavleborg and bool(plan.extensive_home_care),
            CLAUSE_GVB_CHAIN,
            "riskanalys (enligt SKL s mall)",
        ),
    ]
    return [Note(clause, quote(clause, anchor)) for applies, clause, anchor in wanted if applies]


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleError:
    field: str
    code: str
    message: str


def _unit_error(unit: Unit | None, organisation: Organisation | None, where: str) -> str | None:
    if unit is not None and organisation is not None and unit.organisation_id != organisation.pk:
        return f"{where}: enheten hör inte till vald organisation."
    return None


def check_plan(plan: PlanData) -> list[RuleError]:
    """Every rule the plan breaks (empty: the plan may be saved)."""
    errors: list[RuleError] = []
    add = errors.append
    if plan.end_of_life and not any(c.is_physician for c in plan.care_contacts):
        add(
            RuleError(
                "care_contacts",
                "end_of_life_physician",
                "Vid vård i livets slutskede ska minst en fast vårdkontakt vara läkare "
                f"({cite(CLAUSE_PHYSICIAN, 'Vid vård i livets slutskede')}). "
                "Ange en fast vårdkontakt och markera att den är läkare.",
            )
        )
    if plan.compulsory_care:
        kind = CompulsoryCare(plan.compulsory_care).label
        why = cite(CLAUSE_CHIEF_PHYSICIAN, "Chefsöverläkaren ansvarar")
        if not plan.chief_physician_name.strip():
            add(
                RuleError(
                    "chief_physician_name",
                    "chief_physician_required",
                    f"Vid {kind} ska chefsöverläkaren anges som ansvarig för den samordnade "
                    f"vårdplanen ({why}).",
                )
            )
        org = plan.overall_responsible_organisation
        if org is None or org.huvudman_kind != OrganisationKind.REGION:
            add(
                RuleError(
                    "overall_responsible_organisation",
                    "chief_physician_region",
                    f"Vid {kind} har chefsöverläkaren i regionen det övergripande ansvaret: "
                    f"välj regionen som övergripande ansvarig ({why}).",
                )
            )
    message = _unit_error(
        plan.overall_responsible_unit, plan.overall_responsible_organisation, "Övergripande ansvar"
    )
    if message:
        add(RuleError("overall_responsible_unit", "unit_organisation", message))
    if plan.overall_responsible_unit and not plan.overall_responsible_organisation:
        add(
            RuleError(
                "overall_responsible_organisation",
                "required",
                "Välj organisation för det övergripande ansvaret.",
            )
        )
    for n, action in enumerate(plan.actions, start=1):
        where = f"Insats {n}"
        if not action.description.strip():
            add(RuleError(f"actions.{n}.description", "required", f"{where}: beskriv insatsen."))
        if action.huvudman != action.organisation.huvudman_kind:
            add(
                RuleError(
                    f"actions.{n}.huvudman",
                    "huvudman_organisation",
                    f"{where}: ansvarig huvudman är {Huvudman(action.huvudman).label} men "
                    f"{action.organisation} är {_huvudman_text(action.organisation)}.",
                )
            )
        message = _unit_error(action.unit, action.organisation, where)
        if message:
            add(RuleError(f"actions.{n}.unit", "unit_organisation", message))
        if action.status not in ActionStatus.values:
            add(RuleError(f"actions.{n}.status", "invalid", f"{where}: okänd status."))
    for n, contact in enumerate(plan.care_contacts, start=1):
        where = f"Fast vårdkontakt {n}"
        if not contact.name_or_role.strip():
            add(
                RuleError(
                    f"care_contacts.{n}.name_or_role",
                    "required",
                    f"{where}: ange namn eller funktion.",
                )
            )
        message = _unit_error(contact.unit, contact.organisation, where)
        if message:
            add(RuleError(f"care_contacts.{n}.unit", "unit_organisation", message))
        if contact.phone.strip() and not PHONE.fullmatch(contact.phone.strip()):
            add(
                RuleError(
                    f"care_contacts.{n}.phone",
                    "invalid_phone",
                    f"{where}: telefonnumret ska bestå av siffror (minst sex), gärna med "
                    "riktnummer, t.ex. 063-14 30 00 eller +46 63 14 30 00.",
                )
            )
    for n, risk in enumerate(plan.risks, start=1):
        where = f"Risk {n}"
        if not risk.risk.strip() or not risk.consequence.strip():
            add(RuleError(f"risks.{n}.risk", "required", f"{where}: ange risk och konsekvens."))
        if risk.likelihood not in Likelihood.values or risk.severity not in Severity.values:
            add(
                RuleError(
                    f"risks.{n}.likelihood",
                    "invalid",
                    f"{where}: sannolikhet och allvarlighetsgrad anges 1–4.",
                )
            )
    if plan.extensive_home_care not in {value for value, _ in EXTENSIVE_HOME_CARE_CHOICES}:
        add(RuleError("extensive_home_care", "invalid", "Okänd omfattande insats."))
    if plan.compulsory_care not in CompulsoryCare.values:
        add(RuleError("compulsory_care", "invalid", "Okänd form av öppen tvångsvård."))
    return errors


def check_activation(plan: PlanData) -> list[RuleError]:
    """What a plan needs before it is established (status active)."""
    errors = []
    if not plan.goals:
        errors.append(RuleError("goals", "required", "Planen behöver personens mål."))
    if not plan.actions:
        errors.append(RuleError("actions", "required", "Planen behöver minst en insats."))
    if plan.overall_responsible_organisation is None:
        errors.append(
            RuleError(
                "overall_responsible_organisation",
                "required",
                "Ange vem som har det övergripande ansvaret för planen.",
            )
        )
    if plan.follow_up_date is None:
        errors.append(RuleError("follow_up_date", "required", "Ange när planen ska följas upp."))
    return errors + check_plan(plan)


def check_discharge(sip: Sip, plan: PlanData) -> list[RuleError]:
    """What must be in place before the person is discharged from inpatient care."""
    errors = []
    if not plan.discharge_from_inpatient_care:
        errors.append(
            RuleError(
                "discharge_from_inpatient_care",
                "not_discharge",
                "Planen gäller inte utskrivning från sluten vård.",
            )
        )
        return errors
    if not any(c.organisation.huvudman_kind == OrganisationKind.REGION for c in plan.care_contacts):
        errors.append(
            RuleError(
                "care_contacts",
                "discharge_named_care_contact",
                "Vid utskrivning ska en fast vårdkontakt utses inom den öppna hälso- och "
                "sjukvården i regionen "
                f"({cite(CLAUSE_PHYSICIAN, 'I samband med utskrivning från sjukhuset')}).",
            )
        )
    if is_gvb_target_group(sip, plan):
        missing = [item.text for item in plan.checklist if not item.done]
        if not plan.checklist or missing:
            errors.append(
                RuleError(
                    "checklist",
                    "discharge_checklist",
                    "Checklistan ska följas innan utskrivning "
                    f"({cite(CLAUSE_GVB_CHAIN, 'Checklistan ska följas innan utskrivning')}). "
                    f"Kvar: {len(missing) if plan.checklist else len(GVB_CHECKLIST)} punkter.",
                )
            )
        complete = plan.risks and all(r.measures.strip() and r.owner.strip() for r in plan.risks)
        if not complete:
            errors.append(
                RuleError(
                    "risks",
                    "risk_analysis",
                    "En riskanalys enligt SKL:s mall, med åtgärd och ansvarig för varje risk, "
                    "ska vara gjord före utskrivning "
                    f"({cite(CLAUSE_GVB_CHAIN, 'riskanalys (enligt SKL s mall)')}).",
                )
            )
    return errors


# --- diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Unit):
        return value.name
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "–"
    return str(value)


def _choice(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], str]:
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, _text(value)) if value not in ("", None) else "–"


def _user_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "–"


_PLAN_FIELDS: list[tuple[str, str, Callable[[Any], str]]] = [
    ("goals", "Mina mål", _text),
    ("needs", "Behov", _text),
    ("overall_responsible_organisation", "Övergripande ansvar, organisation", _text),
    ("overall_responsible_unit", "Övergripande ansvar, enhet", _text),
    ("overall_responsibility_note", "Övergripande ansvar, vem", _text),
    ("follow_up_date", "Uppföljning senast", _text),
    ("end_of_life", "Vård i livets slutskede", _text),
    ("discharge_from_inpatient_care", "Utskrivning från sluten vård", _text),
    ("extensive_home_care", "Omfattande insatser i hemmet", _choice(EXTENSIVE_HOME_CARE_CHOICES)),
    ("compulsory_care", "Öppen tvångsvård", _choice(CompulsoryCare.choices)),
    ("chief_physician_name", "Chefsöverläkare", _text),
]

_ROW_FIELDS: dict[str, list[tuple[str, str, Callable[[Any], str]]]] = {
    "actions": [
        ("description", "beskrivning", _text),
        ("huvudman", "huvudman", _choice(Huvudman.choices)),
        ("organisation", "organisation", _text),
        ("unit", "enhet", _text),
        ("due", "klart senast", _text),
        ("status", "status", _choice(ActionStatus.choices)),
    ],
    "care_contacts": [
        ("name_or_role", "namn/funktion", _text),
        ("organisation", "organisation", _text),
        ("unit", "enhet", _text),
        ("is_physician", "läkare", _text),
        ("responsibility", "ansvarsområde", _text),
        ("phone", "telefon", _text),
    ],
    "checklist": [
        ("text", "punkt", _text),
        ("done_text", "klar", _text),
    ],
    "risks": [
        ("risk", "risk", _text),
        ("consequence", "konsekvens", _text),
        ("likelihood", "sannolikhet", _text),
        ("severity", "allvarlighetsgrad", _text),
        ("measures", "åtgärder", _text),
        ("owner", "ansvarig", _text),
        ("due", "klart senast", _text),
    ],
}
_SECTIONS = {
    "actions": ("Insatser", "Insats", "description"),
    "care_contacts": ("Fasta vårdkontakter", "Fast vårdkontakt", "name_or_role"),
    "checklist": ("Checklista före utskrivning", "Punkt", "text"),
    "risks": ("Riskanalys", "Risk", "risk"),
}


def _summary(row: Any, section: str) -> str:
    return "; ".join(
        f"{label}: {show(getattr(row, name))}" for name, label, show in _ROW_FIELDS[section]
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff(old: PlanData, new: PlanData) -> list[Change]:
    """What changed from `old` to `new`, field by field (rows matched by key)."""
    changes: list[Change] = []
    for name, label, show in _PLAN_FIELDS:
        before, after = show(getattr(old, name)), show(getattr(new, name))
        if before != after:
            changes.append(Change("Planen", label, before, after))
    for section, (title, noun, name_field) in _SECTIONS.items():
        old_rows: Sequence[Any] = getattr(old, section)
        new_rows: Sequence[Any] = getattr(new, section)
        old_by_key = {row.key: row for row in old_rows if row.key}
        new_keys = {row.key for row in new_rows if row.key}
        for row in new_rows:
            name = _short(str(getattr(row, name_field)))
            before_row = old_by_key.get(row.key) if row.key else None
            if before_row is None:
                changes.append(
                    Change(title, f"Ny: {noun.lower()} ”{name}”", "–", _summary(row, section))
                )
                continue
            for field_name, label, show in _ROW_FIELDS[section]:
                before, after = (
                    show(getattr(before_row, field_name)),
                    show(getattr(row, field_name)),
                )
                if before != after:
                    changes.append(Change(title, f"{noun} ”{name}”: {label}", before, after))
        for row in old_rows:
            if row.key not in new_keys:
                name = _short(str(getattr(row, name_field)))
                changes.append(
                    Change(
                        title, f"Borttagen: {noun.lower()} ”{name}”", _summary(row, section), "–"
                    )
                )
    return changes


def changes_as_dicts(changes: Iterable[Change]) -> list[dict[str, str]]:
    return [{f.name: getattr(change, f.name) for f in fields(Change)} for change in changes]
