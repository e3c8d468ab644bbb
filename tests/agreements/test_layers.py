"""The agreements room and the deviations room: doors, not a circle (issue 10).

Before the agreements lifecycle had its own room, `deviations.access` imported
`deviations.disputes`, which imported `deviations.lifecycle`, which imported
`deviations.access` and `deviations.disputes` again (the cycle was hidden in imports inside
functions). These tests read every import statement, also those inside functions, so a
cycle cannot hide again.
"""

from __future__ import annotations

import ast
from pathlib import Path

import samverkan

ROOT = Path(samverkan.__file__).parent
ROOMS = ("deviations", "agreements")
# What another room may import from the agreements room (its door: writes, reads, and the
# API schema pieces it shares, as ../shared/spec/architecture.md names a room's door).
AGREEMENTS_DOOR = {
    "samverkan.agreements.services",
    "samverkan.agreements.selectors",
    "samverkan.agreements.schemas",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(path: Path, name: str) -> set[str]:
    """Every samverkan module this file imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            out.add(module)
            # `from samverkan.x import y` may name a module y.
            out.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in out if m.startswith("samverkan.")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {m for m in _imports(path, name) if m in modules and m != name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_deviations_disputes_and_the_lifecycle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_agreements_import_nothing_from_deviations():
    offending = {
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("samverkan.agreements")
        for target in targets
        if target.startswith("samverkan.deviations")
    }
    assert not offending, sorted(offending)


def test_deviations_use_only_the_agreements_door():
    offending = {
        (name, target)
        for name, targets in _graph().items()
        if name.startswith("samverkan.deviations")
        for target in targets
        if target.startswith("samverkan.agreements") and target not in AGREEMENTS_DOOR
    }
    assert not offending, sorted(offending)


def test_the_lifecycle_is_not_in_the_deviations_room():
    modules = _modules()
    assert "samverkan.deviations.lifecycle" not in modules
    assert "samverkan.agreements.services" in modules
    assert "samverkan.agreements.selectors" in modules
