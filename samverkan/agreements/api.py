"""JSON API of the agreements' lifecycle. The paths are the ones these endpoints had under
/api/deviations (samverkan.api.main mounts this router there too):

    GET  /api/deviations/agreements[/{agreement}]
    POST /api/deviations/agreements/{agreement}/notices
    PUT  /api/deviations/agreements/{agreement}/settings
    GET  /api/deviations/local-points             the points jh-hemsjukvard §8.3 allows
    GET/POST /api/deviations/local-agreements     (422 `not_allowed_by_8_3` quoting §8.3)
    GET  /api/deviations/routines                 the routines matrix
    GET/POST /api/deviations/lists, GET /api/deviations/lists/{id}
    POST /api/deviations/lists/{id}/members | /sign | /fix | /variations, PUT .../items

Errors use the project's shape (samverkan.api.errors); a refusal is 403, something not
visible 404, a rule or validation error 422 with the field. Schemas: `schemas.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from samverkan.accounts.models import Organisation, Unit
from samverkan.agreements import access, selectors, services
from samverkan.agreements.local_points import ALL_POINTS
from samverkan.agreements.models import Bilaga2List, LocalAgreement
from samverkan.agreements.schemas import (
    AgreementOut,
    ItemsIn,
    ListIn,
    ListOut,
    LocalAgreementIn,
    LocalAgreementOut,
    MemberIn,
    NoticeIn,
    PointOut,
    RoutinesOut,
    SettingsIn,
    VariationIn,
)
from samverkan.api.errors import ERROR_RESPONSES, ErrorResponse
from samverkan.api.schemas import IsoDate

router = Router(tags=["Avtalsförvaltning"])

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse}


def _org(pk: int, field: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "Okänd organisation."})
    return found


def _region(request: HttpRequest) -> str:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    return region


# --- agreements ---------------------------------------------------------------------------


def _own_agreement(request: HttpRequest, agreement: str) -> str:
    region = _region(request)
    version = selectors.VERSIONS.get(agreement)
    if version is None or version.region != region:
        raise Http404
    return agreement


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **RESPONSES},
    summary="Avtalen och deras frister",
)
def agreements(request: HttpRequest, on: IsoDate | None = None) -> Any:
    return selectors.agreements_overview(on, region=_region(request))


@router.get(
    "/agreements/{agreement}", response={200: AgreementOut, **RESPONSES}, summary="Ett avtal"
)
def agreement(request: HttpRequest, agreement: str, on: IsoDate | None = None) -> Any:
    return selectors.agreement_overview(_own_agreement(request, agreement), on)


@router.post(
    "/agreements/{agreement}/notices",
    response={201: AgreementOut, **RESPONSES},
    summary="Registrera uppsägning",
)
def add_notice(request: HttpRequest, agreement: str, payload: NoticeIn) -> Any:
    agreement = _own_agreement(request, agreement)
    services.record_notice(
        request,
        agreement,
        given_by=_org(payload.given_by_id, "given_by_id"),
        given_on=payload.given_on,
        document_ref=payload.document_ref,
        confirmed=payload.confirm,
    )
    return Status(201, selectors.agreement_overview(agreement))


@router.put(
    "/agreements/{agreement}/settings",
    response={200: AgreementOut, **RESPONSES},
    summary="Påminnelser",
)
def put_settings(request: HttpRequest, agreement: str, payload: SettingsIn) -> Any:
    agreement = _own_agreement(request, agreement)
    services.update_settings(request, agreement, **payload.dict())
    return selectors.agreement_overview(agreement)


# --- local agreements and routines --------------------------------------------------------


@router.get(
    "/local-points",
    response={200: list[PointOut], **RESPONSES},
    summary="Punkter enligt §8.3 och bilagornas »om annat ej överenskommits«",
)
def local_points(request: HttpRequest) -> Any:
    return list(ALL_POINTS)


@router.get(
    "/local-agreements",
    response={200: list[LocalAgreementOut], **RESPONSES},
    summary="Lokala överenskommelser",
)
def list_local(request: HttpRequest) -> Any:
    return LocalAgreement.objects.filter(municipality__region=_region(request)).select_related(
        "municipality", "health_centre"
    )


@router.post(
    "/local-agreements",
    response={201: LocalAgreementOut, **RESPONSES},
    summary="Registrera lokal överenskommelse",
)
def add_local(request: HttpRequest, payload: LocalAgreementIn) -> Any:
    centre = (
        Unit.objects.filter(pk=payload.health_centre_id).first()
        if payload.health_centre_id
        else None
    )
    if payload.health_centre_id and centre is None:
        raise ValidationError({"health_centre_id": "Okänd hälsocentral."})
    return Status(
        201,
        services.register_local_agreement(
            request,
            point=payload.point,
            municipality=_org(payload.municipality_id, "municipality_id"),
            health_centre=centre,
            title=payload.title,
            agreed_on=payload.agreed_on,
            valid_to=payload.valid_to,
            document_ref=payload.document_ref,
        ),
    )


@router.get(
    "/routines",
    response={200: RoutinesOut, **RESPONSES},
    summary="Rutiner per hälsocentral och kommun",
)
def routines(request: HttpRequest, on: IsoDate | None = None) -> Any:
    return selectors.routines_matrix(_region(request), on)


# --- Bilaga 2 lists -----------------------------------------------------------------------


def _list(request: HttpRequest, pk: int) -> Bilaga2List:
    return get_object_or_404(Bilaga2List, pk=pk, region=_region(request))


@router.get(
    "/lists", response={200: list[ListOut], **RESPONSES}, summary="Förteckningar (bilaga 2)"
)
def list_lists(request: HttpRequest) -> Any:
    return list(selectors.lists_for(_region(request)))


@router.post("/lists", response={201: ListOut, **RESPONSES}, summary="Ny årsversion")
def create_list(request: HttpRequest, payload: ListIn) -> Any:
    return Status(
        201,
        services.create_list(request, kind=payload.kind, year=payload.year, items=payload.items),
    )


@router.get("/lists/{int:list_id}", response={200: ListOut, **RESPONSES}, summary="En förteckning")
def get_list(request: HttpRequest, list_id: int) -> Any:
    return _list(request, list_id)


@router.put(
    "/lists/{int:list_id}/items", response={200: ListOut, **RESPONSES}, summary="Ändra innehåll"
)
def put_items(request: HttpRequest, list_id: int, payload: ItemsIn) -> Any:
    return services.update_list_items(request, _list(request, list_id), payload.items)


@router.post(
    "/lists/{int:list_id}/members",
    response={200: ListOut, **RESPONSES},
    summary="Lägg till ledamot",
)
def add_member(request: HttpRequest, list_id: int, payload: MemberIn) -> Any:
    lst = _list(request, list_id)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": "Okänd användare."})
    services.add_list_member(request, lst, user)
    return lst


@router.post(
    "/lists/{int:list_id}/sign", response={200: ListOut, **RESPONSES}, summary="Underteckna"
)
def sign(request: HttpRequest, list_id: int) -> Any:
    lst = _list(request, list_id)
    services.sign_list(request, lst)
    return lst


@router.post("/lists/{int:list_id}/fix", response={200: ListOut, **RESPONSES}, summary="Fastställ")
def fix(request: HttpRequest, list_id: int) -> Any:
    return services.fix_list(request, _list(request, list_id))


@router.post(
    "/lists/{int:list_id}/variations",
    response={200: ListOut, **RESPONSES},
    summary="Lokal variation",
)
def add_variation(request: HttpRequest, list_id: int, payload: VariationIn) -> Any:
    lst = _list(request, list_id)
    services.add_local_variation(
        request,
        lst,
        municipality=_org(payload.municipality_id, "municipality_id"),
        description=payload.description,
        agreed_on=payload.agreed_on,
    )
    return lst
