"""API schemas of the followup room, read from the objects' attributes (the rule catalogue,
the yearly report's dataclasses, saved simulations; `resolve_<name>` computes what no
attribute holds). Responses are unchanged from before the split.

The report, the examples and the simulations are documented as free JSON objects
(`dict[str, Any]`): their operations return `Schema.dump(obj)`, the schema read from the
object and dumped to the same dict as before."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from samverkan.api.schemas import IsoDate
from samverkan.followup import simulation as sim
from samverkan.followup.models import PopulationSource


class _Dumped(Schema):
    @classmethod
    def dump(cls, obj: Any) -> dict[str, Any]:
        """The dict an operation documented as `dict[str, Any]` returns for `obj`."""
        return cls.from_orm(obj).model_dump()


# --- in ------------------------------------------------------------------------------------


class PopulationIn(Schema):
    """The cases: ``synthetic`` or ``recorded`` cases on ``date`` (required for them), or
    ``discharges``: the region's recorded stays of ``year`` (none: last year), for the
    discharge question (``{"op": "set_discharge_days", "days": N}``, optionally with
    ``"psychiatric_days": M`` for psychiatric care apart)."""

    source: str = PopulationSource.SYNTHETIC
    region: str
    date: IsoDate | None = None
    n: int | None = None  # none: as many cases as the county has inhabitants
    seed: int = 0
    price_year: int | None = None
    year: int | None = None


class SimulationIn(Schema):
    variant: dict[str, Any]
    population: PopulationIn


# --- the rule catalogue and the examples ---------------------------------------------------


class ParameterOut(_Dumped):
    kind: str
    fact: str
    name: str
    value: Any
    text: str


class RuleOut(Schema):
    id: str
    agreement: str
    region: str
    clause: str
    summary: str
    condition: str
    decides: dict[str, str]
    parameters: list[dict[str, Any]]

    @staticmethod
    def resolve_parameters(rule: Any) -> list[dict[str, Any]]:
        return [ParameterOut.dump(p) for p in rule.parameters]


class NamedParameterOut(Schema):
    """A named number of the agreements a variant changes by name (``set_parameter`` with
    ``name``): its question and help text as on the simulation page, and today's value as a
    change writes it (a clock time as "HH:MM")."""

    name: str
    question: str
    help: str
    agreement: str
    region: str
    clause: str
    unit: str
    value: int | str
    rules: list[str]

    @staticmethod
    def resolve_question(p: Any) -> str:
        return sim.parameter_question(p)[0]

    @staticmethod
    def resolve_help(p: Any) -> str:
        return sim.parameter_question(p)[1]

    @staticmethod
    def resolve_value(p: Any) -> int | str:
        return sim.format_time(p.value) if p.is_time else int(p.value)


class ExampleOut(_Dumped):
    key: str
    region: str
    date: Any
    variant: Any


# --- the yearly report ---------------------------------------------------------------------


class CellOut(_Dumped):
    """A cell as a reader may see it: ``null`` with ``"hidden": true`` when small."""

    value: Any
    text: str
    hidden: bool

    @staticmethod
    def resolve_value(cell: Any) -> Any:
        value = cell.shown
        return float(value) if value is not None and cell.kind != "count" else value

    @staticmethod
    def resolve_text(cell: Any) -> str:
        return str(cell.text())


class KeyFigureOut(Schema):
    label: str
    sentence: str
    previous: str = ""  # the same figure the year before, in words; "" when not reported
    value: Any
    text: str
    hidden: bool

    @staticmethod
    def resolve_value(figure: Any) -> Any:
        return CellOut.resolve_value(figure.cell)

    @staticmethod
    def resolve_text(figure: Any) -> str:
        return CellOut.resolve_text(figure.cell)

    @staticmethod
    def resolve_hidden(figure: Any) -> bool:
        return bool(figure.cell.hidden)


class RowOut(Schema):
    label: str
    cells: list[CellOut]


class TableOut(Schema):
    key: str
    caption: str
    columns: list[str]
    rows: list[RowOut]

    @staticmethod
    def resolve_columns(table: Any) -> list[str]:
        return [table.row_head, *table.columns]

    @staticmethod
    def resolve_rows(table: Any) -> list[dict[str, Any]]:
        return [{"label": label, "cells": cells} for label, cells in table.rows]


class SectionOut(Schema):
    key: str
    title: str
    available: bool
    note: str
    tables: list[TableOut]

    @staticmethod
    def resolve_note(section: Any) -> str:
        return str(section.source_note if section.available else section.missing_note)


class ReportOut(_Dumped):
    agreement: str
    title: str
    region: str
    year: int
    key_figures: list[KeyFigureOut]
    sections: list[SectionOut]


# --- saved simulations ---------------------------------------------------------------------


class SimulationSummary(_Dumped):
    id: int
    name: str
    source: str
    region: str
    cases: int
    moved_cases: int | None
    created_at: str

    @staticmethod
    def resolve_created_at(saved: Any) -> str:
        return str(saved.created_at.isoformat())


class SimulationOut(_Dumped):
    id: int
    name: str
    description: str
    variant: Any
    source: str
    region: str
    population: Any
    created_at: str
    result: Any

    @staticmethod
    def resolve_created_at(saved: Any) -> str:
        return str(saved.created_at.isoformat())
