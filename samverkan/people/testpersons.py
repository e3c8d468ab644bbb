"""Skatteverket's reserved test personnummer, and synthetic persons built on them.

Demo data and tests use only these numbers: they belong to Skatteverket's public test series
and are never given to real persons. The list is read at run time from the shared test data
(`../shared/testdata/personnummer/skatteverket-test-personnummer.json`, relative to the
project root, i.e. the folder holding Samverkan's pyproject.toml; `SAMVERKAN_SHARED_DIR`
names another shared folder). Without that folder (an installed wheel), a small embedded
list of 30 numbers from the same file is used instead.

Names are drawn from small invented lists of common Swedish first names per birth era and
common surnames; a synthetic person's test number is born in the era of their first name
and states the same sex.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from samverkan.people.identity import (
    MAX_AGE,
    IdSystem,
    PersonIdentifier,
    birth_date,
    parse_identifier,
    sex,
)

__all__ = [
    "EMBEDDED_TEST_PERSONNUMMER",
    "load_test_personnummer",
    "project_root",
    "shared_dir",
    "synthetic_person",
    "synthetic_persons",
    "test_personnummer",
]

SHARED_ENV = "SAMVERKAN_SHARED_DIR"
_TEST_FILE = Path("testdata", "personnummer", "skatteverket-test-personnummer.json")

# 30 numbers from skatteverket-test-personnummer.json: 5 per birth era and sex (see _ERAS).
EMBEDDED_TEST_PERSONNUMMER: tuple[str, ...] = (
    "192905209181", "193603289020", "194208269128", "194802082364", "195401076327",
    "192801139177", "193506308174", "194112128154", "194606233411", "195401017875",
    "197606162381", "197808052380", "198009172381", "198210282383", "198412072384",
    "197606022395", "197807312397", "198009142392", "198210252394", "198412062393",
    "198904062380", "199510142384", "200203292388", "200811022383", "201611172386",
    "198904032391", "199510152391", "200204202394", "200811192392", "201611302397",
)  # fmt: skip


def project_root() -> Path | None:
    """The folder holding Samverkan's pyproject.toml above this file, if there is one."""
    for folder in Path(__file__).resolve().parents:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and 'name = "samverkan"' in pyproject.read_text("utf-8"):
            return folder
    return None


def shared_dir() -> Path | None:
    """`$SAMVERKAN_SHARED_DIR`, else `<project root>/../shared`; None without either."""
    if override := os.environ.get(SHARED_ENV):
        return Path(override)
    root = project_root()
    return root.parent / "shared" if root else None


@cache
def load_test_personnummer() -> tuple[str, ...]:
    """All test numbers, 12 digits, sorted and without duplicates.

    From the shared file when it is there, otherwise `EMBEDDED_TEST_PERSONNUMMER`.
    """
    folder = shared_dir()
    path = folder / _TEST_FILE if folder else None
    if path is None or not path.is_file():
        return tuple(sorted(EMBEDDED_TEST_PERSONNUMMER))
    numbers = json.loads(path.read_text("utf-8"))
    return tuple(sorted({str(n) for n in numbers}))


def test_personnummer(n: int, seed: int = 0) -> list[str]:
    """`n` distinct test numbers (12 digits), the same ones for the same seed and list.
    Only numbers a person alive can have: Skatteverket's list reaches back to 1890, and a
    number implying an age over 125 is refused as implausible (`identity.MAX_AGE`)."""
    numbers = load_test_personnummer()
    if not 0 <= n <= len(numbers):
        raise ValueError(f"Det finns {len(numbers)} testpersonnummer; {n} begärdes.")
    rng = random.Random(seed)
    chosen = rng.sample(numbers, n)
    # The same sample as before the age limit, but a number too old for a person alive is
    # swapped for an adult's (born 1926-1960), so fixtures keep their adults adult.
    oldest = date.today().year - MAX_AGE + 1
    taken = set(chosen)
    adults = [x for x in numbers if 1926 <= int(x[:4]) <= 1960 and x not in taken]
    spare = iter(rng.sample(adults, min(len(adults), n)))
    return [x if int(x[:4]) > oldest else next(spare) for x in chosen]


