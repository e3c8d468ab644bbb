"""Split an agreement text into sections (clauses) and a section into quotable paragraphs.

The texts are PDF extractions: footnotes and running headers sit in the middle of clauses,
and some documents put a blank line after every line. Section boundaries are therefore found
by the expected numbering (numbered documents) or a fixed outline of opening words, never by
"any line that starts with a digit".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

# Footnote lines: "5 Hälso- och sjukvårdslagen …", "10 www.regionjh.se/SIP", bare URLs.
# Body lines such as "3 f § HSL" or "5 kap. 10 § SoL" start lower-case and do not match.
_NOTE_START = re.compile(r"^(?:\d{1,2} (?:[A-ZÅÄÖ]|http|www)|\s*https?://)")
_BARE_URL = re.compile(r"^\s*https?://\S+\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})?)\s+(\S.*?)\s*$")
_GLUED_FOOTNOTE = re.compile(r"(?<=[^\W\d_])\d+$")
_SENTENCE_END = (".", "!", "?", ":", ";")
_BULLETS = ("\uf0b7", "•", "- ", "o ")
_WRAPPED_LINE = 80  # a line this long that ends mid-sentence was wrapped, not ended
_PRIVATE_BULLET = "\uf0b7"  # Symbol-font bullet the PDF export left in the text


@dataclass(frozen=True)
class Part:
    """An unnumbered part of a document, found by the opening words of its first line."""

    name: str
    opens_with: str
    heading_at: str | None = None  # opening words of the heading line when it is not the first
    heading_lines: int = 1
    untitled: bool = False  # the document gives the part no heading; the name stands in


@dataclass(frozen=True)
class Section:
    name: str  # "§7.3" for numbered sections, else the part's name
    number: str | None
    heading: str
    first: int  # 0-based line index, inclusive
    last: int  # 0-based line index, inclusive (trailing blank lines included)
    heading_rows: tuple[int, ...] = field(default=())  # indexes relative to `first`


def split_lines(text: str) -> list[str]:
    """Lines as `cat -n` counts them (only "\\n" breaks a line; a final newline ends the last)."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def is_blank(line: str) -> bool:
    return not line.strip()


def collapse(text: str) -> str:
    return " ".join(text.split())


def parse(lines: Sequence[str], parts: Sequence[Part], numbered: bool) -> list[Section]:
    """Sections in document order; together they cover every line after leading blank lines."""
    starts = _part_starts(lines, parts)
    if numbered:
        starts += _numbered_starts(lines)
    starts.sort(key=lambda section: section.first)
    first_text = next(index for index, line in enumerate(lines) if not is_blank(line))
    if not starts or starts[0].first != first_text:
        raise ValueError(f"text before the first section at line {first_text + 1}")
    sections = []
    for current, following in zip(starts, [*starts[1:], None], strict=True):
        last = following.first - 1 if following else len(lines) - 1
        if last < current.first:
            raise ValueError(f"two sections open on line {current.first + 1}")
        sections.append(
            Section(
                current.name,
                current.number,
                current.heading,
                current.first,
                last,
                current.heading_rows,
            )
        )
    return sections


def _heading_text(rows: Sequence[str]) -> str:
    text = collapse(" ".join(rows))
    return _GLUED_FOOTNOTE.sub("", text).rstrip(":").rstrip()


def _opens_with(line: str, words: str) -> bool:
    text = collapse(line)
    if not text.startswith(words):
        return False
    rest = text[len(words) :]
    return not rest or not rest[0].isalnum()


def _find(lines: Sequence[str], words: str, start: int) -> int:
    for index in range(start, len(lines)):
        if _opens_with(lines[index], words):
            return index
    raise ValueError(f"no line opens with {words!r} after line {start + 1}")


def _part_starts(lines: Sequence[str], parts: Sequence[Part]) -> list[Section]:
    starts = []
    search_from = 0
    for part in parts:
        first = _find(lines, part.opens_with, search_from)
        search_from = first + 1
        if part.untitled:
            starts.append(Section(part.name, None, part.name, first, first))
            continue
        at = _find(lines, part.heading_at, first) if part.heading_at else first
        rows = tuple(range(at - first, at - first + part.heading_lines))
        heading = _heading_text([lines[first + row] for row in rows])
        starts.append(Section(part.name, None, heading, first, first, rows))
    return starts


