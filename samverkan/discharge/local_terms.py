"""Local discharge terms entered by the parties (Lag 2017:612 5 kap.: betalningsansvar
"from the time the parties agreed"): writes and reads.

Local discharge agreements change the counting model (cut-off hour, day zero, average days
per month) and the values; their texts are not in the project, so the parties enter them
as a version (`LocalTermsVersion`) from a date, for the whole region or one kommun. A version
is unverified until the other party confirms it (`LocalTermsConfirmation`); history is never
edited, a change is a new version from a date. The rules (`rules.discharge_terms`) check the
terms (`InvalidTerms` naming the term) and apply the latest version whose date has come,
whether it is the region's or the kommun's, over the law's defaults.

Who: the forum members and administrators of the region or of a kommun in the region
(README "Discharge from inpatient care"; the agreement is the parties' common business, no
personal data). The other party confirms: a version entered by the region is confirmed by
its kommun, one entered by a kommun by the region. A region-wide version is confirmed by
each kommun for itself (`confirmation_for`): it is verified for a kommun's stays only once
that kommun confirmed it; for the others it stays "Ej bekräftad" (it still applies from its
date, every count under it marked unconfirmed, as any unverified version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet

import samverkan.rules as rules
from samverkan.accounts.actors import ActorLike, user_of
from samverkan.accounts.models import Organisation, OrganisationKind, Role
from samverkan.accounts.services import profile_of
from samverkan.core.errors import Problem
from samverkan.discharge.models import LocalTermsConfirmation, LocalTermsVersion

TERMS_ROLES: frozenset[str] = frozenset({Role.FORUM_MEMBER, Role.ADMINISTRATOR})

#: The terms a version may set, in form order, with their Swedish names (the errors name them).
TERM_LABELS: dict[str, str] = {
    "from": "Gäller från",
    "valid_from": "Gäller från",
    "name": "Överenskommelsens namn",
    "municipality": "Kommun",
    "source": "Var texten finns",
    "cutoff": "Klockslag då ett meddelande räknas till nästa dag",
    "days_after_notice": "Dagar efter meddelandet om utskrivningsklar",
    "days_after_notice.somatic": "Dagar efter meddelandet, somatisk vård",
    "days_after_notice.psychiatric": "Dagar efter meddelandet, psykiatrisk vård",
    "count_from_day_zero": "Meddelandedagen är dag noll",
    "count_discharge_day": "Utskrivningsdagen räknas som betald dag",
    "average_days_per_month": "Genomsnittligt antal dagar per månad",
    "amount_per_day": "Belopp per vårddygn",
    "amount_per_day.somatic": "Belopp per vårddygn, somatisk vård",
    "amount_per_day.psychiatric": "Belopp per vårddygn, psykiatrisk vård",
    "local": "Villkoren",
    "on": "Gäller från",
}
TERM_KEYS = (
    "cutoff",
    "days_after_notice",
    "count_from_day_zero",
    "count_discharge_day",
    "average_days_per_month",
    "amount_per_day",
)


class LocalTermsError(Problem):
    """A refused entry or confirmation of local terms (422 unless ``status=`` says)."""


def _error(field: str | None, code: str, message: str, status: int = 422) -> LocalTermsError:
    return LocalTermsError(field, code, message, status=status)


# --- who ------------------------------------------------------------------------------------


def party_of(actor: ActorLike) -> Organisation | None:
    """The organisation the user acts for here, or None when her role owns no local terms."""
    profile = profile_of(user_of(actor))
    if profile is None or profile.role not in TERMS_ROLES:
        return None
    if profile.organisation.is_private_provider:
        return None  # the local terms are the huvudmän's agreement; it reads them only
    return profile.organisation


def regions_of(actor: ActorLike) -> list[str]:
    party = party_of(actor)
    return [party.region] if party is not None else []


def can_manage(actor: ActorLike) -> bool:
    return party_of(actor) is not None


def require_party(actor: ActorLike) -> Organisation:
    """The party the user enters local terms for; 403 `forbidden` for any other role (the
    one refusal the page and the API share, through the API's error shape)."""
    party = party_of(actor)
    if party is None:
        raise _error(None, "forbidden", "Du får inte lägga in lokala villkor.", 403)
    return party


def can_confirm(actor: ActorLike, version: LocalTermsVersion) -> bool:
    """The other party: the kommun when the region entered the version (each kommun of the
    region for itself, for a region-wide version), the region when a kommun did; never the
    one who entered it, and a party only once."""
    party = party_of(actor)
    if party is None or party.region != version.region or confirmed_by_party(version, party):
        return False
    entered = version.entered_by_organisation
    if entered.kind == OrganisationKind.REGION:
        return party.kind == OrganisationKind.MUNICIPALITY and (
            version.municipality_id is None or party.pk == version.municipality_id
        )
    return party.kind == OrganisationKind.REGION


def confirmations_of(version: LocalTermsVersion) -> list[LocalTermsConfirmation]:
    """The version's confirmations, oldest first (prefetched by `versions`)."""
    return sorted(version.confirmations.all(), key=lambda c: (c.confirmed_at, c.pk))


def confirmation_for(
    version: LocalTermsVersion, municipality_id: int | None
) -> LocalTermsConfirmation | None:
    """The confirmation that verifies the version for a kommun's stays: for a version of one
    kommun, the other party's (its only one); for a region-wide version, that kommun's own
    (None for the region as a whole, ``municipality_id`` None)."""
    found = confirmations_of(version)
    if version.municipality_id is not None:
        return found[0] if found else None
    return next((c for c in found if c.confirmed_by_organisation_id == municipality_id), None)


def municipalities_of(region: str) -> list[Organisation]:
    """The kommuner of a region (the parties that confirm a region-wide version), by name."""
    return list(
        Organisation.objects.filter(region=region, kind=OrganisationKind.MUNICIPALITY).order_by(
            "name", "pk"
        )
    )


def unconfirmed_municipalities(version: LocalTermsVersion) -> list[Organisation]:
    """The kommuner for which the version is still unverified ("Ej bekräftad")."""
    if version.municipality is not None:
        return [] if confirmations_of(version) else [version.municipality]
    done = {c.confirmed_by_organisation_id for c in confirmations_of(version)}
    return [m for m in municipalities_of(version.region) if m.pk not in done]


def is_confirmed(version: LocalTermsVersion, municipality_id: int | None = None) -> bool:
    """Verified for ``municipality_id``'s stays (`confirmation_for`); without a kommun, for
    every kommun it concerns (a region-wide version: each kommun of the region confirmed)."""
    if version.municipality_id is not None or municipality_id is not None:
        return confirmation_for(version, municipality_id) is not None
    return not unconfirmed_municipalities(version)


def confirmed_by_party(version: LocalTermsVersion, party: Organisation) -> bool:
    """The party has nothing left to confirm: its own confirmation of a region-wide
    version, or the one confirmation of a version for one kommun."""
    if version.municipality_id is None:
        return any(c.confirmed_by_organisation_id == party.pk for c in confirmations_of(version))
    return bool(confirmations_of(version))


def status_for(
    actor: ActorLike, version: LocalTermsVersion
) -> tuple[bool, LocalTermsConfirmation | None]:
    """(confirmed, the confirmation) as the reader sees the version: a kommun's reader, for
    her kommun's stays; the region's, for every kommun it concerns (the latest confirmation
    once all confirmed)."""
    reader = reader_of(actor)
    if reader is not None and reader.kind == OrganisationKind.MUNICIPALITY:
        found = confirmation_for(version, reader.pk)
        return found is not None, found
    if version.municipality_id is not None:
        found = confirmation_for(version, None)
        return found is not None, found
    confirmed = is_confirmed(version)
    every = confirmations_of(version)
    return confirmed, (every[-1] if confirmed and every else None)


# --- reads ----------------------------------------------------------------------------------


def versions(region: str, municipality: Organisation | None = None) -> QuerySet[LocalTermsVersion]:
    """The versions of a region (all, or those that apply to one kommun: the region's and
    the kommun's own), oldest first."""
    found = (
        LocalTermsVersion.objects.filter(region=region)
        .select_related("municipality", "entered_by_organisation")
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=LocalTermsConfirmation.objects.select_related("confirmed_by_organisation"),
            )
        )
    )
    if municipality is not None:
        found = found.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    return found.order_by("valid_from", "pk")


