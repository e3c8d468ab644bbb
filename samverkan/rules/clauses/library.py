"""The clauses of the four agreements, addressable by id and quotable by anchor.

Rule authors cite `(clause_id, anchor)`; the engine quotes `passage(clause_id, anchor)`, so
the agreements' words are read from the shipped texts and never retyped in code.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from samverkan.rules.clauses.parser import (
    Part,
    Section,
    collapse,
    is_blank,
    is_double_spaced,
    paragraphs,
    parse,
    split_lines,
)


@dataclass(frozen=True)
class Clause:
    id: str
    agreement: str
    number: str | None
    heading: str
    text: str
    source: str
    line_start: int  # 1-based, inclusive
    line_end: int  # 1-based, inclusive
    paragraphs: tuple[str, ...]


class UnknownClause(KeyError):
    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class AnchorNotFound(LookupError):
    pass


@dataclass(frozen=True)
class _Document:
    source: str
    numbered: bool
    parts: tuple[Part, ...]


# Document order; the unnumbered parts are named by the ids other engineers already cite.
DOCUMENTS: dict[str, _Document] = {
    "jh-hemsjukvard": _Document(
        "jh-hemsjukvardsavtal-2020.txt",
        numbered=True,
        parts=(
            Part("Revidering 2020", "Denna version är reviderad", untitled=True),
            Part("Bilagor", "BILAGOR"),
            Part("Underskrifter", "För Region Jämtland Härjedalen", untitled=True),
        ),
    ),
    "jh-primarvard-kommun": _Document(
        "jh-bilaga2-primarvard-kommun.txt",
        numbered=False,
        parts=(
            Part("Dokumenthuvud", "HÄLSO- OCH SJUKVÅRDSPOLITISKA AVDELNINGEN", untitled=True),
            # The document title and "Region Jämtland Härjedalens ansvar" open this clause.
            Part("Läkarmedverkan", "Samverkan och ansvar primärvård", heading_at="Läkarmedverkan"),
            Part(
                "Samverkansrutin mellan primärvård och kommun",
                "Samverkansrutin mellan primärvård och kommun",
            ),
            Part(
                "Medicinteknisk utrustning och läkemedel", "Medicinteknisk utrustning och läkemedel"
            ),
            Part("Laboratorieservice och högrentservice", "Laboratorieservice och högrentservice"),
            # "Kommunens ansvar" opens this clause.
            Part(
                "Tjänstgöring kvällar och nätter 17.00–08.00",
                "Kommunens ansvar",
                heading_at="Tjänstgöring kvällar och nätter",
            ),
            Part("Dagtid 08.00–17.00", "Dagtid, 08.00-17.00"),
        ),
    ),
    "jh-psykisk": _Document(
        "jh-psykisk-funktionsnedsattning-2017.txt",
        numbered=True,
        parts=(Part("Bilaga 1", "Bilaga 1"),),
    ),
    "gvb-svart-sjuka": _Document(
        "gavleborg-svart-sjuka-i-hemmet-2018.txt",
        numbered=False,
        parts=(
            Part("Bakgrund", "Bakgrund"),
            Part("Överenskommelse", "Överenskommelse"),
            Part("Målgrupp för överenskommelsen", "Målgrupp för överenskommelsen"),
            Part("Gränsdragning egenvård och hälso- och sjukvård", "Gränsdragning mellan vad som"),
            Part("Vårdkedja - ansvar", "Vårdkedja - ansvar"),
            Part("Kompetens", "Kompetens"),
            Part("Parter", "Parter"),
            Part("Barn", "Barn"),
            Part("Ekonomisk överenskommelse 2018-2019", "Ekonomisk överenskommelse 2018-2019"),
            Part("Faktureringsadress", "Faktureringsadress"),
            Part("Uppföljning", "Uppföljning"),
            Part(
                "Förslag till fortsatt utvecklingsarbete", "Förslag till fortsatt utvecklingsarbete"
            ),
            Part("Bilaga 1 Checklista", "Bilaga 1: Checklista", heading_lines=2),
            Part("Undertecknande parter", "Undertecknande parter"),
        ),
    ),
}

AGREEMENTS: tuple[str, ...] = tuple(DOCUMENTS)

#: The names staff use for the agreements (an agreement's id is for programs).
AGREEMENT_NAMES: dict[str, str] = {
    "jh-hemsjukvard": "Hemsjukvårdsavtalet",
    "jh-primarvard-kommun": "Bilaga 2 (primärvård – kommun)",
    "jh-psykisk": "Överenskommelsen om psykisk funktionsnedsättning",
    "gvb-svart-sjuka": "Överenskommelsen om svårt sjuka i hemmet",
}


def agreement_name(agreement_id: str) -> str:
    """The short Swedish name of an agreement ("Hemsjukvårdsavtalet"); an unknown id as is."""
    return AGREEMENT_NAMES.get(agreement_id, agreement_id)


def clause_label(clause_id: str) -> str:
    """A clause as staff cite it: "jh-hemsjukvard §7.3" → "Hemsjukvårdsavtalet §7.3".

    A section named as the document itself ("gvb-svart-sjuka Överenskommelse", the opening
    section) is cited by the agreement's name alone, not "… i hemmet Överenskommelse"."""
    agreement, _sep, rest = clause_id.partition(" ")
    if agreement not in AGREEMENT_NAMES:
        return clause_id
    name = AGREEMENT_NAMES[agreement]
    if rest and name.lower().startswith(rest.lower()):
        return name
    return f"{name} {rest}".strip()


