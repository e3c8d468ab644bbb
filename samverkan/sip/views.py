"""SIP pages. Thin: access through `sip.access`, changes through `sip.services`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from samverkan.accounts.models import Organisation
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.audit.services import record
from samverkan.people import emergency as people_emergency
from samverkan.people.access import get_person_for, is_protected
from samverkan.sip import access, services
from samverkan.sip.emergency import emergency_sips
from samverkan.sip.forms import (
    FORMSETS,
    ConsentForm,
    EmergencyAccessForm,
    EmergencyReviewForm,
    FollowUpForm,
    InviteForm,
    LetterAnswerForm,
    LetterForm,
    MeetingForm,
    PlanForm,
    RespondForm,
    StartSipForm,
    formset_initial,
    plan_from_forms,
    plan_initial,
    plan_organisations,
    unit_choices,
)
from samverkan.sip.models import (
    Consent,
    LetterInvitation,
    Participant,
    ParticipantResponse,
    Sip,
    SipStatus,
)
from samverkan.sip.outputs import fhir_bundle_json
from samverkan.sip.plan import (
    GVB_CHECKLIST,
    PlanData,
    check_discharge,
    is_gvb_target_group,
    plan_of,
)

PAGE_SIZE = 25
MORE_ROWS = 2  # rows the "Fler rader" button adds


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _sip_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A SIP page: an invited organisation that the consent no longer covers (withdrawn or
    narrowed) is told so, with the date (403)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except access.ConsentNoLongerCovers as ended:
            return render(
                request,
                "sip/consent_withdrawn.html",
                {"withdrawn": ended.reason == access.WITHDRAWN, "since": ended.since},
                status=403,
            )

    return wrapped


# --- list and start -----------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """The SIPs the user's organisation initiated or takes part in (with consent)."""
    if access.sip_organisation(request.user) is None:
        record(request, AuditAction.ACCESS_DENIED, Sip, why="SIP-översikt")
        raise PermissionDenied
    show = request.GET.get("visa", "oppna")
    sips = (
        access.sips_visible_to(request.user)
        .select_related("person", "initiated_by_organisation", "overall_responsible_organisation")
        .prefetch_related("person__identities")
        .order_by("follow_up_date", "-created")
    )
    if show != "alla":
        sips = sips.exclude(status=SipStatus.CLOSED)
    page = Paginator(sips, PAGE_SIZE).get_page(request.GET.get("sida"))
    page.object_list = access.visible_sips(request.user, page.object_list)
    for sip in page.object_list:
        access.audit(request, AuditAction.VIEW, sip, "SIP-översikt (lista)")
    profile = profile_of(request.user)
    context = {
        "page": page,
        "show": show,
        "may_emergency": people_emergency.may_open(request.user),
        "may_review": profile is not None and profile.role in people_emergency.REVIEWER_ROLES,
    }
    return render(request, "sip/index.html", context)