def as_rules(version: LocalTermsVersion, municipality_id: int | None = None) -> dict[str, Any]:
    """One version as ``rules.discharge_terms`` takes it for a kommun's stays (verified =
    confirmed for that kommun, `is_confirmed`)."""
    return {
        "from": version.valid_from,
        "name": version.name,
        "source": version.source or None,
        "verified": is_confirmed(version, municipality_id),
        **version.terms,
    }


def local_for(region: str, municipality: Organisation | None) -> list[dict[str, Any]]:
    """The local versions that govern a kommun's stays, for ``rules.stay_terms``,
    ``rules.payment_days_by_notice`` and ``rules.discharge_terms`` (empty: the law)."""
    if municipality is None:
        return [as_rules(v) for v in versions(region).filter(municipality__isnull=True)]
    return [as_rules(v, municipality.pk) for v in versions(region, municipality)]


def local_by_municipality(region: str) -> dict[int | None, list[dict[str, Any]]]:
    """``local_for`` for every kommun of the region (key None: the region's versions, for a
    stay without a kommun of the region); only the key None when there is no version. A
    region-wide version is verified per kommun, so every kommun has its own list."""
    all_versions = list(versions(region))
    out: dict[int | None, list[dict[str, Any]]] = {
        None: [as_rules(v) for v in all_versions if v.municipality_id is None]
    }
    if not all_versions:
        return out
    for kommun in municipalities_of(region):
        own = [v for v in all_versions if v.municipality_id in (None, kommun.pk)]
        out[kommun.pk] = [as_rules(v, kommun.pk) for v in own]
    return out


