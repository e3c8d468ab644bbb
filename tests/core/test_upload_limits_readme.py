"""The README's upload-limit table (Security, *Upload limits*) states every kind of upload and
its default byte limit as core.uploads.DEFAULTS has them (issue 15: documented limits)."""

from __future__ import annotations

from pathlib import Path

from samverkan.core.uploads import DEFAULTS, size_text

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_kind_and_its_default_size_is_in_the_readme_table():
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `") and line.count("|") == 9
    }
    for kind, limits in DEFAULTS.items():
        assert kind in rows, kind
        cells = [cell.strip() for cell in rows[kind].split("|")]
        assert cells[3] == size_text(limits.max_bytes), (kind, cells[3])
        if cells[4] != "–":
            assert cells[4].replace(" ", "") == str(limits.max_rows), kind