def source_text(agreement_id: str) -> str:
    """The shipped text of an agreement, read as package data (works from an installed wheel)."""
    texts = files("samverkan.rules.clauses").joinpath("texts")
    return texts.joinpath(DOCUMENTS[agreement_id].source).read_text(encoding="utf-8")


def _clause(agreement_id: str, lines: list[str], section: Section, double_spaced: bool) -> Clause:
    last = section.last
    while last > section.first and is_blank(lines[last]):
        last -= 1  # trailing blank lines belong to the clause's range but not to its text
    own_lines = lines[section.first : last + 1]
    return Clause(
        id=f"{agreement_id} {section.name}",
        agreement=agreement_id,
        number=section.number,
        heading=section.heading,
        text="\n".join(own_lines),
        source=DOCUMENTS[agreement_id].source,
        line_start=section.first + 1,
        line_end=section.last + 1,
        paragraphs=paragraphs(own_lines, section.heading_rows, double_spaced),
    )


@cache
def _all() -> dict[str, Clause]:
    found: dict[str, Clause] = {}
    for agreement_id, document in DOCUMENTS.items():
        lines = split_lines(source_text(agreement_id))
        double_spaced = is_double_spaced(lines)
        for section in parse(lines, document.parts, document.numbered):
            clause = _clause(agreement_id, lines, section, double_spaced)
            if clause.id in found:
                raise ValueError(f"duplicate clause id {clause.id!r}")
            found[clause.id] = clause
    return found


def clauses() -> dict[str, Clause]:
    """Every clause by id, in document order (a fresh dict; the clauses are shared)."""
    return dict(_all())


def _spelling_key(clause_id: str) -> str:
    # "§ 7.3" == "§7.3" == "7.3"; en/em dash == hyphen; case ignored.
    key = re.sub(r"[\u2010-\u2015\u2212]", "-", clause_id.casefold())
    return re.sub(r"[\s§]", "", key)


@cache
def _by_spelling() -> dict[str, str]:
    keys: dict[str, str] = {}
    for clause_id in _all():
        key = _spelling_key(clause_id)
        if key in keys:
            raise ValueError(f"{clause_id!r} and {keys[key]!r} are spelled alike")
        keys[key] = clause_id
    return keys


def get(clause_id: str) -> Clause:
    """The clause with this id, forgiving case, spacing and dash spelling."""
    everything = _all()
    if clause_id in everything:
        return everything[clause_id]
    canonical = _by_spelling().get(_spelling_key(clause_id))
    if canonical is not None:
        return everything[canonical]
    close = difflib.get_close_matches(clause_id, list(everything), n=3, cutoff=0.6)
    hint = f" Menade du: {', '.join(close)}?" if close else ""
    raise UnknownClause(f"Okänd klausul: {clause_id!r} finns inte i något av avtalen.{hint}")


def for_agreement(agreement_id: str) -> list[Clause]:
    """The agreement's clauses in document order."""
    if agreement_id not in DOCUMENTS:
        raise ValueError(f"Okänt avtal: {agreement_id!r}. Kända avtal: {', '.join(AGREEMENTS)}.")
    return [clause for clause in _all().values() if clause.agreement == agreement_id]


def _comparable(text: str) -> str:
    return collapse(text).casefold()


@functools.lru_cache(maxsize=4096)  # decisions quote the same few passages over and over
def passage(clause_id: str, anchor: str, context: int = 0) -> str:
    """The one paragraph of the clause containing `anchor`, plus `context` following paragraphs.

    Matching ignores case and collapses whitespace. Raises AnchorNotFound when no paragraph,
    or more than one, contains the anchor: a citation must point at exactly one place.
    """
    clause = get(clause_id)
    wanted = _comparable(anchor)
    if not wanted:
        raise AnchorNotFound(f"Tomt ankare för {clause.id}.")
    hits = [
        index
        for index, paragraph in enumerate(clause.paragraphs)
        if wanted in _comparable(paragraph)
    ]
    if not hits:
        raise AnchorNotFound(f"Ankaret {anchor!r} finns inte i {clause.id}.")
    if len(hits) > 1:
        raise AnchorNotFound(
            f"Ankaret {anchor!r} finns i {len(hits)} stycken i {clause.id}; välj ett entydigt ankare."
        )
    start = hits[0]
    return "\n".join(clause.paragraphs[start : start + 1 + max(context, 0)])
