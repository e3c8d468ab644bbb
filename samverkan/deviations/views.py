"""Pages: deviations and complaints, forum follow-up, disputes (the agreements' lifecycle
pages: `samverkan.agreements.views`). Thin: the services check access, audit and validate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan.accounts.models import Organisation, Role
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.errors import Problem
from samverkan.core.forms import apply_errors
from samverkan.deviations import access, disputes, reports, services
from samverkan.deviations.citations import (
    DISPUTE_CLAUSE,
    FOLLOWED_UP_IN_FORUM,
    INDIVIDUAL_FIRST,
    SHARE_COSTS,
    SPLIT_UNTIL_AGREED,
)
from samverkan.deviations.deadlines import answer_due, is_overdue
from samverkan.deviations.forms import (
    ContactForm,
    CostForm,
    DecisionForm,
    DeviationForm,
    DisputeForm,
    EscalateForm,
    FollowupForm,
    StatusForm,
)
from samverkan.deviations.models import (
    Dispute,
    Status,
)
from samverkan.rules import agreement_name

PAGE_SIZE = 30


def _profile(request: HttpRequest) -> Any:
    profile = access.profile(request)
    if profile is None:
        record(request, Action.ACCESS_DENIED, "deviations", why="Avvikelser: ingen roll")
        raise PermissionDenied
    return profile


# --- deviations ---------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile.role in access.NO_CASE_ROLES:
        target = (
            "deviations:followup"
            if profile.role in access.FOLLOWUP_ROLES
            else "agreements:agreements"
        )
        return redirect(target)
    direction = request.GET.get("riktning") or ""
    status = request.GET.get("status") or ""
    deviations = services.list_deviations(
        request,
        status=status if status in Status.values else None,
        direction=direction if direction in ("sent", "received") else None,
        serious_only=request.GET.get("allvarliga") == "1",
        search=(request.GET.get("q") or "").strip()[:100],
    )
    page = Paginator(deviations, PAGE_SIZE).get_page(request.GET.get("sida"))
    for d in page:  # the answer deadline beside each row (deviations.deadlines)
        setattr(d, "answer_due", answer_due(d))  # noqa: B010 (not a model field)
        open_ = d.status in (Status.RECEIVED, Status.INVESTIGATING)
        setattr(d, "is_overdue", open_ and is_overdue(d))  # noqa: B010
    return render(
        request,
        "deviations/index.html",
        {
            "page": page,
            "direction": direction,
            "status": status,
            "statuses": Status.choices,
            "serious_only": request.GET.get("allvarliga") == "1",
            "q": (request.GET.get("q") or "").strip()[:100],
            "contacts": services.open_contacts_for(request.user),
        },
    )


def new(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    services.ensure_case_role(request, "Avvikelse: rapportera")
    form = DeviationForm(
        request.POST or None,
        counterparts=services.counterparts(profile.organisation),
        agreements=services.agreements_for_region(profile.organisation.region),
        initial={
            "agreement": services.DEFAULT_AGREEMENT.get(profile.organisation.region),
            "person": request.GET.get("person", ""),
            "kind": request.GET.get("typ", "deviation"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = (
                services.find_person(request, data["person"], why="Avvikelse: koppla person")
                if data["person"]
                else None
            )
            deviation = services.report_deviation(
                request,
                receiving_organisation=data["receiving_organisation"],
                kind=data["kind"],
                agreement=data["agreement"],
                category=data["category"],
                severity=data["severity"],
                occurred_on=data["occurred_on"],
                occurred_time=data["occurred_time"],
                location=data["location"],
                description=data["description"],
                person=person,
                subject=data.get("subject", ""),
            )
        except Http404:
            form.add_error("person", "Personen finns inte eller är inte synlig för dig.")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = (
                "Avvikelsen är skickad till "
                if deviation.kind == "deviation"
                else "Klagomålet är vidarebefordrat till "
            )
            messages.success(request, text + str(deviation.receiving_organisation) + ".")
            return redirect("deviations:detail", deviation.pk)
    return render(request, "deviations/new.html", {"form": form})


def _detail_context(request: HttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    view = services.view_deviation(request, pk)
    return {
        "view": view,
        "d": view.deviation,
        "status_form": forms.get("status_form") or StatusForm(),
        "contact_form": ContactForm(),
        "Status": Status,
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "deviations/detail.html", _detail_context(request, pk))


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            deviation = services.change_status(
                request,
                pk,
                form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Status: {deviation.get_status_display()}.")
            return redirect("deviations:detail", pk)
    context = _detail_context(request, pk, status_form=form)
    return render(request, "deviations/detail.html", context, status=422)


@require_POST
def contact_done(request: HttpRequest, pk: int) -> HttpResponse:
    form = ContactForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    contact = services.mark_contact_done(request, pk, note=note)
    messages.success(request, "Direktkontakten är registrerad.")
    return redirect("deviations:detail", contact.deviation_id)


def followup(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile.role not in access.FOLLOWUP_ROLES:
        record(request, Action.ACCESS_DENIED, "deviations.followup", why="Avvikelser: uppföljning")
        raise PermissionDenied
    region = profile.organisation.region
    agreements = services.agreements_for_region(region)
    today = timezone.localdate()
    form = FollowupForm(
        request.GET or None,
        agreements=agreements,
        initial={"agreement": services.DEFAULT_AGREEMENT.get(region), "year": today.year},
    )
    agreement, year, days = (
        services.DEFAULT_AGREEMENT.get(region, agreements[0][0]),
        today.year,
        None,
    )
    if form.is_bound and form.is_valid():
        agreement, year, days = (
            form.cleaned_data["agreement"],
            form.cleaned_data["year"],
            form.cleaned_data["days"],
        )
    forum = profile.role == Role.FORUM_MEMBER
    result = reports.forum_followup(
        agreement,
        year,
        region=region if forum else None,
        organisation=None if forum else profile.organisation,
        days=days,
        suppress=profile.role not in (Role.CHIEF_PHYSICIAN, Role.MAS),
    )
    record(
        request,
        Action.VIEW,
        "deviations.followup",
        why=f"Avvikelser: uppföljning av {agreement_name(agreement)} {year}",
    )
    return render(
        request,
        "deviations/followup.html",
        {"form": form, "result": result, "citation": FOLLOWED_UP_IN_FORUM},
    )


# --- disputes -----------------------------------------------------------------------------


def dispute_list(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    if profile.role == Role.ADMINISTRATOR:
        raise access.denied(request, Dispute, "", "Tvister: lista", status=403)
    items = access.disputes_visible_to(request).select_related("region_party", "municipality_party")
    record(request, Action.SEARCH, Dispute, why="Tvister: lista")
    rows = [(d, disputes.current_step(d)) for d in items]
    return render(
        request,
        "deviations/disputes.html",
        {"rows": rows, "can_open": profile.role not in access.NO_CASE_ROLES},
    )


def dispute_new(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    services.ensure_case_role(request, "Tvist: öppna")
    form = DisputeForm(
        request.POST or None,
        own=profile.organisation,
        counterparts=services.counterparts(profile.organisation),
        agreements=services.agreements_for_region(profile.organisation.region),
        initial={
            "agreement": services.DEFAULT_AGREEMENT.get(profile.organisation.region),
            "facts": request.GET.get("facts", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The person first (people.access); the service completes the entered facts
            # with the person's recorded facts before the engine decides.
            person = (
                services.find_person(request, data["person"], why="Tvist: koppla person")
                if data["person"]
                else None
            )
            dispute = services.open_dispute(
                request,
                counterparty=data["counterparty"],
                question=data["question"],
                acting_organisation=data["acting_organisation"],
                acting_note=data["acting_note"],
                agreement=None if data["facts"] else data["agreement"],
                facts=data["facts"],
                person=person,
                of_principle=data["of_principle"],
            )
        except Http404:
            form.add_error("person", "Personen finns inte eller är inte synlig för dig.")
        except (ValidationError, Problem) as exc:
            apply_errors(form, exc)
        else:
            step = disputes.current_step(dispute)
            messages.success(request, f"Ärendet är öppnat och lyft till: {step.title}.")
            return redirect("deviations:dispute", dispute.pk)
    return render(
        request,
        "deviations/dispute_new.html",
        {"form": form, "citations": [INDIVIDUAL_FIRST, SHARE_COSTS, SPLIT_UNTIL_AGREED]},
    )


def _dispute_context(request: HttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    dispute = access.get_dispute_for(request, pk, why="Tvist: visa")
    party = access.is_party(request, dispute)
    person = dispute.person if party and access.person_shown(request, dispute.person) else None
    record(
        request,
        Action.VIEW,
        Dispute,
        dispute.pk,
        person_ref=person.ref if person is not None else None,
        why="Tvist: visa",
    )
    parties = Organisation.objects.filter(
        pk__in=[dispute.region_party_id, dispute.municipality_party_id]
    )
    is_open = access.is_open(dispute)
    return {
        "dispute": dispute,
        "person": person,
        "triggers": disputes.trigger_labels(dispute.trigger),
        # which facts the decision took from the person's record (values with the person)
        "recorded": disputes.recorded_facts(dispute),
        "person_hidden": dispute.person_id is not None and person is None,
        "path": disputes.escalation_path(dispute.agreement),
        "step": disputes.current_step(dispute),
        "next_step": disputes.next_step(dispute) if is_open else None,
        "ledger": disputes.ledger(dispute),
        "steps": dispute.steps.select_related("by", "organisation"),
        "may_act": is_open and party and access.may_see_cases(request),
        "may_decide": disputes.may_decide(request, dispute),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "cost_form": forms.get("cost_form") or CostForm(parties=parties),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "clause": DISPUTE_CLAUSE.get(dispute.agreement),
        "citations": [INDIVIDUAL_FIRST, SHARE_COSTS],
    }


def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "deviations/dispute.html", _dispute_context(request, pk))


def _dispute_post(
    request: HttpRequest, pk: int, form: Any, key: str, action: Any, success: str
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("deviations:dispute", pk)
    context = _dispute_context(request, pk, **{key: form})
    return render(request, "deviations/dispute.html", context, status=422)


@require_POST
def dispute_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _dispute_post(
        request,
        pk,
        EscalateForm(request.POST),
        "escalate_form",
        lambda data: services.escalate_dispute(
            request, pk, note=data["note"], of_principle=data["of_principle"]
        ),
        "Ärendet är lyft till nästa steg.",
    )


@require_POST
def dispute_cost(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = access.get_dispute_for(request, pk, why="Tvist: kostnad")
    parties = Organisation.objects.filter(
        pk__in=[dispute.region_party_id, dispute.municipality_party_id]
    )
    return _dispute_post(
        request,
        pk,
        CostForm(request.POST, parties=parties),
        "cost_form",
        lambda data: services.add_cost(request, pk, **data),
        "Kostnaden är bokförd och delas lika tills vidare.",
    )


@require_POST
def dispute_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _dispute_post(
        request,
        pk,
        DecisionForm(request.POST),
        "decision_form",
        lambda data: services.record_dispute_decision(request, pk, **data),
        "Beslutet är registrerat och reskontran reglerad.",
    )