def start(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Start a SIP for a person of the own organisation (or on the person's own request)."""
    person = get_person_for(request, person_id, why="Starta SIP", change=True).survivor()
    organisation = access.sip_organisation(request.user)
    if organisation is None:
        raise PermissionDenied
    agreements = services.agreements_for(organisation)
    circumstances = services.circumstances_of(person)
    if request.method == "POST":
        form = StartSipForm(request.POST, agreements=agreements)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sip = services.start_sip(
                    request,
                    person,
                    agreement=data["agreement"],
                    on_request_of_person=data["on_request_of_person"],
                    circumstances={
                        name: data[name]
                        for name in (
                            "end_of_life",
                            "discharge_from_inpatient_care",
                            "extensive_home_care",
                            "compulsory_care",
                        )
                    },
                )
            except services.SipError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request, "SIP:en är startad. Registrera personens samtycke innan du kallar."
                )
                return redirect("sip:detail", sip.pk)
    else:
        initial = {
            "agreement": services.default_agreement(organisation),
            "on_request_of_person": request.GET.get("egen_begaran") == "1",
            **circumstances,
        }
        form = StartSipForm(initial=initial, agreements=agreements)
    notes = services.notes_for(
        person,
        PlanData(**circumstances),
        organisation=organisation,
        on_request=request.GET.get("egen_begaran") == "1",
    )
    return render(request, "sip/start.html", {"form": form, "person": person, "notes": notes})


# --- the SIP page -------------------------------------------------------------------------


def _participants(sip: Sip) -> list[Participant]:
    return list(
        sip.participants.select_related("organisation", "unit", "invited_by", "responded_by")
    )


@_sip_page
def detail(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Visa SIP")
    version = sip.current_version()
    plan = plan_of(version)
    user = request.user
    own = access.sip_organisation(user)
    participants = _participants(sip)
    can_manage = access.can_manage(user, sip)
    for participant in participants:
        participant.can_respond = (  # type: ignore[attr-defined]
            own is not None and participant.organisation_id == own.pk and sip.is_open
        )
    context = {
        "sip": sip,
        "person": sip.person,
        "version": version,
        "plan": plan,
        "participants": participants,
        "consents": list(
            sip.consents.select_related("recorded_by", "withdrawn_by").prefetch_related(
                Prefetch("organisations", queryset=Organisation.objects.order_by("name"))
            )
        ),
        "has_consent": sip.active_consents().exists(),
        "letters": list(sip.letters.all()) if can_manage else [],
        "unanswered": services.unanswered(sip)
        if can_manage and sip.status in (SipStatus.DRAFT, SipStatus.INVITED)
        else [],
        "answered": sum(p.response != ParticipantResponse.PENDING for p in participants),
        "protected": is_protected(sip.person),
        "can_manage": can_manage,
        "can_edit": access.can_edit_plan(user, sip),
        "gvb_target_group": is_gvb_target_group(sip, plan),
        "activation_errors": services.check_activation(plan)
        if sip.status in (SipStatus.DRAFT, SipStatus.INVITED)
        else [],
        "discharge_errors": check_discharge(sip, plan)
        if plan.discharge_from_inpatient_care and sip.is_open
        else [],
        "agreement_label": services.agreement_label(sip.agreement),
        "notes": services.notes_for(
            sip.person,
            plan,
            organisation=sip.initiated_by_organisation,
            on_request=sip.initiated_on_request_of_person,
            read_facts=can_manage,
        ),
    }
    return render(request, "sip/detail.html", context)


def _form_errors(form: Any, error: services.SipError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    for e in error.errors:
        form.add_error(e.field if e.field in form.fields else None, e.message)


def _service_errors(request: HttpRequest, error: services.SipError) -> None:
    for e in error.errors:
        messages.error(request, e.message)


@_sip_page
def consent(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Registrera samtycke", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Registrera samtycke")
    if request.method == "POST":
        form = ConsentForm(request.POST, sip=sip)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_consent(
                    request,
                    sip,
                    given_by=data["given_by"],
                    given_by_name=data["given_by_name"],
                    given_at=data["given_at"],
                    scope=data["scope"],
                    organisations=data["organisations"],
                    note=data["note"],
                    assessed_by_name=data["assessed_by_name"],
                    assessment_reason=data["assessment_reason"],
                    provision=data["provision"],
                )
            except services.SipError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Samtycket är registrerat.")
                return redirect("sip:detail", sip.pk)
    else:
        access.audit(request, AuditAction.VIEW, sip, "Registrera samtycke")
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = ConsentForm(sip=sip, initial={"given_at": now})
    return render(request, "sip/consent.html", {"sip": sip, "person": sip.person, "form": form})


@_sip_page
def withdraw_consent(request: HttpRequest, sip_id: int, consent_id: int) -> HttpResponse:
    """Återkalla: asks first (GET, or a POST without `bekrafta=ja`), then withdraws."""
    sip = access.get_sip_for(request, sip_id, why="Återkalla samtycke", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Återkalla samtycke")
    consent = get_object_or_404(Consent, pk=consent_id, sip=sip)
    if request.method != "POST" or request.POST.get("bekrafta") != "ja":
        access.audit(request, AuditAction.VIEW, sip, "Återkalla samtycke")
        context = {"sip": sip, "person": sip.person, "consent": consent}
        return render(request, "sip/withdraw_consent.html", context)
    try:
        services.withdraw_consent(request, consent)
    except services.SipError as error:
        _service_errors(request, error)
    else:
        messages.success(request, "Samtycket är återkallat. De kallade ser inte längre planen.")
    return redirect(reverse("sip:detail", args=[sip.pk]) + "#samtycke")


@_sip_page
def invite(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Kalla till SIP", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Kalla till SIP")
    if request.method == "POST" and InviteForm.SHOW_UNITS in request.POST:
        # Without JavaScript: the form again, with the chosen organisation's units.
        chosen = request.POST.get("organisation", "")
        form = InviteForm(initial={"organisation": chosen}, sip=sip)
    elif request.method == "POST":
        form = InviteForm(request.POST, sip=sip)
        if form.is_valid():
            data = form.cleaned_data
            try:
                participant = services.invite(
                    request, sip, organisation=data["organisation"], unit=data["unit"]
                )
            except services.SipError as error:
                _form_errors(form, error)
            else:
                if participant.notified:  # type: ignore[attr-defined]
                    messages.success(
                        request,
                        "Kallelsen är skickad: den kallade enheten ser den bland sina notiser "
                        "och uppgifter.",
                    )
                else:
                    messages.warning(
                        request,
                        "Kallelsen är registrerad men har inte nått någon: ingen på den "
                        "kallade enheten använder Samverkan med en roll för SIP. Kontakta "
                        "enheten på annat sätt.",
                    )
                if not sip.active_consents().exists():
                    messages.warning(
                        request,
                        "Det finns inget samtycke ännu: de kallade ser inte planen förrän "
                        "personens samtycke är registrerat.",
                    )
                return redirect(reverse("sip:detail", args=[sip.pk]) + "#deltagare")
    else:
        access.audit(request, AuditAction.VIEW, sip, "Kalla till SIP")
        form = InviteForm(sip=sip)
    return render(request, "sip/invite.html", {"sip": sip, "person": sip.person, "form": form})


@_sip_page
def meeting(request: HttpRequest, sip_id: int) -> HttpResponse:
    """The SIP's one meeting: time, place, video link."""
    sip = access.get_sip_for(request, sip_id, why="SIP-möte", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "SIP-möte")
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_meeting(
                    request,
                    sip,
                    at=data["meeting_at"],
                    place=data["meeting_place"],
                    link=data["meeting_link"],
                )
            except services.SipError as error:
                _form_errors(form, error)
                status = 422
            else:
                messages.success(request, "Mötet är sparat. De kallade ser den nya tiden.")
                return redirect(reverse("sip:detail", args=[sip.pk]) + "#mote")
        else:
            status = 422
    else:
        access.audit(request, AuditAction.VIEW, sip, "SIP-möte")
        at = timezone.localtime(sip.meeting_at) if sip.meeting_at else None
        form = MeetingForm(
            initial={
                "meeting_at": at,
                "meeting_place": sip.meeting_place,
                "meeting_link": sip.meeting_link,
            }
        )
    context = {"sip": sip, "person": sip.person, "form": form}
    return render(request, "sip/meeting.html", context, status=status)


@_sip_page
def meeting_ics(request: HttpRequest, sip_id: int) -> HttpResponseBase:
    """The meeting as a calendar file for staff: never for a protected person."""
    sip = access.get_sip_for(request, sip_id, why="SIP-möte som kalenderfil", audit_view=False)
    if is_protected(sip.person):
        access.audit(request, AuditAction.ACCESS_DENIED, sip, "Kalenderfil: skyddad identitet")
        message = (
            "Det finns ingen kalenderfil för den här planen: personen har skyddade "
            "personuppgifter. Skriv in mötet i din kalender utan namn och plats."
        )
        return render(request, "sip/no_calendar.html", {"sip": sip, "message": message}, status=403)
    if sip.meeting_at is None:
        message = "Mötestiden är inte bestämd ännu, så det finns ingen kalenderfil."
        return render(request, "sip/no_calendar.html", {"sip": sip, "message": message}, status=409)
    access.audit(request, AuditAction.EXPORT, sip, "SIP-möte som kalenderfil")
    from samverkan.sip.ics import meeting_ics as make_ics

    response = HttpResponse(make_ics(sip), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sip-mote.ics"'
    return response


@_sip_page
def letter_new(request: HttpRequest, sip_id: int) -> HttpResponse:
    """Invite the person or a närstående by a printed letter."""
    sip = access.get_sip_for(request, sip_id, why="Kallelse per brev", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Kallelse per brev")
    status = 200
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = services.invite_by_letter(
                    request,
                    sip,
                    recipient=data["recipient"],
                    name=data["name"],
                    relation=data["relation"],
                    person_consents=data["person_consents"],
                )
            except services.SipError as error:
                _form_errors(form, error)
                status = 422
            else:
                messages.success(
                    request,
                    "Brevet är klart att skriva ut. Det skickas inte av sig självt: skriv ut "
                    "det och posta eller lämna det.",
                )
                return redirect(reverse("sip:detail", args=[sip.pk]) + f"#brev-{letter.pk}")
        else:
            status = 422
    else:
        access.audit(request, AuditAction.VIEW, sip, "Kallelse per brev")
        form = LetterForm()
    context = {
        "sip": sip,
        "person": sip.person,
        "form": form,
        "has_consent": sip.active_consents().exists(),
        "protected": is_protected(sip.person),
    }
    return render(request, "sip/letter_form.html", context, status=status)


@_sip_page
def letter_pdf(request: HttpRequest, sip_id: int, letter_id: int) -> HttpResponseBase:
    sip = access.get_sip_for(request, sip_id, why="Kallelse per brev (PDF)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Kallelse per brev (PDF)")
    letter = get_object_or_404(LetterInvitation, pk=letter_id, sip=sip)
    services.letter_printed(request, letter)
    from samverkan.sip.letters import letter_pdf as make_letter

    response = HttpResponse(make_letter(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kallelse-sip-{letter.pk}.pdf"'
    return response


@require_POST
@_sip_page
def letter_answer(request: HttpRequest, sip_id: int, letter_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Svar på brevkallelse", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Svar på brevkallelse")
    letter = get_object_or_404(LetterInvitation, pk=letter_id, sip=sip)
    form = LetterAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Välj om personen kommer eller inte.")
    else:
        try:
            services.record_letter_answer(
                request, letter, accept=form.cleaned_data["answer"] == "accept"
            )
        except services.SipError as error:
            _service_errors(request, error)
        else:
            messages.success(request, "Svaret är registrerat.")
    return redirect(reverse("sip:detail", args=[sip.pk]) + f"#brev-{letter.pk}")


@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the unit <option>s of one organisation (no personal data)."""
    # The invitation form's field is "organisation"; the plan's rows send "actions-0-organisation".
    chosen = str(
        request.GET.get("organisation")
        or next((v for k, v in request.GET.items() if k.endswith("organisation")), "")
    )
    organisation = Organisation.objects.filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    if organisation is None and request.GET.get("tomt_forst"):
        # The invitation form: no units until an organisation is chosen.
        return render(request, "sip/_unit_options.html", {"groups": [], "choose_first": True})
    groups = unit_choices([organisation] if organisation else None)[1:]
    return render(request, "sip/_unit_options.html", {"groups": groups})


@require_POST
@_sip_page
def respond(request: HttpRequest, sip_id: int, participant_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Svara på kallelse", audit_view=False)
    participant = get_object_or_404(Participant, pk=participant_id, sip=sip)
    access.require(request, access.can_respond(request.user, participant), sip, "Svara på kallelse")
    form = RespondForm(request.POST)
    htmx = _is_htmx(request)
    if form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.respond(request, participant, accept=accept, note=form.cleaned_data["note"])
        except services.SipError as error:
            _service_errors(request, error)
        else:
            if not accept:
                messages.success(request, "Du har avböjt kallelsen.")
            elif not htmx:
                messages.success(request, "Du har accepterat kallelsen.")
    if participant.response == ParticipantResponse.DECLINED:
        # Declined: the SIP is no longer this organisation's to see.
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("web:start")
            return response
        return redirect("web:start")
    if htmx:
        participant.can_respond = True  # type: ignore[attr-defined]
        return render(
            request,
            "sip/_participant.html",
            {"sip": sip, "participant": participant, "just_answered": True},
        )
    return redirect(reverse("sip:detail", args=[sip.pk]) + "#deltagare")


# --- the plan editor ----------------------------------------------------------------------


def _bind_formsets(
    request: HttpRequest, plan: PlanData | None, more: str | None = None, organisations: Any = None
) -> dict[str, BaseFormSet]:
    def kwargs(prefix: str) -> dict[str, Any]:
        narrowed = prefix in ("actions", "contacts")
        return {"form_kwargs": {"organisations": organisations}} if narrowed else {}

    if request.method == "POST":
        data = request.POST.copy()
        if more in FORMSETS:
            total = f"{more}-TOTAL_FORMS"
            data[total] = str(int(data.get(total, "0") or 0) + MORE_ROWS)
        return {p: cls(data, prefix=p, **kwargs(p)) for p, cls in FORMSETS.items()}
    initial = formset_initial(plan or PlanData())
    return {p: cls(initial=initial[p], prefix=p, **kwargs(p)) for p, cls in FORMSETS.items()}


def _with_base(request: HttpRequest, version: int) -> QueryDict:
    """The submitted data, now based on `version` (after a conflict was shown)."""
    data = request.POST.copy()
    data["base_version"] = str(version)
    return data


@_sip_page
def plan_edit(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Redigera SIP-plan", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "Redigera SIP-plan")
    current = plan_of(sip.current_version())
    conflict: services.PlanConflict | None = None
    rule_errors: list[Any] = []
    more = request.POST.get("fler") if request.method == "POST" else None
    organisations = plan_organisations(sip, current)
    formsets = _bind_formsets(request, current, more, organisations)
    if request.method == "POST":
        form = PlanForm(request.POST, organisations=organisations)
        valid = form.is_valid() and all(fs.is_valid() for fs in formsets.values())
        if valid and not more:
            plan = plan_from_forms(form, formsets)
            try:
                services.save_plan(
                    request, sip, plan, base_version=form.cleaned_data["base_version"]
                )
            except services.PlanConflict as error:
                conflict = error
                # The next save is deliberate: it starts from the version now current.
                form.data = _with_base(request, error.current_version)
            except services.SipError as error:
                rule_errors = error.errors
            else:
                messages.success(request, f"Planen är sparad som version {sip.version}.")
                return redirect("sip:detail", sip.pk)
    else:
        access.audit(request, AuditAction.VIEW, sip, "Redigera SIP-plan")
        form = PlanForm(initial=plan_initial(current, sip.version), organisations=organisations)
    status = 409 if conflict else (422 if rule_errors else 200)
    context = {
        "sip": sip,
        "person": sip.person,
        "form": form,
        "formsets": formsets,
        "conflict": conflict,
        "rule_errors": rule_errors,
        "gvb_target_group": is_gvb_target_group(sip, current)
        or bool(form.data.get("extensive_home_care") if form.is_bound else False),
        "gvb_checklist": GVB_CHECKLIST,
    }
    return render(request, "sip/plan_form.html", context, status=status)


@_sip_page
def follow_up(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Följa upp SIP", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "Följa upp SIP")
    plan = plan_of(sip.current_version())
    conflict: services.PlanConflict | None = None
    if request.method == "POST":
        form = FollowUpForm(request.POST, actions=plan.actions)
        if form.is_valid():
            try:
                services.follow_up(
                    request,
                    sip,
                    base_version=form.cleaned_data["base_version"],
                    notes=form.cleaned_data["notes"],
                    next_follow_up=form.cleaned_data["next_follow_up"],
                    action_statuses=form.action_statuses(),
                )
            except services.PlanConflict as error:
                conflict = error
                form.data = _with_base(request, error.current_version)
            except services.SipError as error:
                for e in error.errors:
                    form.add_error(None, e.message)
            else:
                messages.success(request, f"Uppföljningen är sparad som version {sip.version}.")
                return redirect("sip:detail", sip.pk)
    else:
        access.audit(request, AuditAction.VIEW, sip, "Följa upp SIP")
        form = FollowUpForm(
            actions=plan.actions,
            initial={"base_version": sip.version, "next_follow_up": plan.follow_up_date},
        )
    context = {"sip": sip, "person": sip.person, "form": form, "plan": plan, "conflict": conflict}
    return render(request, "sip/follow_up.html", context, status=409 if conflict else 200)


# --- history ------------------------------------------------------------------------------


@_sip_page
def versions(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="SIP: versionshistorik")
    rows = list(sip.versions.select_related("author", "author_organisation").order_by("-number"))
    return render(
        request, "sip/versions.html", {"sip": sip, "person": sip.person, "versions": rows}
    )


@_sip_page
def version_detail(request: HttpRequest, sip_id: int, number: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="SIP: visa version")
    version = get_object_or_404(sip.versions.select_related("author"), number=number)
    context = {
        "sip": sip,
        "person": sip.person,
        "version": version,
        "plan": plan_of(version),
        "gvb_target_group": is_gvb_target_group(sip, plan_of(version)),
    }
    return render(request, "sip/version.html", context)


@_sip_page
def compare(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="SIP: jämför versioner")
    try:
        new = int(request.GET.get("till") or sip.version)
        old = int(request.GET.get("fran") or max(new - 1, 1))
    except ValueError:
        old, new = max(sip.version - 1, 1), sip.version
    numbers = list(sip.versions.values_list("number", flat=True).order_by("number"))
    if old not in numbers or new not in numbers:
        old, new = max(sip.version - 1, 1), sip.version
    result = services.compare_versions(sip, old, new)
    context = {
        "sip": sip,
        "person": sip.person,
        "result": result,
        "numbers": numbers,
    }
    return render(request, "sip/compare.html", context)


# --- status, discharge, outputs -----------------------------------------------------------


@require_POST
@_sip_page
def change_status(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Ändra SIP-status", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Ändra SIP-status")
    wanted = request.POST.get("status")
    try:
        if wanted == SipStatus.ACTIVE:
            confirmed = (
                request.POST.getlist("obesvarade")
                if request.POST.get("bekrafta_obesvarade") == "ja"
                else []
            )
            services.activate(request, sip, confirm_unanswered=confirmed)
            messages.success(request, "Planen är fastställd.")
        elif wanted == SipStatus.CLOSED:
            services.close(request, sip)
            messages.success(request, "SIP:en är avslutad.")
        else:
            messages.error(request, "Okänd status.")
    except services.SipError as error:
        _service_errors(request, error)
    return redirect("sip:detail", sip.pk)


@require_POST
@_sip_page
def discharge(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="Klart för utskrivning", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Klart för utskrivning")
    try:
        services.approve_discharge(request, sip)
    except services.SipError as error:
        _service_errors(request, error)
    else:
        messages.success(request, "Planen är markerad klar för utskrivning.")
    return redirect(reverse("sip:detail", args=[sip.pk]) + "#utskrivning")


@_sip_page
def pdf(request: HttpRequest, sip_id: int) -> HttpResponseBase:
    sip = access.get_sip_for(request, sip_id, why="SIP som PDF", audit_view=False)
    access.audit(request, AuditAction.PRINT, sip, "SIP som PDF till personen")
    from samverkan.sip.pdf import sip_pdf  # fpdf2 is slow to import: only when asked

    response = HttpResponse(sip_pdf(sip), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sip-{sip.pk}.pdf"'
    return response


@_sip_page
def fhir(request: HttpRequest, sip_id: int) -> HttpResponseBase:
    sip = access.get_sip_for(request, sip_id, why="SIP som FHIR", audit_view=False)
    access.audit(request, AuditAction.EXPORT, sip, "SIP som FHIR-bundle")
    response = HttpResponse(fhir_bundle_json(sip), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="sip-{sip.pk}.fhir.json"'
    return response


# --- nödåtkomst ---------------------------------------------------------------------------


def _may_open_emergency(request: HttpRequest) -> None:
    if access.sip_organisation(request.user) is None or not people_emergency.may_open(request.user):
        record(
            request,
            AuditAction.ACCESS_DENIED,
            "people.emergencyaccess",
            why="Nödåtkomst: roll utan legitimation",
            process=people_emergency.PROCESS,
        )
        raise PermissionDenied


def emergency_start(request: HttpRequest) -> HttpResponse:
    """Ask for emergency access (licensed staff): number, reason, acute, confirmation."""
    _may_open_emergency(request)
    status = 200
    if request.method == "POST":
        form = EmergencyAccessForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                opened = people_emergency.open_emergency_access(
                    request,
                    data["identifier"],
                    reason=data["reason"],
                    confirmed=data["confirm"],
                    acute=data["acute"],
                )
            except people_emergency.EmergencyError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
                status = 422
            else:
                return redirect("sip:emergency_detail", opened[0].pk)
        else:
            status = 422
    else:
        form = EmergencyAccessForm()
    context = {
        "form": form,
        "provision": people_emergency.PROVISION,
        "hours": people_emergency.duration().total_seconds() / 3600,
    }
    return render(request, "sip/emergency_start.html", context, status=status)


def emergency_detail(request: HttpRequest, access_id: int) -> HttpResponse:
    """What an emergency access opens: the owner's open plans of the person, their fasta
    vårdkontakter and the participants, until it expires."""
    _may_open_emergency(request)
    try:
        granted = people_emergency.get_access_for(request, access_id)
    except people_emergency.EmergencyError as error:
        return render(request, "sip/emergency_expired.html", {"message": error.message}, status=403)
    sips = emergency_sips(request, granted)
    rows = [
        {
            "sip": sip,
            "plan": plan_of(sip.current_version()),
            "participants": _participants(sip),
        }
        for sip in sips
    ]
    context = {
        "access": granted,
        "person": granted.person,
        "rows": rows,
        "provision": people_emergency.PROVISION,
    }
    return render(request, "sip/emergency_detail.html", context)


def emergency_reviews(request: HttpRequest) -> HttpResponse:
    """The emergency accesses to the own organisation's plans waiting for review (MAS and
    chefsläkare)."""
    profile = profile_of(request.user)
    if profile is None or profile.role not in people_emergency.REVIEWER_ROLES:
        record(
            request,
            AuditAction.ACCESS_DENIED,
            "people.emergencyaccess",
            why="Granska nödåtkomst: roll saknar behörighet",
            process=people_emergency.PROCESS,
        )
        raise PermissionDenied
    rows = list(people_emergency.accesses_to_review(request.user).order_by("opened_at"))
    for row in rows:
        record(
            request,
            AuditAction.VIEW,
            "people.emergencyaccess",
            row.pk,
            person_ref=row.person.ref,
            why="Nödåtkomster att granska (lista)",
            process=people_emergency.PROCESS,
        )
    return render(request, "sip/emergency_reviews.html", {"rows": rows})


def emergency_review(request: HttpRequest, access_id: int) -> HttpResponse:
    """The data owner reviews one emergency access and closes its task."""
    granted = people_emergency.get_access_to_review(request, access_id)
    status = 200
    if request.method == "POST":
        form = EmergencyReviewForm(request.POST)
        if form.is_valid():
            try:
                people_emergency.review_emergency_access(
                    request, granted, note=form.cleaned_data["note"]
                )
            except people_emergency.EmergencyError as error:
                form.add_error("note" if error.field == "note" else None, error.message)
                status = 409 if error.status == 409 else 422
            else:
                messages.success(request, "Nödåtkomsten är granskad.")
                return redirect("sip:emergency_reviews")
        else:
            status = 422
    else:
        form = EmergencyReviewForm()
    context = {"access": granted, "person": granted.person, "form": form}
    return render(request, "sip/emergency_review.html", context, status=status)