def _is_upper(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def _looks_like_heading(title: str) -> bool:
    if _is_upper(title):
        return True
    return (
        title[0].isupper()
        and len(title) <= 70
        and len(title.split()) <= 10
        and not title.endswith((".", ",", ";", ":"))
    )


def _follows(number: tuple[int, ...], current: tuple[int, ...] | None) -> bool:
    """Whether `number` may be the next heading: next chapter, or a later subsection (gaps allowed)."""
    if current is None:
        return number == (1,)
    if len(number) == 1:
        return number[0] == current[0] + 1
    return number[0] == current[0] and number > current


def _numbered_starts(lines: Sequence[str]) -> list[Section]:
    starts = []
    current: tuple[int, ...] | None = None
    for index, line in enumerate(lines):
        match = _NUMBERED.match(line)
        if not match:
            continue
        number_text, title = match.groups()
        number = tuple(int(part) for part in number_text.split("."))
        if not _follows(number, current) or not _looks_like_heading(title):
            continue
        rows = [title]
        # Upper-case headings may wrap onto a second upper-case line ("7.7 … UTRUSTNING, / HJÄLPMEDEL MM").
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _is_upper(title) and not is_blank(following) and _is_upper(following):
            rows.append(following)
        current = number
        starts.append(
            Section(
                f"§{number_text}",
                number_text,
                _heading_text(rows),
                index,
                index,
                tuple(range(len(rows))),
            )
        )
    return starts


# --- paragraphs -------------------------------------------------------------------------


@dataclass
class _Block:
    rows: list[str]
    kind: Literal["heading", "body", "note"]  # a note: footnotes, stray URLs
    after_page_break: bool = False


def is_double_spaced(lines: Sequence[str]) -> bool:
    """Whether the extraction put a blank line after (nearly) every line of text."""
    pairs = list(zip(lines, lines[1:], strict=False))
    text_lines = [following for line, following in pairs if not is_blank(line)]
    return bool(text_lines) and sum(map(is_blank, text_lines)) >= 0.75 * len(text_lines)


def paragraphs(
    lines: Sequence[str], heading_rows: Sequence[int] = (), double_spaced: bool = False
) -> tuple[str, ...]:
    """Blocks separated by blank lines, whitespace collapsed, with the PDF's seams mended.

    Mending: heading lines stand alone; footnotes are kept apart from the sentence they
    interrupt; a block that merely continues a sentence (a sentence running on after a page
    break or a footnote, or a wrapped line in a `double_spaced` extraction) is joined to the
    paragraph it continues.
    """
    blocks = _split_blocks(lines, set(heading_rows))
    merged: list[_Block] = []
    latest: _Block | None = None  # the block that last received text
    for block in blocks:
        target = _continued(merged, latest, block, double_spaced)
        if target is None:
            merged.append(block)
            latest = block
        else:
            target.rows.extend(block.rows)
            latest = target
    return tuple(collapse(" ".join(block.rows)).replace(_PRIVATE_BULLET, "•") for block in merged)


def _split_blocks(lines: Sequence[str], heading_rows: set[int]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for index, line in enumerate(lines):
        if is_blank(line):
            current = None
        elif index in heading_rows:
            if current is None or current.kind != "heading":
                current = _Block([], "heading")
                blocks.append(current)
            current.rows.append(line)
        elif current is None or current.kind == "heading" or line.strip().startswith(_BULLETS):
            current = _Block([line], "note" if _NOTE_START.match(line) else "body")
            blocks.append(current)
        elif current.kind == "note" and re.match(r"^ \S", line):
            # The next page's text resumes right under the footnotes, indented by one space.
            current = _Block([line], "body", after_page_break=True)
            blocks.append(current)
        else:
            current.rows.append(line)
    return [piece for block in blocks for piece in _split_trailing_urls(block)]


def _split_trailing_urls(block: _Block) -> list[_Block]:
    if block.kind != "body":
        return [block]
    cut = len(block.rows)
    while cut > 1 and _BARE_URL.match(block.rows[cut - 1]):
        cut -= 1
    if cut == len(block.rows):
        return [block]
    return [
        _Block(block.rows[:cut], "body", block.after_page_break),
        _Block(block.rows[cut:], "note"),
    ]


def _continued(
    merged: list[_Block], latest: _Block | None, block: _Block, double_spaced: bool
) -> _Block | None:
    """The earlier block whose sentence `block` continues, if any."""
    if block.kind != "body" or latest is None:
        return None
    target: _Block | None = latest
    # Prose resumes after a page break, or after a stray URL, in the last body paragraph;
    # a footnote's own wrapped line continues the footnote.
    if block.after_page_break or (latest.kind == "note" and _BARE_URL.match(latest.rows[-1])):
        target = next((earlier for earlier in reversed(merged) if earlier.kind == "body"), None)
    if target is None or target.kind == "heading":
        return None
    last = target.rows[-1].rstrip()
    if last.rstrip("”\"')").endswith(_SENTENCE_END):
        return None
    opening = block.rows[0].strip()
    if opening.startswith(_BULLETS):
        return None
    if block.after_page_break or opening[0].islower():
        return target
    wrapped = double_spaced and len(last) >= _WRAPPED_LINE
    return target if wrapped and not _NOTE_START.match(opening) else None