def reader_of(actor: ActorLike) -> Organisation | None:
    """The organisation whose region's terms the user may read: a party (forum member,
    administrator) or a discharge role (who works by the terms); None: no access."""
    from samverkan.discharge.access import discharge_organisation

    return party_of(actor) or discharge_organisation(user_of(actor))


def require_reader(actor: ActorLike) -> Organisation:
    """`reader_of`, or 403 `forbidden` for a role that neither owns nor works by the terms."""
    reader = reader_of(actor)
    if reader is None:
        raise _error(None, "forbidden", "Du får inte se de lokala villkoren.", 403)
    return reader


def visible_versions(actor: ActorLike) -> QuerySet[LocalTermsVersion]:
    """The versions the user may see: those of her organisation's region (none without a
    role that owns or works by local terms)."""
    reader = reader_of(actor)
    if reader is None:
        return LocalTermsVersion.objects.none()
    return versions(reader.region)


def get_version_for(actor: ActorLike, version_id: int) -> LocalTermsVersion:
    """One version for the user: 403 without a role that owns or works by local terms, 404
    outside her region (or no such version)."""
    require_reader(actor)
    found = (
        visible_versions(actor).filter(pk=version_id).first() if 0 < version_id < 2**63 else None
    )
    if found is None:
        raise _error(None, "not_found", "Versionen finns inte.", 404)
    return found


def in_force(region: str, municipality: Organisation | None, on: dt.date) -> dict[str, Any] | None:
    """The local version (as ``as_rules``) that governs a kommun's stays counted on ``on``:
    the latest one whose date has come, the region's or the kommun's own; None: the law."""
    return version_on(local_for(region, municipality), on)


def version_on(local: list[dict[str, Any]], on: dt.date) -> dict[str, Any] | None:
    """Of ``local_for``'s versions, the one in force on ``on`` (as the rules choose it)."""
    chosen = None
    for version in local:
        if version["from"] <= on and (chosen is None or version["from"] >= chosen["from"]):
            chosen = version
    return chosen


def _yes_no(value: Any) -> str:
    return "ja" if value else "nej"


def _per_care(value: Any, unit: str) -> str:
    if isinstance(value, Mapping):
        names = {"somatic": "somatisk vård", "psychiatric": "psykiatrisk vård"}
        return ", ".join(f"{names.get(k, k)} {v} {unit}" for k, v in value.items())
    return f"{value} {unit}"


def describe(terms: Mapping[str, Any]) -> list[str]:
    """A version's terms in plain Swedish, one line per term it sets (the others: the law)."""
    lines = []
    if "days_after_notice" in terms:
        lines.append(
            "Dagar efter meddelandet innan betalningsansvaret börjar: "
            + _per_care(terms["days_after_notice"], "dagar")
        )
    if terms.get("cutoff"):
        lines.append(f"Meddelanden från klockan {terms['cutoff']} räknas till nästa dag")
    if "count_from_day_zero" in terms:
        lines.append(f"Meddelandedagen är dag noll: {_yes_no(terms['count_from_day_zero'])}")
    if "count_discharge_day" in terms:
        lines.append(
            f"Utskrivningsdagen räknas som betald dag: {_yes_no(terms['count_discharge_day'])}"
        )
    if terms.get("average_days_per_month") is not None:
        lines.append(f"Genomsnittligt antal dagar per månad: {terms['average_days_per_month']}")
    if "amount_per_day" in terms:
        lines.append("Belopp per vårddygn: " + _per_care(terms["amount_per_day"], "kr"))
    return lines or ["Samma villkor som lagen"]


def law_defaults(on: dt.date) -> list[str]:
    """The law's defaults on ``on`` in plain Swedish (the first row of the page)."""
    terms = rules.discharge_terms(on)
    days = terms.days_after_notice
    amount = terms.amount_on("somatic", on)
    lines = [
        "Betalningsansvar från "
        + (
            f"{days['somatic']} kalenderdagar efter meddelandet om utskrivningsklar"
            if len(set(days.values())) == 1
            else _per_care(days, "dagar")
        ),
        f"Belopp per vårddygn {on.year}: {amount.per_day} kr"
        + ("" if amount.verified else " (beloppet är ännu inte bekräftat mot föreskriften)"),
    ]
    return lines


