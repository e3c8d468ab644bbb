"""Find clauses by the meaning of Swedish words: Snowball stems ranked with BM25."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import bm25s
import snowballstemmer
from snowballstemmer.basestemmer import BaseStemmer

from samverkan.rules.clauses.library import AGREEMENTS, Clause, clauses

HEADING_WEIGHT = 2  # the heading counts this many extra times: it names what the clause is about
SNIPPET_LENGTH = 240
SNIPPET_LEAD = 60  # characters kept before the first hit

_WORD = re.compile(r"[^\W\d_]+")  # letters only, å, ä, ö included


@dataclass(frozen=True)
class SearchHit:
    clause: Clause
    score: float
    snippet: str


@cache
def _stemmer() -> BaseStemmer:
    return snowballstemmer.stemmer("swedish")


def stems(text: str) -> list[str]:
    """Lower-cased Swedish word stems of `text`, in order ("barnen" -> "barn")."""
    return list(_stemmer().stemWords(_WORD.findall(text.lower())))


@dataclass(frozen=True)
class _Index:
    clauses: tuple[Clause, ...]
    retriever: bm25s.BM25


@cache
def _index() -> _Index:
    ordered = tuple(clauses().values())
    corpus = [stems(clause.heading) * HEADING_WEIGHT + stems(clause.text) for clause in ordered]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    return _Index(ordered, retriever)


def search(query: str, limit: int = 10, agreement: str | None = None) -> list[SearchHit]:
    """The clauses best matching `query`, best first; an empty list for a blank query."""
    if agreement is not None and agreement not in AGREEMENTS:
        raise ValueError(f"Okänt avtal: {agreement!r}. Kända avtal: {', '.join(AGREEMENTS)}.")
    wanted = stems(query)
    if not wanted or limit <= 0:
        return []
    index = _index()
    scores = index.retriever.get_scores(wanted)
    ranked = sorted(range(len(index.clauses)), key=lambda position: -scores[position])
    hits = []
    for position in ranked:
        clause = index.clauses[position]
        score = float(scores[position])
        if score <= 0:
            break
        if agreement is not None and clause.agreement != agreement:
            continue
        hits.append(SearchHit(clause, score, snippet(clause, wanted)))
        if len(hits) == limit:
            break
    return hits


def snippet(clause: Clause, wanted: Sequence[str]) -> str:
    """The paragraph sharing most query stems, cut to about SNIPPET_LENGTH around its first hit."""
    wanted_set = set(wanted)

    def match(paragraph: str) -> tuple[int, int, int]:
        found = [stem for stem in stems(paragraph) if stem in wanted_set]
        return len(set(found)), len(found), len(paragraph)

    best = max(clause.paragraphs, key=match, default=clause.heading)
    return _shorten(best, wanted_set)


def _shorten(paragraph: str, wanted: set[str]) -> str:
    if len(paragraph) <= SNIPPET_LENGTH:
        return paragraph
    stemmer = _stemmer()
    first_hit = next(
        (
            word.start()
            for word in _WORD.finditer(paragraph)
            if stemmer.stemWord(word.group().lower()) in wanted
        ),
        0,
    )
    start = max(0, first_hit - SNIPPET_LEAD)
    end = min(len(paragraph), start + SNIPPET_LENGTH)
    start = max(0, end - SNIPPET_LENGTH)
    if start > 0:  # cut at word boundaries
        start = paragraph.find(" ", start) + 1 or start
    if end < len(paragraph):
        end = paragraph.rfind(" ", start, end) if " " in paragraph[start:end] else end
    text = paragraph[start:end].strip()
    return ("…" if start > 0 else "") + text + ("…" if end < len(paragraph) else "")
