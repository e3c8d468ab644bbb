"""One text layer for every PDF and one writer for every CSV export.

PDF (fpdf2): :class:`Document` embeds DejaVu Sans (regular, bold, oblique, bold oblique) as
matplotlib ships it, so no font is downloaded and none is needed on the server. The font is
Unicode: Swedish and Sami names (Á á Č č Đ đ Ŋ ŋ Š š Ŧ ŧ Ž ž), en dashes, curly quotes, "≥",
"→" and "€" print as they are. :func:`text` prepares a value for the page: it drops soft
hyphens, turns the Symbol-font bullet some agreement texts carry into "•", and replaces the
rare character the font lacks with "?" (fpdf2 would otherwise leave it out silently).
Set fonts with ``pdf.set_font(FONT, style, size)``.

:func:`text_lines` reads the text back out of a PDF made here (compressed or not), for tests
and checks that no personal data is printed.

CSV: :func:`csv_bytes` writes what a Swedish spreadsheet opens as it is (UTF-8 with BOM,
``;`` between cells, CRLF), and guards every cell against formula injection
(:func:`csv_cell`: a text starting with ``= + - @`` tab or CR gets a leading ``'``; numbers
such as ``-12,50`` are left alone).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.util
import io
import logging
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import DocumentCompliance, TextEmphasis
from fpdf.prefs import ViewerPreferences

logger = logging.getLogger(__name__)

__all__ = [
    "FONT",
    "FONT_DIR",
    "Document",
    "font_file",
    "csv_bytes",
    "csv_cell",
    "csv_text",
    "csv_value",
    "text",
    "text_lines",
]

FONT = "dejavu"


def _font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")  # its data only: importing it takes time
    if spec is None or spec.origin is None:  # pragma: no cover - matplotlib is a dependency
        raise RuntimeError("matplotlib (DejaVu Sans) is not installed")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


FONT_DIR = _font_dir()
_FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}


# What is embedded: Latin (Swedish, Sami, Finnish, Meänkieli, the rest of Europe; Latin
# Extended Additional for Vietnamese), combining marks, Greek, punctuation, currency, letterlike symbols, arrows, mathematical operators
# (≥ ≤ ≠), shapes. The font is cut to these once per machine: a document then embeds in
# tens of milliseconds instead of the third of a second the whole font takes.
_RANGES = (
    (0x0020, 0x024F),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x25A0, 0x25FF),
    # Arabic script (names of persons who write them so): the letters, and the presentation
    # forms the shaping engine picks; regular and bold have them, italics fall back to regular.
    (0x0600, 0x06FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_CUT_VERSION = 3


@functools.cache
def font_file(style: str) -> Path:
    """The TTF file for ``style`` ("", "B", "I" or "BI"): DejaVu Sans cut to ``_RANGES``,
    made once in the temporary directory (the whole font when that cannot be written)."""
    source = FONT_DIR / _FONT_FILES[style]
    stat = source.stat()
    folder = Path(tempfile.gettempdir()) / "samverkan-fonts"
    target = folder / f"{source.stem}-{stat.st_size}-{int(stat.st_mtime)}-{_CUT_VERSION}.ttf"
    if target.exists():
        return target
    try:
        from fontTools import subset  # fpdf2's own dependency
        from fontTools.ttLib import TTFont

        options = subset.Options()
        options.notdef_outline = True
        options.recommended_glyphs = True
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.drop_tables += ["FFTM"]
        font = TTFont(source, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for lo, hi in _RANGES for c in range(lo, hi + 1)])
        subsetter.subset(font)
        folder.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(suffix=".ttf", dir=folder)
        with os.fdopen(fd, "wb") as out:
            font.save(out)
        os.chmod(partial, 0o644)
        os.replace(partial, target)  # atomic: other processes see the whole file or none
    except OSError:
        logger.warning("Could not cut the PDF font into %s; embedding the whole font", folder)
        return source
    return target


class Document(FPDF):
    """An fpdf2 document with the embedded Unicode font registered as :data:`FONT`.

    Regular and bold are loaded at once, italics on first use (a character italics lack,
    such as Arabic, falls back to regular). Text is shaped (HarfBuzz): Arabic joins and runs
    right to left. ``footer_text`` (left) and "Sida n av N" (right) are printed on every page.

    Every document is tagged: the document language is :data:`LANGUAGE`, the title (XMP
    ``dc:title`` and the info dictionary) is shown as the window title, and the content sits
    in a structure tree (``/Document`` with ``/H1``, ``/H2``, ``/P``, ``/L``, ``/Table``,
    ``/Figure``); footers are artifacts. Draw inside :meth:`tag` (or use :meth:`heading`,
    :meth:`paragraph`, :meth:`bullets`); anything else is a paragraph. ``archival = True``
    makes the document PDF/A-2U (ISO 19005-2, level U: every character maps to Unicode),
    with the sRGB output intent and XMP ``pdfaid`` identification.
    """

    footer_text = ""
    footer_size: float = 7
    archival = False

    def __init__(self, orientation: str = "P", unit: str = "mm", format: str = "A4") -> None:
        super().__init__(
            orientation=orientation,  # type: ignore[arg-type]
            unit=unit,
            format=format,
            enforce_compliance=ARCHIVAL_PROFILE if self.archival else None,
        )
        for style in ("", "B"):
            self.add_font(FONT, style, str(font_file(style)))
        self.set_fallback_fonts([FONT], exact_match=False)
        self.set_font(FONT, "", 10)
        self.set_lang(LANGUAGE)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self._tag_type = "P"
        self._tag_open = False
        self._tag_mark = 0

    # --- tagging --------------------------------------------------------------------------

    def _contents(self) -> bytearray:
        contents = self.pages[self.page].contents
        assert isinstance(contents, bytearray)  # an open page's stream (fpdf2 2.8)
        return contents

    def _content_length(self) -> int:
        return len(self._contents())

    def _open_tag(self, struct_type: str) -> None:
        self._tag_type = struct_type
        if not self.page or self._tag_open:
            return
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        self._tag_open = True
        self._tag_mark = self._content_length()

    def _close_tag(self) -> None:
        if not self._tag_open:
            return
        self._tag_open = False
        if self._content_length() == self._tag_mark:  # nothing drawn: no empty element
            contents = self._contents()
            start = contents.rfind(b"/" + self._tag_type.encode() + b" <</MCID")
            del contents[start:]
            element = self.struct_builder.doc_struct_elem.k.pop()
            for elements in self.struct_builder.struct_tree_root.parent_tree.nums.values():
                if element in elements:
                    elements.remove(element)
            return
        self._out("EMC")

    @contextmanager
    def tag(self, struct_type: str) -> Iterator[None]:
        """Draw the block inside as one structure element (``H1``, ``P``, ``Table``...);
        a page break inside continues it as an element of the same type on the next page."""
        self._close_tag()
        self._open_tag(struct_type)
        try:
            yield
        finally:
            self._close_tag()
            self._open_tag("P")

    @contextmanager
    def _marked_sequence(self, **kwargs: Any) -> Iterator[Any]:
        # fpdf2's own (images with alt text, outline sections) must not nest in ours.
        self._close_tag()
        with super()._marked_sequence(**kwargs) as element:
            yield element
        self._open_tag(self._tag_type)

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        continued = self._tag_type
        super().add_page(*args, **kwargs)
        self._open_tag(continued)

    def _render_footer(self) -> None:
        continued = self._tag_type
        self._close_tag()
        self._out("/Artifact BMC")
        super()._render_footer()
        self._out("EMC")
        self._tag_type = continued

    # --- shaping: only where the script needs it (it costs four times the time) ----------

    def cell(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        with self._shaped(args[2] if len(args) > 2 else kwargs.get("text", "")):
            return super().cell(*args, **kwargs)

    def multi_cell(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        # Left-aligned unless a caller asks otherwise: fpdf2 justifies by default, which
        # spreads a short line's words with wide gaps (issue 12's "wide gaps").
        if len(args) <= 4 and "align" not in kwargs:
            kwargs["align"] = "L"
        with self._shaped(args[2] if len(args) > 2 else kwargs.get("text", "")):
            return super().multi_cell(*args, **kwargs)

    @contextmanager
    def _shaped(self, value: object) -> Iterator[None]:
        if self.text_shaping is not None or not _NEEDS_SHAPING.search(str(value)):
            yield
            return
        self.set_text_shaping(True)
        try:
            yield
        finally:
            self.set_text_shaping(False)

    # --- blocks ---------------------------------------------------------------------------

    def heading(self, value: str, *, size: float = 13, level: int = 2, space: float = 3) -> None:
        """A heading kept with what follows: it starts a new page rather than end one."""
        self.ln(space)
        if self.get_y() + size * 0.6 + 14 > self.page_break_trigger:
            self.add_page()
        with self.tag(f"H{level}"):
            self.set_font(FONT, "B", size)
            self.multi_cell(0, size * 0.6, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 11)

    def paragraph(self, value: str, *, height: float = 6) -> None:
        with self.tag("P"):
            self.multi_cell(0, height, value, align="L", new_x="LMARGIN", new_y="NEXT")

    def bullets(self, items: Sequence[str], *, height: float = 6, indent: float = 3) -> None:
        """A list, left-aligned, with hanging bullets."""
        with self.tag("L"):
            for item in items:
                self.set_x(self.l_margin + indent)
                self.cell(4, height, "\u2022")
                self.multi_cell(0, height, item, align="L", new_x="LMARGIN", new_y="NEXT")

    def keep_together(self, height: float) -> None:
        """A new page unless ``height`` millimetres still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # --- output ---------------------------------------------------------------------------

    def output(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if not self.buffer and self.page:
            self._close_tag()
            self._tag_type = "P"
        if self.xmp_metadata is None:
            self.xmp_metadata = _xmp(self)  # type: ignore[assignment]
        return super().output(*args, **kwargs)

    def set_font(
        self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0
    ) -> None:
        if isinstance(style, str) and (family or self.font_family) == FONT:
            key = "".join(sorted(style.upper().replace("U", "").replace("S", "")))
            if key in _FONT_FILES and FONT + key not in self.fonts:
                self.add_font(FONT, key, str(font_file(key)))
        super().set_font(family, style, size)

    def normalize_text(self, txt: str) -> str:
        """Every string fpdf2 draws passes here: the text layer applies to all of them."""
        return super().normalize_text(text(txt) if self.is_ttf_font else txt)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", self.footer_size)
        self.set_text_color(90, 90, 90)
        # The footer's text wraps beside the page number rather than run into it.
        number = 24
        self.multi_cell(
            self.epw - number, 3.5, text(self.footer_text), align="L", new_x="RIGHT", new_y="TOP"
        )
        self.set_xy(self.l_margin + self.epw - number, -14)
        self.cell(number, 3.5, f"Sida {self.page_no()} av {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


# Scripts that join or run right to left (Hebrew, Arabic and their presentation forms).
_NEEDS_SHAPING = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
LANGUAGE = "sv-SE"
ARCHIVAL_PROFILE = DocumentCompliance.PDFA_2U


def _xmp(pdf: FPDF) -> str:
    """XMP metadata: title, language, author, dates (the creation date for both, so a
    document renders to the same bytes every time) and, for PDF/A, ``pdfaid``."""
    from html import escape

    def esc(value: object) -> str:
        return escape(str(value), quote=True)

    created = pdf.creation_date
    if isinstance(created, dt.datetime):
        created = created if created.tzinfo else created.astimezone()
        stamp = created.astimezone(dt.UTC).isoformat(timespec="seconds")
    else:
        stamp = ""
    attributes = [
        f'        xmp:CreatorTool="{esc(getattr(pdf, "creator", None) or "Samverkan")}"',
        f'        pdf:Producer="{esc(pdf.producer)}"' if getattr(pdf, "producer", None) else "",
    ]
    if stamp:
        attributes += [
            f'        xmp:CreateDate="{stamp}"',
            f'        xmp:ModifyDate="{stamp}"',
            f'        xmp:MetadataDate="{stamp}"',
        ]
    body = []
    compliance = pdf._compliance
    if compliance:
        body.append(f"      <pdfaid:part>{compliance.part}</pdfaid:part>")
        if compliance.conformance:
            body.append(f"      <pdfaid:conformance>{compliance.conformance}</pdfaid:conformance>")
    if pdf.title:
        body.append(
            '      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{esc(pdf.title)}</rdf:li></rdf:Alt></dc:title>"
        )
    body.append(f"      <dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>")
    if getattr(pdf, "author", None):
        body.append(
            f"      <dc:creator><rdf:Seq><rdf:li>{esc(pdf.author)}</rdf:li></rdf:Seq></dc:creator>"
        )
    return "\n".join(
        [
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
            '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            '    <rdf:Description rdf:about=""',
            '        xmlns:dc="http://purl.org/dc/elements/1.1/"',
            '        xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '        xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
            '        xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
            *[a for a in attributes if a],
            "      >",
            *body,
            "    </rdf:Description>",
            "  </rdf:RDF>",
            "</x:xmpmeta>",
        ]
    )


_REPLACEMENTS = {
    "\u00ad": "",  # soft hyphen
    "\uf0b7": "\u2022",  # the Symbol-font bullet of some agreement texts
}


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    # Regular and bold: italics fall back to regular for what they lack (Arabic).
    cmaps = [
        set(TTFont(FONT_DIR / _FONT_FILES[style], lazy=True).getBestCmap()) for style in ("", "B")
    ]
    in_ranges = {c for lo, hi in _RANGES for c in range(lo, hi + 1)}
    return frozenset(in_ranges.intersection(*cmaps))


def text(value: object) -> str:
    """``value`` as it can be drawn with :data:`FONT` (missing characters become ``?``)."""
    out = str(value)
    for old, new in _REPLACEMENTS.items():
        out = out.replace(old, new)
    covered = _covered()
    if all(ord(c) in covered or c in "\n\r\t" for c in out):
        return out
    return "".join(c if ord(c) in covered or c in "\n\r\t" else "?" for c in out)


# --- reading a PDF back (tests, privacy checks) ---------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream\s*$", re.S)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJECT.finditer(data):
        body = match.group(2)
        stream = _STREAM.match(body)
        if stream is None:
            found[int(match.group(1))] = (body, None)
            continue
        head, raw = stream.group(1), stream.group(2)
        if b"/FlateDecode" in head:
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                raw = b""
        found[int(match.group(1))] = (head, raw)
    return found


def _cmap(raw: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", raw, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", raw, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _string(content: bytes, i: int) -> tuple[bytes, int]:
    """The literal string starting after ``(`` at ``i``; returns it and the index after ``)``."""
    out = bytearray()
    depth = 1
    while i < len(content):
        c = content[i]
        if c == 0x5C:  # backslash
            nxt = content[i + 1]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                i += 1 + len(digits.group())
            elif nxt in b"\r\n":
                i += 2
            else:
                out.append(nxt)
                i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    return bytes(out), i


_TOKEN = re.compile(rb"\(|<([0-9A-Fa-f\s]*)>|/(\w+)\s+[\d.]+\s+Tf|\bET\b")


def text_lines(data: bytes) -> list[str]:
    """The text of a PDF made by fpdf2, one entry per text object (a cell or a line)."""
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str] | None] = {}
    for _head, _raw in objects.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", _head):
            head, _ = objects.get(int(ref), (b"", None))
            unicode_ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", head)
            if unicode_ref:
                fonts[name] = _cmap(objects.get(int(unicode_ref.group(1)), (b"", None))[1] or b"")
            else:
                fonts.setdefault(name, None)  # a core font: Latin-1 bytes
    lines: list[str] = []
    for head, content in objects.values():
        if content is None or b"BT" not in content or b"/Type /XObject" in head:
            continue
        raw = content
        font: dict[int, str] | None = None
        current: list[str] = []
        i = 0
        while (match := _TOKEN.search(raw, i)) is not None:
            token = match.group(0)
            if token == b"(":
                chunk, i = _string(raw, match.end())
            elif token.startswith(b"<"):
                chunk, i = bytes.fromhex(match.group(1).decode()), match.end()
            elif token == b"ET":
                if current:
                    lines.append("".join(current))
                current, i = [], match.end()
                continue
            else:
                font, i = fonts.get(match.group(2)), match.end()
                continue
            current.append(_decode(chunk, font))
        if current:
            lines.append("".join(current))
    return lines


def _decode(chunk: bytes, font: dict[int, str] | None) -> str:
    if font is None:
        return chunk.decode("latin-1")
    codes = (int.from_bytes(chunk[k : k + 2], "big") for k in range(0, len(chunk) - 1, 2))
    return "".join(font.get(code, "\ufffd") for code in codes)


# --- CSV ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?\d[\d\s\u00a0]*([.,]\d+)?$")


def csv_cell(value: Any) -> str:
    """A cell as text, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    cell = str(value)
    if cell and cell[0] in "=+-@\t\r" and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def csv_value(value: Any) -> Any:
    """A value as a Swedish spreadsheet reads it: decimal comma for numbers with decimals,
    ``true``/``false`` for truth values, nothing for none; text is left as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def csv_text(
    rows: Iterable[Sequence[Any]], header: Sequence[str] | None = None, *, bom: bool = True
) -> str:
    """Rows as CSV text (BOM first, ``;`` between cells, CRLF, decimal comma), every cell
    guarded. ``bom=False`` for the chunks after the first of a streamed file."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header is not None:
        writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(csv_value(cell)) for cell in row])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], header: Sequence[str] | None = None) -> bytes:
    """:func:`csv_text` encoded as UTF-8 (with its BOM)."""
    return csv_text(rows, header).encode("utf-8")
