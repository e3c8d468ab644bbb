"""Counted words in Swedish: "1 faktura", "3 fakturor", never "1 faktura(or)" or "1 insatser".

`count(n, "faktura", "fakturor")` for messages built in Python; templates use
`{% blocktranslate count %}` (which also knows the singular).
"""

from __future__ import annotations


def count(n: int, singular: str, plural: str) -> str:
    """The number and the word in the form the number asks for ("0 fakturor", "1 faktura")."""
    return f"{n} {singular if n == 1 else plural}"


__all__ = ["count"]
