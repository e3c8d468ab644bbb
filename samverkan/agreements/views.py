"""Pages of the agreements' lifecycle: the agreements and their terms, notices, reminder
settings, local agreements (§8.3), routines and Bilaga 2 lists. Thin: the services check
access, audit and validate. The addresses are the ones these pages had under /avvikelser/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan.agreements import access, selectors, services
from samverkan.agreements.citations import (
    LISTS_REVISED_YEARLY,
    LISTS_SIGNED_BY_ALL,
    LOCAL_ONLY_AT_POINTS,
    LOCAL_VARIATIONS,
)
from samverkan.agreements.forms import (
    OTHER_POINT,
    CorrectNoticeForm,
    ItemsForm,
    ListForm,
    LocalAgreementForm,
    MemberForm,
    NoticeForm,
    SettingsForm,
    VariationForm,
    WithdrawNoticeForm,
)
from samverkan.agreements.local_points import ALL_POINTS
from samverkan.agreements.models import Bilaga2List, LocalAgreement
from samverkan.agreements.revision_views import retroactive_items
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.forms import apply_errors


def _profile(request: HttpRequest) -> Any:
    profile = access.profile(request)
    if profile is None:
        record(request, Action.ACCESS_DENIED, "agreements", why="Avtal: ingen roll")
        raise PermissionDenied
    return profile


# --- agreements and their terms -----------------------------------------------------------------------


def _region(request: HttpRequest) -> str:
    return str(_profile(request).organisation.region)


def agreements(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    return render(
        request,
        "agreements/agreements.html",
        {"overviews": selectors.agreements_overview(region=region), "today": timezone.localdate()},
    )


def _agreement_context(request: HttpRequest, agreement: str, **forms: Any) -> dict[str, Any]:
    region = _region(request)
    version = selectors.VERSIONS.get(agreement)
    if version is None or version.region != region:
        raise Http404
    overview = selectors.agreement_overview(agreement)
    may_edit = access.may_keep_records(request, region)
    parties = access.parties_spoken_for(request, region)
    return {
        "o": overview,
        "may_edit": may_edit,
        "speaks_for": list(parties),
        "notice_form": forms.get("notice_form") or NoticeForm(parties=parties),
        "settings_form": forms.get("settings_form") or SettingsForm(instance=overview.settings),
        "withdraw_form": WithdrawNoticeForm(),
        "correct_form": CorrectNoticeForm(),
    }


def agreement_detail(request: HttpRequest, agreement: str) -> HttpResponse:
    return render(request, "agreements/agreement.html", _agreement_context(request, agreement))


@require_POST
def agreement_notice(request: HttpRequest, agreement: str) -> HttpResponse:
    """Two steps: the first POST shows the consequence (the day participation or the
    agreement ends) and asks to confirm; the second, with `confirm`, records the notice."""
    _own_agreement(request, agreement)
    region = _region(request)
    parties = access.parties_spoken_for(request, region)
    if not parties.exists():
        record(
            request, Action.ACCESS_DENIED, "agreements.notice", why="Avtal: företräder ingen part"
        )
        raise PermissionDenied
    form = NoticeForm(request.POST, parties=parties)
    if form.is_valid():
        try:
            services.record_notice(
                request,
                agreement,
                confirmed=request.POST.get("confirm") == "1",
                **form.cleaned_data,
            )
        except services.NoticeNeedsConfirmation as ask:
            return render(
                request,
                "agreements/notice_confirm.html",
                {"o": selectors.agreement_overview(agreement), "form": form, "c": ask.consequence},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Uppsägningen är registrerad; avtalets slut är omräknat.")
            return redirect("agreements:agreement", agreement)
    context = _agreement_context(request, agreement, notice_form=form)
    return render(request, "agreements/agreement.html", context, status=422)


def _notice_step(
    request: HttpRequest, agreement: str, pk: int, form: Any, step: Any
) -> HttpResponse:
    if form.is_valid():
        try:
            step(request, pk, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, "Ändringen är registrerad; historiken finns kvar.")
    else:
        messages.error(request, "Fyll i skälet.")
    return redirect("agreements:agreement", agreement)


def _own_agreement(request: HttpRequest, agreement: str) -> None:
    version = selectors.VERSIONS.get(agreement)
    if version is None or version.region != _region(request):
        record(request, Action.ACCESS_DENIED, "agreements", agreement, why="Avtal: annan region")
        raise Http404


@require_POST
def notice_withdraw(request: HttpRequest, agreement: str, pk: int) -> HttpResponse:
    _own_agreement(request, agreement)
    form = WithdrawNoticeForm(request.POST)
    return _notice_step(request, agreement, pk, form, services.withdraw_notice)


@require_POST
def notice_correct(request: HttpRequest, agreement: str, pk: int) -> HttpResponse:
    _own_agreement(request, agreement)
    form = CorrectNoticeForm(request.POST)
    return _notice_step(request, agreement, pk, form, services.correct_notice)


@require_POST
def agreement_settings(request: HttpRequest, agreement: str) -> HttpResponse:
    if agreement not in selectors.VERSIONS:
        raise Http404
    form = SettingsForm(request.POST, instance=selectors.settings_for(agreement))
    if form.is_valid():
        try:
            services.update_settings(request, agreement, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Påminnelserna är ändrade.")
            return redirect("agreements:agreement", agreement)
    context = _agreement_context(request, agreement, settings_form=form)
    return render(request, "agreements/agreement.html", context, status=422)


# --- local agreements and routines --------------------------------------------------------


def local_agreements(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    form = LocalAgreementForm(request.POST or None, region=region)
    refusal = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            point = data["point"]
            if point == OTHER_POINT:
                point = data["other_point"].strip() or OTHER_POINT
            try:
                services.register_local_agreement(
                    request,
                    point=point,
                    municipality=data["municipality"],
                    health_centre=data["health_centre"],
                    title=data["title"],
                    agreed_on=data["agreed_on"],
                    valid_to=data["valid_to"],
                    document_ref=data["document_ref"],
                )
            except services.LocalAgreementRefused as exc:
                refusal = exc
                status = 422
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 422
            else:
                messages.success(request, "Den lokala överenskommelsen är registrerad.")
                return redirect("agreements:local")
        else:
            status = 422
    rows = LocalAgreement.objects.filter(municipality__region=region).select_related(
        "municipality", "health_centre"
    )
    points = {p.key: p for p in ALL_POINTS}
    return render(
        request,
        "agreements/local.html",
        {
            "form": form,
            "rows": [(r, points.get(r.point)) for r in rows],
            "retro": [item for r in rows for item in retroactive_items(r.title, r.retroactive)],
            "points": ALL_POINTS,
            "refusal": refusal,
            "citation": LOCAL_ONLY_AT_POINTS,
            "may_edit": access.may_keep_records(request, region)
            and region == "jamtland-harjedalen",
        },
        status=status,
    )


def routines(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    on = timezone.localdate()
    if request.GET.get("datum"):
        with contextlib.suppress(ValueError):
            on = dt.date.fromisoformat(request.GET["datum"])
    return render(
        request,
        "agreements/routines.html",
        {
            "matrix": selectors.routines_matrix(region, on),
            "coverage": selectors.routines_coverage(region, on),
        },
    )


# --- Bilaga 2 lists -----------------------------------------------------------------------


def lists(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    form = ListForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            lst = services.create_list(request, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Ny version skapad.")
            return redirect("agreements:list_detail", lst.pk)
    return render(
        request,
        "agreements/lists.html",
        {
            "form": form,
            "lists": selectors.lists_for(),
            "may_edit": access.may_keep_records(request, region)
            and _profile(request).organisation.is_region,
            "citations": [LISTS_REVISED_YEARLY, LISTS_SIGNED_BY_ALL, LOCAL_VARIATIONS],
        },
        status=422 if form.errors else 200,
    )


def _list_context(request: HttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    region = _region(request)
    lst = get_object_or_404(Bilaga2List, pk=pk, region=region)
    members = list(lst.members.select_related("user", "organisation"))
    me = next((m for m in members if m.user_id == request.user.pk), None)
    convener = access.may_keep_records(request, region) and _profile(request).organisation.is_region
    return {
        "lst": lst,
        "members": members,
        "me": me,
        "convener": convener,
        "may_vary": access.may_keep_records(request, region),
        "variations": lst.variations.select_related("municipality"),
        "items_form": forms.get("items_form") or ItemsForm(initial={"items": lst.items}),
        "member_form": forms.get("member_form") or MemberForm(region=region),
        "variation_form": forms.get("variation_form") or VariationForm(region=region),
        "fix_errors": forms.get("fix_errors"),
        "citations": [LISTS_SIGNED_BY_ALL, LOCAL_VARIATIONS],
    }


def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "agreements/list_detail.html", _list_context(request, pk))


def _list_post(
    request: HttpRequest, pk: int, form: Any, key: str, action: Any, success: str
) -> HttpResponse:
    lst = get_object_or_404(Bilaga2List, pk=pk, region=_region(request))
    if form is None or form.is_valid():
        try:
            action(lst, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None:
                context = _list_context(request, pk, fix_errors=exc.messages)
                return render(request, "agreements/list_detail.html", context, status=422)
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("agreements:list_detail", pk)
    context = _list_context(request, pk, **{key: form})
    return render(request, "agreements/list_detail.html", context, status=422)


@require_POST
def list_items(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_post(
        request, pk, ItemsForm(request.POST), "items_form",
        lambda lst, data: services.update_list_items(request, lst, data["items"]),
        "Innehållet är ändrat; ledamöterna behöver underteckna på nytt.",
    )  # fmt: skip


@require_POST
def list_member(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_post(
        request, pk, MemberForm(request.POST, region=_region(request)), "member_form",
        lambda lst, data: services.add_list_member(request, lst, data["user"]),
        "Ledamoten är tillagd.",
    )  # fmt: skip


@require_POST
def list_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_post(
        request,
        pk,
        None,
        "",
        lambda lst, data: services.sign_list(request, lst),
        "Du har undertecknat.",
    )


@require_POST
def list_fix(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_post(
        request,
        pk,
        None,
        "",
        lambda lst, data: services.fix_list(request, lst),
        "Förteckningen är fastställd.",
    )


@require_POST
def list_variation(request: HttpRequest, pk: int) -> HttpResponse:
    return _list_post(
        request, pk, VariationForm(request.POST, region=_region(request)), "variation_form",
        lambda lst, data: services.add_local_variation(request, lst, **data),
        "Den lokala variationen är registrerad.",
    )  # fmt: skip
