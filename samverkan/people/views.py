"""The people pages. Thin: every read goes through access.get_person_for (audited), every
change through services. Work without JavaScript; HTMX only swaps fragments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.people import access, services
from samverkan.people.forms import (
    AssessmentForm,
    CompleteTaskForm,
    FactForm,
    IdentityForm,
    InterventionEditForm,
    InterventionForm,
    MergeForm,
    PerformerChangeForm,
    PersonForm,
    ReviewForm,
    SearchForm,
    apply_error,
    initial_fact_value,
)
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    parse_identifier,
)
from samverkan.people.models import (
    AssessmentStatus,
    Intervention,
    Person,
    Task,
    TaskStatus,
    fact_value_display,
)
from samverkan.people.presentation import decision_view, diff_view
from samverkan.people.queue import task_title
from samverkan.people.services import PERSON_FACTS, PeopleError
from samverkan.people.views_protection import protection_context
from samverkan.rules import FACTS

SIP_BLOCK_TEMPLATE = "people/_sip_block.html"


def _sip_block_exists() -> bool:
    try:
        get_template(SIP_BLOCK_TEMPLATE)
    except TemplateDoesNotExist:
        return False
    return True


def _person(request: HttpRequest, person_id: Any, why: str, *, change: bool = False) -> Person:
    return access.get_person_for(request, person_id, why=why, change=change)


def _redirect_if_merged(person: Person, name: str = "people:detail") -> HttpResponse | None:
    if person.merged_into_id is not None:
        return redirect(name, person_id=person.survivor().pk)
    return None


def _intervention(
    request: HttpRequest, person: Person, intervention_id: int, why: str, *, change: bool = False
) -> Intervention:
    """The person's intervention in the user's reach (404 for another vårdgivare's: logged)."""
    return access.get_intervention_for(request, person, intervention_id, why=why, change=change)


# --- search and create -----------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """Person search: an exact identifier, or a name within the own organisation."""
    access.require_read_role(request, "Personsök")
    form = SearchForm(request.GET or None)
    results: list[Person] | None = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = services.search_persons(request, form.cleaned_data["q"])
    template = "people/_results.html" if request.htmx else "people/index.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "results": results,
            "can_create": access.has_write_role(request.user),
        },
    )


def ambiguous_century(request: HttpRequest, identifier: str) -> str | None:
    """The '+' reading warning (services.century_warning, shared by every path)."""
    return services.century_warning(request, identifier)


def create(request: HttpRequest) -> HttpResponse:
    """Register a person: always a declared care relation with a reason. The answer is the
    same for a number that exists where the user cannot see it as for an unknown one."""
    access.require_write_role(request, "Registrera person")
    form = PersonForm(request.POST or None)
    existing_id = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if message := ambiguous_century(request, data["identifier"]):
            form.add_error("identifier", message)
            return render(request, "people/create.html", {"form": form, "existing_id": None})
        try:
            person, _created = services.create_person(
                request,
                identifier=data["identifier"],
                id_system=data["id_system"] or None,
                given_name=data["given_name"],
                family_name=data["family_name"],
                birth_date=data["birth_date"],
                sex=data["sex"],
                home_municipality=data["home_municipality"],
                confirm_care_relation=data["confirm_care_relation"],
                reason=data["reason"],
            )
        except PeopleError as error:
            apply_error(form, error)
            existing_id = error.extra.get("person_id")
        else:
            messages.success(
                request, "Personen är registrerad med en vårdrelation till din verksamhet."
            )
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/create.html", {"form": form, "existing_id": existing_id})


# --- the person page --------------------------------------------------------------------


def _fact_rows(request: HttpRequest, person: Person) -> list[dict[str, Any]]:
    history = services.fact_history(person, request)
    rows: list[dict[str, Any]] = []
    for name in PERSON_FACTS:
        if name == "age" and person.birth_date is not None:
            continue  # shown from the birth date
        records = history.get(name, [])
        current = next((r for r in records if r.valid_to is None), None)
        rows.append(
            {
                "name": name,
                "label": FACTS[name].label,
                "current": current,
                "history": [r for r in records if r is not current],
            }
        )
    # Known facts first, in the domain model's order; unknown ones after.
    rows.sort(key=lambda row: getattr(row["current"], "value", None) is None)
    return rows