test_personnummer.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


# --- synthetic persons ----------------------------------------------------------------

# (first birth year, last birth year, weight, women's names, men's names). The weights give
# the age mix of a cooperation caseload: mostly old people in hemsjukvård, fewer adults
# and children.
_ERAS: tuple[tuple[int, int, float, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        1925,
        1955,
        0.55,
        ("Margareta", "Birgitta", "Ingrid", "Kerstin", "Gunnel", "Britt", "Ulla", "Inger",
         "Marianne", "Barbro", "Gun", "Elisabeth"),
        ("Karl", "Gunnar", "Sven", "Bengt", "Stig", "Rolf", "Bertil", "Lennart", "Göran",
         "Nils", "Åke", "Ingvar"),
    ),
    (
        1956,
        1985,
        0.25,
        ("Anna", "Eva", "Maria", "Karin", "Susanne", "Annika", "Helena", "Camilla", "Lena",
         "Malin", "Åsa", "Anneli"),
        ("Anders", "Per", "Mikael", "Johan", "Peter", "Thomas", "Magnus", "Jonas", "Fredrik",
         "Stefan", "Daniel", "Patrik"),
    ),
    (
        1986,
        2023,
        0.20,
        ("Emma", "Sara", "Julia", "Elin", "Ida", "Alice", "Maja", "Elsa", "Wilma", "Ella",
         "Ebba", "Linnea"),
        ("Oscar", "William", "Lucas", "Filip", "Erik", "Alexander", "Viktor", "Liam", "Hugo",
         "Elias", "Axel", "Noah"),
    ),
)  # fmt: skip

_FAMILY_NAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Lindberg", "Lindström", "Lindqvist", "Berg", "Sjöberg", "Holm", "Forsberg",
    "Bergström", "Hedlund", "Sandberg", "Lundgren", "Nordin", "Jakobsson", "Berglund",
)  # fmt: skip


@cache
def _pools() -> dict[tuple[int, str], tuple[str, ...]]:
    """Test numbers per (era index, sex)."""
    pools: dict[tuple[int, str], list[str]] = {}
    for number in load_test_personnummer():
        identifier = PersonIdentifier(IdSystem.personnummer, number)
        person_sex = sex(identifier)
        for index, (first, last, *_rest) in enumerate(_ERAS):
            if first <= int(number[:4]) <= last:
                pools.setdefault((index, str(person_sex)), []).append(number)
    return {key: tuple(value) for key, value in pools.items()}


def synthetic_person(seed: int) -> dict[str, Any]:
    """A synthetic person, the same one for the same seed and test number list.

    Keys: `given`, `family`, `personnummer` (12 digits, a Skatteverket test number),
    `birth_date` (date), `sex` (`female`/`male`, as the number states).
    """
    rng = random.Random(seed)
    era = rng.choices(range(len(_ERAS)), weights=[e[2] for e in _ERAS])[0]
    person_sex = rng.choice(("female", "male"))
    _first, _last, _weight, women, men = _ERAS[era]
    number = rng.choice(_pools()[(era, person_sex)])
    born = birth_date(parse_identifier(number, IdSystem.personnummer))  # validates it too
    return {
        "given": rng.choice(women if person_sex == "female" else men),
        "family": rng.choice(_FAMILY_NAMES),
        "personnummer": number,
        "birth_date": born,
        "sex": person_sex,
    }


def synthetic_persons(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` synthetic persons with distinct personnummer, the same ones for the same seed."""
    if n > len(load_test_personnummer()):
        raise ValueError(f"Det finns {len(load_test_personnummer())} testpersonnummer.")
    rng = random.Random(seed)
    persons: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _ in range(100 * n + 1000):
        if len(persons) == n:
            break
        person = synthetic_person(rng.getrandbits(64))
        if person["personnummer"] not in seen:
            seen.add(person["personnummer"])
            persons.append(person)
    if len(persons) < n:
        raise ValueError(f"Hittade bara {len(persons)} olika testpersoner.")
    return persons
