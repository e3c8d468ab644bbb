"""Which clauses the rules encode and which are prose, with the reason for each prose clause.

Every clause is one or the other; `coverage` reports the state against the rules' citations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from samverkan.rules.clauses.library import clauses, get

# The clauses the rule engineers encode (they cite them); kept here so their tests can check.
EXPECTED_ENCODED: tuple[str, ...] = (
    "gvb-svart-sjuka Bakgrund",
    "jh-hemsjukvard §1",
    "jh-hemsjukvard §4",
    "jh-hemsjukvard §6",
    "jh-hemsjukvard §6.1",
    "jh-hemsjukvard §6.2",
    "jh-hemsjukvard §7.1",
    "jh-hemsjukvard §7.2",
    "jh-hemsjukvard §7.3",
    "jh-hemsjukvard §7.5",
    "jh-hemsjukvard §7.6",
    "jh-hemsjukvard §7.7",
    "jh-hemsjukvard §8",
    "jh-hemsjukvard §8.1",
    "jh-hemsjukvard §10",
    "jh-hemsjukvard §11",
    "jh-primarvard-kommun Läkarmedverkan",
    "jh-primarvard-kommun Samverkansrutin mellan primärvård och kommun",
    "jh-primarvard-kommun Laboratorieservice och högrentservice",
    "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00",
    "jh-primarvard-kommun Dagtid 08.00–17.00",
    "jh-psykisk §3",
    "jh-psykisk §5.1",
    "jh-psykisk §5.2",
    "jh-psykisk §5.3",
    "jh-psykisk §5.4",
    "jh-psykisk §5.6",
    "jh-psykisk §5.11",
    "jh-psykisk §6.1",
    "jh-psykisk §6.3",
    "jh-psykisk §11",
    "gvb-svart-sjuka Överenskommelse",
    "gvb-svart-sjuka Målgrupp för överenskommelsen",
    "gvb-svart-sjuka Gränsdragning egenvård och hälso- och sjukvård",
    "gvb-svart-sjuka Vårdkedja - ansvar",
    "gvb-svart-sjuka Barn",
    "gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019",
)

_HEADING_ONLY = "Kapitelrubrik utan egen text; innehållet står i underavsnitten."
_SIGNATURES = "Underskriftsblock; inga regler."

PROSE: dict[str, str] = {
    "jh-hemsjukvard Revidering 2020": "Notering om vad revideringen 2020 ändrade; inga ansvarsregler.",
    "jh-hemsjukvard §2": "Syfte och ledord; inga ansvarsregler.",
    "jh-hemsjukvard §3": "Återger patientlagens krav på delaktighet och samtycke; fördelar inget ansvar mellan huvudmännen.",
    "jh-hemsjukvard §5": "Definierar hemsjukvård; själva ansvarsfördelningen står i 7.2 och 7.3.",
    "jh-hemsjukvard §6.4": "Hänvisar till gemensamma läkemedelsdokument och bilaga 10, som inte finns bland texterna.",
    "jh-hemsjukvard §7": _HEADING_ONLY,
    "jh-hemsjukvard §8.3": "Förteckning över de punkter där lokala överenskommelser får göras; avtalsrummet håller punkterna (agreements.local_points), inga ansvarsregler.",
    "jh-hemsjukvard §8.2": "Fortbildning av varandras personal; ingen regel för enskilda ärenden.",
    "jh-hemsjukvard §9": "Parternas plikt att informera om avtalet i sina organisationer; ingen regel för enskilda ärenden.",
    "jh-hemsjukvard Bilagor": "Förteckning över bilagor; av dem finns bara bilaga 2 bland texterna.",
    "jh-hemsjukvard Underskrifter": _SIGNATURES,
    "jh-primarvard-kommun Dokumenthuvud": "Dokumenthuvud (avdelning, dokumentnummer, giltighetsnot); inga regler.",
    "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel": "Hänvisar kostnaden till huvudavtalet 7.7 (kostnaden följer förskrivaren) och förteckningar som arbetsgruppen reviderar; inga egna ansvarsregler.",
    "jh-psykisk §1": "Inledning om förhållningssätt mot målgruppen och mellan parterna; inga ansvarsregler.",
    "jh-psykisk §2": _HEADING_ONLY,
    "jh-psykisk §2.1": "Nationell bakgrund till kravet på överenskommelse; inga ansvarsregler.",
    "jh-psykisk §2.2": "Regional bakgrund och handlingsplaner; inga ansvarsregler.",
    "jh-psykisk §4": _HEADING_ONLY,
    "jh-psykisk §4.1": "Överenskommelsens syfte; inga ansvarsregler.",
    "jh-psykisk §4.2": "Övergripande mål och processmål; inga ansvarsregler.",
    "jh-psykisk §5": _HEADING_ONLY,
    "jh-psykisk §5.5": "Beskriver brukarinflytande och brukarråd; ingen regel för enskilda ärenden.",
    "jh-psykisk §5.7": "Hänvisar till den särskilda överenskommelsen Jämtbus för barn och unga, som inte finns bland texterna.",
    "jh-psykisk §5.8": "Hänvisar till den särskilda överenskommelsen om riskbruk, missbruk och beroende, som inte finns bland texterna.",
    "jh-psykisk §5.9": "Varje huvudman svarar själv för utbildning och handledning av sin personal; avgör inget om vården av den enskilde.",
    "jh-psykisk §5.10": "Chefers och medarbetares ansvar att förankra överenskommelsen; ingen regel för enskilda ärenden.",
    "jh-psykisk §6": _HEADING_ONLY,
    "jh-psykisk §6.2": "Hänvisar till lagen om samverkan vid utskrivning från sluten vård; den överenskommelsen finns inte bland texterna.",
    "jh-psykisk §7": "Beskriver samverkansforum; inga ansvarsregler.",
    "jh-psykisk §8": "Spridning av överenskommelsen och handlingsplanen; ingen regel för enskilda ärenden.",
    "jh-psykisk §9": "Årlig uppföljning genom SVOM; ingen regel för enskilda ärenden.",
    "jh-psykisk §10": "Giltighetstid; versionens giltighet (2017-06-01–2020-12-31) står i avtalets avtalstid som validity.py räknar med, inga ansvarsregler.",
    "jh-psykisk Bilaga 1": "Beskriver samverkansarenorna (SVOM, Barnarenan, Fredagsgruppen, L-IFO, Länsnätverket); forumbeskrivning.",
    "gvb-svart-sjuka Kompetens": "Utbildning och introduktion av personal; avgör inte ansvar, utförare eller kostnad.",
    "gvb-svart-sjuka Parter": "Räknar upp parterna; kommunerna finns redan i regionregistret.",
    "gvb-svart-sjuka Uppföljning": "Årlig uppföljning genom Länsledning Välfärd; ingen regel för enskilda ärenden.",
    "gvb-svart-sjuka Förslag till fortsatt utvecklingsarbete": "Förslag om patientsäkerhetsgrupp och riskanalysmall; inte bindande.",
    "gvb-svart-sjuka Faktureringsadress": "Adress och referens för fakturan; tjänsteköpets faktureringsvillkor använder den, ingen ansvarsregel.",
    "gvb-svart-sjuka Bilaga 1 Checklista": "Bara rubriken finns; själva checklistan saknas i texten.",
    "gvb-svart-sjuka Undertecknande parter": _SIGNATURES,
}

Status = Literal["encoded", "prose", "unclassified"]


@dataclass(frozen=True)
class CoverageRow:
    clause_id: str
    heading: str
    status: Status
    reason: str | None = None  # why a prose clause has no rule
    rules: tuple[str, ...] = ()  # the rules citing an encoded clause
    scenarios: int = 0  # how many scenario files' scenarios test the clause


def coverage(cited: Mapping[str, Sequence[str]]) -> list[CoverageRow]:
    """One row per clause, in document order: encoded (with its rules), prose or unclassified,
    each with the number of scenarios (``samverkan/rules/scenarios/``) that test it.

    `cited` maps clause id (forgiving spelling) -> ids of the rules citing it. Raises
    UnknownClause for an id no agreement has, ValueError for a prose clause that is cited.
    """
    rules_by_clause: dict[str, tuple[str, ...]] = {}
    for clause_id, rule_ids in cited.items():
        canonical = get(clause_id).id
        rules_by_clause[canonical] = rules_by_clause.get(canonical, ()) + tuple(rule_ids)
    contradictions = sorted(
        clause_id for clause_id, rules in rules_by_clause.items() if rules and clause_id in PROSE
    )
    if contradictions:
        raise ValueError(f"cited by rules but classified as prose: {', '.join(contradictions)}")
    from samverkan.rules.scenarios.model import scenarios_by_clause

    tested = scenarios_by_clause()
    rows = []
    for clause in clauses().values():
        rules = rules_by_clause.get(clause.id, ())
        n = len(tested.get(clause.id, ()))
        if rules:
            rows.append(CoverageRow(clause.id, clause.heading, "encoded", rules=rules, scenarios=n))
        elif clause.id in PROSE:
            rows.append(
                CoverageRow(
                    clause.id, clause.heading, "prose", reason=PROSE[clause.id], scenarios=n
                )
            )
        else:
            rows.append(CoverageRow(clause.id, clause.heading, "unclassified"))
    return rows