def _history_events(request: HttpRequest, person: Person) -> list[AuditEvent]:
    """The changes the user's own organisation made (another vårdgivare's work is its own)."""
    refs = [i.value for i in person.identities.all()] + [f"person:{person.pk}"]
    refs += [i.value for p in person.merged_from.all() for i in p.identities.all()]
    reach = access.reach_of(request)
    return list(
        AuditEvent.objects.filter(
            person_ref__in=refs,
            action__in=[Action.CREATE, Action.UPDATE],
            organisation_id=reach.organisation_id,
        ).select_related("user", "organisation")[:50]
    )


def detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    reveal = request.GET.get("visa") == "identiteter"
    why = "Visa identitetsnummer" if reveal else "Visa person"
    person = _person(request, person_id, why)
    if response := _redirect_if_merged(person):
        return response
    identities = list(person.identities.all())
    if request.htmx and reveal:  # type: ignore[attr-defined]
        return render(
            request,
            "people/_identities.html",
            {"person": person, "identities": identities, "reveal": True},
        )
    reach = access.reach_of(request)
    interventions = []
    for intervention in reach.interventions(person).select_related(
        "performing_organisation", "performing_unit", "ordering_organisation"
    ):
        latest = intervention.latest_decision()
        interventions.append(
            {
                "obj": intervention,
                "decision": decision_view(latest) if latest else None,
                "count": intervention.decisions.count(),
            }
        )
    user = request.user
    own = access.can_change(user, person)
    withheld = access.withhold_home_municipality(person, user)  # a protected person's kommun
    context = {
        "person": person,
        "identities": identities,
        "reveal": reveal,
        "age": services._age_on(person, timezone.localdate()),
        # The kommun is where a protected person lives: only the own vårdgivare's staff see it.
        "municipality": access.WITHHELD_TEXT
        if withheld
        else _municipality_label(person.home_municipality),
        "fact_rows": [
            row
            for row in _fact_rows(request, person)
            if not (withheld and row["name"] == "municipality")
        ],
        "interventions": interventions,
        "assessments": reach.assessments(person).select_related(
            "assessed_by", "assessed_by_organisation"
        ),
        "tasks": reach.tasks(person)
        .filter(status=TaskStatus.OPEN)
        .select_related("organisation", "unit", "intervention"),
        # Only the own vårdgivare's relations: another's says the person is its patient.
        "care_relations": person.care_relations.filter(
            organisation_id=reach.organisation_id
        ).select_related("organisation", "unit"),
        "merged_from": person.merged_from.filter(merge_shown=True),
        "history": _history_events(request, person),
        "can_change": own,
        "protection": protection_context(request, person),
        "sip_block": SIP_BLOCK_TEMPLATE if _sip_block_exists() else None,
        "licensed": bool((p := profile_of(user)) and p.is_licensed),
    }
    return render(request, "people/detail.html", context)


def _own_organisation_id(request: HttpRequest) -> Any:
    return access.reach_of(request).organisation_id


def _municipality_label(code: str) -> str:
    # As the fact table shows it: the name, without the SCB code (an identifier, not words).
    return fact_value_display("municipality", code) if code else ""


def add_identity(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "Lägg till identitet", change=True)
    if response := _redirect_if_merged(person, "people:add_identity"):
        return response
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_identity(
                request,
                person,
                form.cleaned_data["identifier"],
                form.cleaned_data["id_system"] or None,
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, "Identiteten är tillagd.")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/identity_form.html", {"person": person, "form": form})


