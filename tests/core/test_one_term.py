"""Issue 13, "one term for one thing": the manager the agreements' disputes go to first is
"närmaste chef" in every template, message and rule text; "närmsta" (the hemsjukvårdsavtal's
own spelling) survives only inside words quoted verbatim from an agreement."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import samverkan

ROOT = Path(samverkan.__file__).parent
TEXTS = ROOT / "rules" / "clauses" / "texts"
OLD = "närmsta"


def _agreement_text() -> str:
    return " ".join(" ".join(p.read_text().split()) for p in TEXTS.glob("*.txt"))


def _sources(*suffixes: str) -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*")
        if p.suffix in suffixes and "migrations" not in p.parts and TEXTS not in p.parents
    ]


def test_templates_and_rule_files_say_naermaste():
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _sources(".html", ".txt", ".toml", ".md")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if OLD in line.lower()
    ]
    assert found == []


def test_python_strings_say_naermaste_except_verbatim_quotes():
    agreements = _agreement_text()
    found = []
    for path in _sources(".py"):
        source = path.read_text()
        if OLD not in source.lower():
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = " ".join(node.value.split())
                if OLD in text.lower() and text not in agreements:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]}")
        comments = [c for c in re.findall(r"#.*", source) if OLD in c.lower()]
        found += [f"{path.relative_to(ROOT)}: {c[:60]}" for c in comments]
    assert found == []


def test_the_quotes_that_keep_the_agreements_spelling_are_in_the_agreement():
    assert "problemet lyfts till närmsta chef" in _agreement_text()


# "Uppgifter" is for tasks (Mina uppgifter, Öppna uppgifter, Ny uppgift); facts about a person
# (and the facts the agreements ask for) are "fakta". The phrasings that used "uppgift" for a
# fact, on the person page, decisions, interventions, disputes, the library and the guide:
FACT_AS_UPPGIFT = re.compile(
    r"\b(uppgift(er)? som (saknas|behövs|gäller|beslutet|avtalen)"
    r"|registrerade uppgifter|från personens uppgifter|personens egna uppgifter"
    r"|uppgifter ur personens"
    r"|ändra uppgift\b|ändrade uppgifter|insatsens uppgifter|uppgifter från besluten"
    r"|uppgifterna används när ansvaret|fler uppgifter än|alla uppgifter som avtalen"
    r"|de uppgifter som nu finns)",
    re.IGNORECASE,
)
# A heading or label that is the bare word (the person page's facts section was "Uppgifter").
BARE_LABEL = re.compile(r"""translate ["']Uppgifter?["']""")


def test_facts_are_fakta_and_uppgifter_are_tasks():
    """Models' verbose names (admin only; renaming them needs migrations in their apps) are
    left; everything else says "fakta"."""
    found = []
    for path in _sources(".html", ".py"):
        if path.name == "models.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if FACT_AS_UPPGIFT.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert found == []


def test_no_bare_uppgifter_label_for_facts():
    """The bare word as a label is allowed only where the list is of tasks."""
    allowed = {"web/templates/web/start.html", "people/templates/people/overview.html"}
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _sources(".html")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if BARE_LABEL.search(line) and str(p.relative_to(ROOT)) not in allowed
    ]
    assert found == []


#: a template variable right before a plural noun reads "1 dagar" when the number is one
BARE_PLURAL = re.compile(r"\{\{[^}]*\}\} (dagar|insatser|fakturor|tvister|personer|timmar)\b")


def test_templates_count_with_the_number_s_form():
    """Numbers in templates take the noun's form through `pluralize` ("1 dag", "2 dagar"), or
    blocktranslate's count; found by the role walks: "1 dagar" on the discharge payment pages."""
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _sources(".html")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if BARE_PLURAL.search(line) and "blocktranslate" not in line
    ]
    assert found == []
