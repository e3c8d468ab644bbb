"""The points at which jh-hemsjukvard §8.3 allows local agreements, as data.

Each point is named by its anchor in §8.3 (the clause's own words: a test checks every anchor
against the clause library), and by the annex that §8.3 puts it under. Nothing else may be
agreed locally; a refusal quotes §8.3 (`citations.LOCAL_ONLY_AT_POINTS`).

`REQUIRED_ROUTINES` are the local routines every hälsocentral and kommun pair must have: the
routines matrix shows them as present or missing. `scope="pair"` routines are agreed per
hälsocentral and kommun (Bilaga 2: "Chef vid respektive hälsocentral ska tillsammans med
aktuella chefer inom kommunen ..."); a routine registered for a kommun without a hälsocentral
covers every hälsocentral that works with that kommun.

`ANNEX_POINTS` are the points where an annex itself says a responsibility holds "om annat ej
överenskommits" (Bilaga 2: specialist needs at night go via the primary-care physician on
call "om annat ej överenskommits enligt överenskommelse mellan specialistvård och kommun").
§8.3 allows local agreements "enbart ... på de punkter där detta särskilt anges"; the annex
states this one in so many words, so it is a point too, cited from the annex. A local
agreement at such a point feeds the rules: the rule that is its default
(`Rule.unless_local` with the same key) gives way to it for that kommun from the day agreed
(`revisions.local_revisions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.agreements.citations import Citation

LOCAL_AGREEMENTS_CLAUSE = "jh-hemsjukvard §8.3"
LOCAL_AGREEMENTS_AGREEMENT = "jh-hemsjukvard"


@dataclass(frozen=True)
class LocalPoint:
    key: str
    anchor: str  # the point's words in §8.3
    annex_anchor: str  # the annex it stands under in §8.3
    source: Citation | None = None  # where the annex itself asks for the routine
    opened_by: str = ""  # an annex point: the clause whose words allow it (else §8.3)
    title: str = ""  # plain Swedish, where the anchor is no name

    @property
    def clause(self) -> str:
        return self.opened_by or LOCAL_AGREEMENTS_CLAUSE

    @property
    def label(self) -> str:
        return self.title or self.anchor

    @property
    def annex(self) -> str:
        return self.annex_anchor

    @property
    def citation(self) -> Citation:
        return Citation(self.clause, self.anchor)


BIL2 = "Bil 2 Primärvård-kommun"
BIL4 = "Bil 4 Tjänsteköp"

LOCAL_POINTS: tuple[LocalPoint, ...] = (
    LocalPoint(
        "physician_participation",
        "Rutin angående läkarmedverkan",
        BIL2,
        Citation(
            "jh-primarvard-kommun Samverkansrutin mellan primärvård och kommun", "skriftlig rutin"
        ),
    ),
    LocalPoint(
        "equipment_and_medicines",
        "Rutin och hantering av medicinteknisk utrustning och läkemedel",
        BIL2,
    ),
    LocalPoint(
        "emergency_lists",
        "Förteckningar över akutläkemedel och basutrustning på särskilt boende",
        BIL2,
        Citation(
            "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel",
            "lokala överenskomna variationer kan finnas",
        ),
    ),
    LocalPoint(
        "lab_service",
        "Rutiner angående laboratorieservice, högrentservice och riskavfall",
        BIL2,
        Citation(
            "jh-primarvard-kommun Laboratorieservice och högrentservice", "upprättar gemensamt"
        ),
    ),
    LocalPoint(
        "service_purchase_documentation",
        "Rutin för dokumentation i anslutning till tjänsteköp och uppföljning",
        BIL4,
    ),
    LocalPoint("cosmic_access", "Rutin för behörigheter i Cosmic", BIL4),
)
# Points an annex opens by its own words ("om annat ej överenskommits"): the key is the
# rules' LocalDefault.point of the rule it sets aside.
ANNEX_POINTS: tuple[LocalPoint, ...] = (
    LocalPoint(
        "specialist_care_routing",
        "om annat ej överenskommits enligt överenskommelse mellan specialistvård och kommun",
        BIL2,
        opened_by="jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00",
        title="Väg för behov av specialistvård kvällar och nätter (mellan specialistvården "
        "och kommunen)",
    ),
)
ALL_POINTS: tuple[LocalPoint, ...] = LOCAL_POINTS + ANNEX_POINTS
POINTS_BY_KEY: dict[str, LocalPoint] = {point.key: point for point in ALL_POINTS}
POINT_CHOICES: list[tuple[str, str]] = [(point.key, point.label) for point in ALL_POINTS]

# The routines the matrix tracks per hälsocentral and kommun.
REQUIRED_ROUTINES: tuple[LocalPoint, ...] = tuple(
    POINTS_BY_KEY[key]
    for key in (
        "physician_participation",
        "lab_service",
        "cosmic_access",
        "service_purchase_documentation",
    )
)
