"""Agreement words as a nurse reads them, for every template (a builtin, see settings).

- ``clause_name``: "jh-hemsjukvard §7.3" → "Hemsjukvårdsavtalet §7.3" (the agreement's
  short Swedish name instead of its id; anything else is left as it is).
- ``agreement_name``: "jh-psykisk" → "Överenskommelsen om psykisk funktionsnedsättning".
- ``quoted``: a passage of an agreement, escaped, with its footnote digits set as
  superscripts ("hälso- och sjukvårdslagen5" → "…lagen<sup>5</sup>"); line breaks stay
  newlines (chain ``|linebreaksbr`` where the page does not keep them).
- ``agreements_named``: any agreement id inside a text ("gvb-svart-sjuka/2026") by its name
  ("Överenskommelsen om svårt sjuka i hemmet/2026"), e.g. the object ids of log control.
- ``intervention_names``: ["housing_support", "nursing"] → "Boende/bostadsstöd,
  Sjuksköterskeinsats" (the engine's intervention codes as the UI names them).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from samverkan.library.services import agreement_name as _agreement_name
from samverkan.library.services import clause_label
from samverkan.rules import AGREEMENTS, INTERVENTIONS

register = template.Library()

# A footnote reference in the agreements' plain text: one or two digits glued to the end
# of a lower-case word ("närstående8", "personer10"); never a number of its own, a
# paragraph ("§7.3"), a unit's name ("K2") or a law's number ("2017:612").
_FOOTNOTE = re.compile(r"(?<=[a-zåäöéü])(\d{1,2})(?=[\s,.;:!?)»”\"]|$)")


@register.filter
def clause_name(clause_id: object) -> str:
    return clause_label(str(clause_id)) if clause_id else ""


@register.filter
def agreement_name(agreement_id: object) -> str:
    return _agreement_name(str(agreement_id)) if agreement_id else ""


def named_footnotes(text: str) -> str:
    """The plain-text form of ``quoted`` for documents without markup (the guide's PDF,
    whose font has no superscript 4-9): "närstående8 Ovanstående" → "närstående (fotnot 8)
    Ovanstående"."""
    return _FOOTNOTE.sub(lambda m: f" (fotnot {m.group(1)})", text)


@register.filter(is_safe=True)
def quoted(text: object) -> SafeString:
    escaped = escape(str(text or ""))
    marked = _FOOTNOTE.sub(r'<sup class="footnote-ref">\1</sup>', escaped)
    return mark_safe(marked)  # noqa: S308  (escaped above)


@register.filter
def intervention_names(codes: object) -> str:
    items = [codes] if isinstance(codes, str) else list(codes or [])  # type: ignore[call-overload]
    return ", ".join(INTERVENTIONS.get(str(c), str(c)) for c in items)


_AGREEMENT_ID = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, AGREEMENTS), key=len, reverse=True))
    + r")(?![\w-])"
)


@register.filter
def agreements_named(text: object) -> str:
    """Every agreement id in `text` replaced by the agreement's name; the rest as it is."""
    return _AGREEMENT_ID.sub(lambda m: _agreement_name(m.group(1)), str(text or ""))


_SUFFIX_WORDS = {"revision": "med revision", "lokal": "med lokal överenskommelse"}


def _version_named(piece: str) -> str:
    agreement, _, version = piece.strip().partition(" ")
    base, *suffixes = version.split("+")
    words = [_agreement_name(agreement) if agreement in AGREEMENTS else agreement]
    if base:
        words.append(f"version {base}")
    for suffix in suffixes:
        kind, _, label = suffix.partition("-")
        words.append(f"{_SUFFIX_WORDS.get(kind, 'med ändring')} {label}".strip())
    return " ".join(words)


@register.filter
def versions_named(text: object) -> str:
    """A decision's agreement versions as the snapshot records them ("jh-hemsjukvard
    2020-03-01+revision-7, jh-primarvard-kommun 2020-03-01+lokal-3") in words: "Hemsjukvårds-
    avtalet version 2020-03-01 med revision 7; … med lokal överenskommelse 3"."""
    pieces = [p for p in str(text or "").split(", ") if p.strip()]
    return "; ".join(_version_named(p) for p in pieces)
