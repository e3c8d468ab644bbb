"""Counted words read as Swedish (issue 13: "1 insatser", "1 faktura(or)")."""

from __future__ import annotations

from samverkan.core.words import count


def test_the_word_follows_the_number():
    assert count(1, "faktura", "fakturor") == "1 faktura"
    assert count(0, "faktura", "fakturor") == "0 fakturor"
    assert count(3, "insats", "insatser") == "3 insatser"
    assert count(1, "insats", "insatser") == "1 insats"