# --- writes ---------------------------------------------------------------------------------


def _check_terms(valid_from: dt.date, name: str, terms: Mapping[str, Any]) -> None:
    unknown = set(terms) - set(TERM_KEYS)
    if unknown:
        key = sorted(unknown)[0]
        raise _error(key, "invalid_terms", f"{key}: okänt villkor.")
    try:
        rules.discharge_terms(valid_from, {"from": valid_from, "name": name, **terms})
    except rules.InvalidTerms as err:
        label = TERM_LABELS.get(err.field, err.field)
        message = str(err).split(": ", 1)[-1]
        raise _error(err.field, "invalid_terms", f"{label}: {message}.") from None
    except LookupError:
        raise _error(
            "valid_from", "before_law", "Gäller från: lagen (2017:612) gäller från 2018-01-01."
        ) from None


def enter_version(
    actor: ActorLike,
    *,
    valid_from: Any,
    name: str,
    terms: Mapping[str, Any],
    municipality: Organisation | None = None,
    source: str = "",
) -> LocalTermsVersion:
    """A new version of the local terms from ``valid_from``, for the party's region (the
    whole region, or ``municipality``), unverified until the other party confirms it."""
    party = require_party(actor)
    if not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        raise _error("valid_from", "invalid_date", "Gäller från: ange ett datum (ÅÅÅÅ-MM-DD).")
    name = (name or "").strip()
    if not name:
        raise _error("name", "missing", "Överenskommelsens namn: måste anges.")
    if len(name) > 200:
        raise _error("name", "too_long", "Överenskommelsens namn: högst 200 tecken.")
    if len(source or "") > 500:
        raise _error("source", "too_long", "Var texten finns: högst 500 tecken.")
    if municipality is not None and (
        municipality.kind != OrganisationKind.MUNICIPALITY or municipality.region != party.region
    ):
        raise _error("municipality", "invalid_choice", "Kommun: välj en kommun i regionen.")
    if party.kind == OrganisationKind.MUNICIPALITY and municipality not in (None, party):
        raise _error(
            "municipality", "not_own", "Kommun: en kommun lägger in villkor för sig själv."
        )
    if party.kind == OrganisationKind.MUNICIPALITY:
        municipality = party  # a kommun's version is its own agreement with the region
    _check_terms(valid_from, name, terms)
    same_day = LocalTermsVersion.objects.filter(
        region=party.region, municipality=municipality, valid_from=valid_from
    )
    with transaction.atomic():
        if same_day.exists():
            raise _error(
                "valid_from",
                "version_exists",
                "Gäller från: det finns redan en version från det datumet. En version ändras "
                "inte; lägg in en ny från ett senare datum.",
                409,
            )
        return LocalTermsVersion.objects.create(
            region=party.region,
            municipality=municipality,
            valid_from=valid_from,
            name=name,
            source=(source or "").strip(),
            terms=_jsonable(terms),
            entered_by=user_of(actor),
            entered_by_organisation=party,
        )


def _jsonable(terms: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in terms.items():
        if isinstance(value, dt.time):
            out[key] = value.strftime("%H:%M")
        elif isinstance(value, Mapping):
            out[key] = {k: str(v) if not isinstance(v, int | bool) else v for k, v in value.items()}
        elif value is not None and not isinstance(value, bool | int | str):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def confirm_version(
    actor: ActorLike, version: LocalTermsVersion, *, confirm: bool = False
) -> LocalTermsConfirmation:
    """The other party confirms that the version matches the signed text (irreversible)."""
    party = party_of(actor)
    if party is None:
        raise _error(None, "forbidden", "Du får inte bekräfta lokala villkor.", 403)
    if party.region == version.region and confirmed_by_party(version, party):
        raise _error(None, "already_confirmed", "Versionen är redan bekräftad.", 409)
    if not can_confirm(actor, version):
        raise _error(
            None,
            "forbidden",
            "Bara den andra parten (forum eller administratör) får bekräfta versionen.",
            403,
        )
    if not confirm:
        raise _error(
            "confirm",
            "confirmation_required",
            "Bekräfta att villkoren stämmer med den undertecknade överenskommelsen.",
        )
    try:
        with transaction.atomic():
            return LocalTermsConfirmation.objects.create(
                version=version,
                confirmed_by=user_of(actor),
                confirmed_by_organisation=party,
            )
    except IntegrityError:
        raise _error(None, "already_confirmed", "Versionen är redan bekräftad.", 409) from None
