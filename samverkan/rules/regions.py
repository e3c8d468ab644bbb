"""The two counties the agreements cover and their kommuner (SCB kommunkod)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    county_code: str
    municipalities: dict[str, str]  # SCB kommunkod -> name


REGIONS: dict[str, Region] = {
    "jamtland-harjedalen": Region(
        id="jamtland-harjedalen",
        name="Region Jämtland Härjedalen",
        county_code="23",
        municipalities={
            "2303": "Ragunda",
            "2305": "Bräcke",
            "2309": "Krokom",
            "2313": "Strömsund",
            "2321": "Åre",
            "2326": "Berg",
            "2361": "Härjedalen",
            "2380": "Östersund",
        },
    ),
    "gavleborg": Region(
        id="gavleborg",
        name="Region Gävleborg",
        county_code="21",
        municipalities={
            "2101": "Ockelbo",
            "2104": "Hofors",
            "2121": "Ovanåker",
            "2132": "Nordanstig",
            "2161": "Ljusdal",
            "2180": "Gävle",
            "2181": "Sandviken",
            "2182": "Söderhamn",
            "2183": "Bollnäs",
            "2184": "Hudiksvall",
        },
    ),
}


def municipality_name(code: str) -> str:
    for region in REGIONS.values():
        if code in region.municipalities:
            return region.municipalities[code]
    raise KeyError(code)


def region_of_municipality(code: str) -> str | None:
    for region in REGIONS.values():
        if code in region.municipalities:
            return region.id
    return None


ALL_MUNICIPALITIES: tuple[str, ...] = tuple(c for r in REGIONS.values() for c in r.municipalities)