def merge(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Merge a duplicate (e.g. the reservnummer record) into this person."""
    person = _person(request, person_id, "Sammanför personer", change=True)
    if response := _redirect_if_merged(person, "people:merge"):
        return response
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        system = form.cleaned_data["id_system"] or None
        if message := ambiguous_century(request, form.cleaned_data["identifier"]):
            form.add_error("identifier", message)
            return render(request, "people/merge.html", {"person": person, "form": form})
        try:
            parsed = parse_identifier(
                form.cleaned_data["identifier"], IdSystem(system) if system else None
            )
        except InvalidIdentifier as exc:
            form.add_error("identifier", exc.message)
        else:
            source = services.find_by_identifier(parsed)
            if source is None or not access.can_change(request.user, source):
                profile = profile_of(request.user)
                services.record_for_owners(  # the holder's log control sees the attempt
                    request,
                    Action.ACCESS_DENIED,
                    Person,
                    person_ref=source.ref if source is not None else parsed.value,
                    why="Sammanför",
                    owners=services.other_holders(source, profile.organisation_id)
                    if profile is not None
                    else [],
                )
                form.add_error(
                    "identifier", "Ingen person med det numret finns hos din organisation."
                )
            else:
                try:
                    services.merge_persons(request, source=source, target=person)
                except PeopleError as error:
                    apply_error(form, error)
                else:
                    messages.success(request, "Personerna är sammanförda.")
                    return redirect("people:detail", person_id=person.pk)
    return render(request, "people/merge.html", {"person": person, "form": form})


def set_fact(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "Ändra fakta", change=True)
    if response := _redirect_if_merged(person, "people:set_fact"):
        return response
    name = request.POST.get("name") or request.GET.get("name")
    if name not in PERSON_FACTS:
        name = None
    current = (
        access.reach_of(request)
        .facts(person)
        .filter(name=name, valid_to__isnull=True, organisation_id=_own_organisation_id(request))
        .first()
        if name
        else None
    )
    initial: dict[str, Any] = {"name": name}
    if current is not None and current.value is not None:
        value = current.value
        initial["value"] = ("true" if value else "false") if isinstance(value, bool) else value
    form = FactForm(
        request.POST if request.method == "POST" and name else None,
        fact_name=name,
        initial=initial,
    )
    if request.method == "POST" and name and form.is_valid():
        try:
            services.set_fact(
                request,
                person,
                name,
                form.value(),
                valid_from=form.cleaned_data["valid_from"],
                reason=form.cleaned_data["reason"],
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"{FACTS[name].label} är sparad.")
            return redirect(reverse("people:detail", args=[person.pk]) + "#uppgifter")
    chooser = FactForm(fact_name=None, initial={"name": name}) if not name else None
    return render(
        request,
        "people/fact_form.html",
        {
            "person": person,
            "form": form,
            "chooser": chooser,
            "fact_name": name,
            "spec": FACTS.get(name or ""),
            "current": current,
        },  # fmt: skip
    )


# --- interventions and decisions --------------------------------------------------------


def _registered_message(decision: Any) -> str:
    """What the nurse is told after saving: never "ansvaret beslutat" while facts are missing
    (issue 13: every answer read "Kan inte avgöras" under that message)."""
    if decision is None:
        return "Insatsen är registrerad."
    missing = len(decision.missing_facts or [])
    if missing:
        what = "1 uppgift saknas" if missing == 1 else f"{missing} uppgifter saknas"
        return (
            f"Insatsen är registrerad, men ansvaret kan inte avgöras än: {what}. "
            "Besvara frågorna nedan, en i taget."
        )
    return "Insatsen är registrerad och ansvaret beslutat."


def create_intervention(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "Registrera insats", change=True)
    if response := _redirect_if_merged(person, "people:create_intervention"):
        return response
    profile = profile_of(request.user)
    assert profile is not None  # get_person_for(change=True) required a role
    form = InterventionForm(
        request.POST or None,
        organisation=profile.organisation,
        initial={"start": timezone.localdate(), "performing_unit": profile.unit},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention = services.create_intervention(
                request,
                person,
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                performing_unit=data["performing_unit"],
                ordering_organisation=data["ordering_organisation"],
                status=data["status"],
                facts=form.intervention_facts(),
            )
            decision = (
                services.decide_intervention(request, intervention) if data["decide_now"] else None
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, _registered_message(decision))
            return redirect(
                "people:intervention", person_id=person.pk, intervention_id=intervention.pk
            )
    return render(request, "people/intervention_form.html", {"person": person, "form": form})


def edit_intervention(request: HttpRequest, person_id: Any, intervention_id: int) -> HttpResponse:
    """The intervention's own facts, end date and status. Decisions are not touched."""
    person = _person(request, person_id, "Ändra insats", change=True)
    if response := _redirect_if_merged(person):
        return response
    intervention = _intervention(request, person, intervention_id, "Ändra insats", change=True)
    initial: dict[str, Any] = {"end": intervention.end, "status": intervention.status}
    for name, value in (intervention.facts or {}).items():
        initial[f"fact_{name}"] = initial_fact_value(value)
    form = InterventionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_intervention(
                request,
                intervention,
                facts=form.intervention_facts(),
                end=form.cleaned_data["end"],
                status=form.cleaned_data["status"],
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(
                request, "Insatsen är ändrad. Ompröva ansvaret för att använda ändringen."
            )
            return redirect(
                "people:intervention", person_id=person.pk, intervention_id=intervention.pk
            )
    return render(
        request,
        "people/intervention_edit.html",
        {"person": person, "intervention": intervention, "form": form},
    )


def intervention_detail(request: HttpRequest, person_id: Any, intervention_id: int) -> HttpResponse:
    person = _person(request, person_id, "Visa insats och ansvarsbeslut")
    if response := _redirect_if_merged(person):
        return response
    intervention = _intervention(request, person, intervention_id, "Visa insats och ansvarsbeslut")
    reach = access.reach_of(request)
    decisions = [
        decision_view(d) for d in reach.decisions(intervention).select_related("decided_by")
    ]
    return render(
        request,
        "people/intervention.html",
        {
            "person": person,
            "intervention": intervention,
            "decisions": decisions,
            "intervention_facts": [
                (FACTS[k].label, fact_value_display(k, v))
                for k, v in (intervention.facts or {}).items()
                if k in FACTS
            ],
            "can_change": access.can_change(request.user, person)
            and reach.owns_intervention(intervention),
            "tasks": reach.tasks(person)
            .filter(intervention=intervention)
            .select_related("organisation", "unit"),
        },
    )


@require_POST
def decide(request: HttpRequest, person_id: Any, intervention_id: int) -> HttpResponse:
    """Decide (or re-decide: "Ompröva") the responsibility; a re-decision shows the diff."""
    person = _person(request, person_id, "Besluta ansvar", change=True)
    intervention = _intervention(request, person, intervention_id, "Besluta ansvar", change=True)
    try:
        current, diff = services.redecide_intervention(request, intervention)
    except PeopleError as error:
        messages.error(request, error.message)
        return redirect("people:intervention", person_id=person.pk, intervention_id=intervention.pk)
    if diff is None:
        messages.success(request, "Ansvaret är beslutat.")
        return redirect("people:intervention", person_id=person.pk, intervention_id=intervention.pk)
    return redirect("people:decision_diff", person_id=person.pk, decision_id=current.pk)


def decision_diff(request: HttpRequest, person_id: Any, decision_id: int) -> HttpResponse:
    """A decision next to the one it superseded."""
    person = _person(request, person_id, "Visa omprövning av ansvarsbeslut")
    decision = access.get_decision_for(
        request, person, decision_id, why="Visa omprövning av ansvarsbeslut"
    )
    diff = (
        diff_view(services.diff_decisions(decision.supersedes, decision))
        if decision.supersedes
        else None
    )
    return render(
        request,
        "people/decision_diff.html",
        {
            "person": person,
            "intervention": decision.intervention,
            "current": decision_view(decision),
            "previous": decision_view(decision.supersedes) if decision.supersedes else None,
            "diff": diff,
            "can_change": access.can_change(request.user, person)
            and access.reach_of(request).owns_intervention(decision.intervention),
        },
    )


# --- egenvård ----------------------------------------------------------------------------


def create_assessment(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _person(request, person_id, "Egenvårdsbedömning", change=True)
    if response := _redirect_if_merged(person, "people:create_assessment"):
        return response
    profile = profile_of(request.user)
    licensed = bool(profile and profile.is_licensed)
    intervention = None
    if request.GET.get("insats", "").isdigit() or request.POST.get("intervention", "").isdigit():
        intervention = _intervention(
            request,
            person,
            int(request.POST.get("intervention") or request.GET.get("insats") or 0),
            "Egenvårdsbedömning",
            change=True,
        )
    initial: dict[str, Any] = {}
    if intervention is not None:
        initial["intervention_kind"] = intervention.kind
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_assessment(
                request,
                person,
                intervention=intervention,
                intervention_kind=data["intervention_kind"],
                measure=data["measure"],
                result=data["result"],
                review_date=data["review_date"],
                performed_by_person_or_others=data["performed_by_person_or_others"],
                guardians=form.guardian_list(),
                notes=data["notes"],
            )
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, "Egenvårdsbedömningen är sparad.")
            return redirect(reverse("people:detail", args=[person.pk]) + "#egenvard")
    return render(
        request,
        "people/assessment_form.html",
        {"person": person, "form": form, "licensed": licensed, "intervention": intervention},
    )


def assessment_detail(request: HttpRequest, person_id: Any, assessment_id: int) -> HttpResponse:
    person = _person(request, person_id, "Visa egenvårdsbedömning")
    assessment = access.get_assessment_for(
        request, person, assessment_id, why="Visa egenvårdsbedömning"
    )
    can_change = access.can_change(request.user, person) and access.reach_of(
        request
    ).owns_assessment(assessment)
    performer_form = PerformerChangeForm(prefix="performer")
    review_form = ReviewForm(prefix="review")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if "performer-new_performer" in request.POST:
                performer_form = PerformerChangeForm(request.POST, prefix="performer")
                if performer_form.is_valid():
                    services.report_performer_change(
                        request, assessment, performer_form.cleaned_data["new_performer"]
                    )
                    messages.success(request, "Bedömningen är markerad för omprövning.")
                    return redirect(
                        "people:assessment", person_id=person.pk, assessment_id=assessment.pk
                    )
            else:
                review_form = ReviewForm(request.POST, prefix="review")
                if review_form.is_valid():
                    services.flag_assessment_for_review(
                        request, assessment, reason=review_form.cleaned_data["reason"]
                    )
                    messages.success(request, "Bedömningen är markerad för omprövning.")
                    return redirect(
                        "people:assessment", person_id=person.pk, assessment_id=assessment.pk
                    )
        except PeopleError as error:
            messages.error(request, error.message)
    return render(
        request,
        "people/assessment.html",
        {
            "person": person,
            "assessment": assessment,
            "can_change": can_change and assessment.status != AssessmentStatus.REPLACED,
            "performer_form": performer_form,
            "review_form": review_form,
        },
    )


# --- tasks ---------------------------------------------------------------------------------


def tasks(request: HttpRequest) -> HttpResponse:
    """There is one "Mina uppgifter": the start page's, where every room's tasks meet (this
    address stays for old links and bookmarks, with its filters)."""
    access.require_read_role(request, "Mina uppgifter")
    query = request.GET.urlencode()
    return HttpResponseRedirect(
        reverse("web:start") + (f"?{query}" if query else "") + "#mina-uppgifter"
    )


def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    access.require_read_role(request, "Uppgift")
    task = services.task_for_user(request, task_id)
    visible = access.can_see(request.user, task.person)
    form = CompleteTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_task(request, task, note=form.cleaned_data["note"])
        except PeopleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Uppgiften är klar.")
            return HttpResponseRedirect(reverse("web:start") + "#mina-uppgifter")
    if visible:
        access.record_view(request, task.person, "people.task", "Visa uppgift", obj_id=task.pk)
    else:
        record(request, Action.VIEW, Task, task.pk, why="Visa uppgift (utan personuppgifter)")
    return render(
        request,
        "people/task.html",
        {
            "task": task,
            "title": task_title(task),
            "visible": visible,
            "form": form,
            "can_complete": task.status == TaskStatus.OPEN and access.has_read_role(request.user),
        },  # fmt: skip
    )
