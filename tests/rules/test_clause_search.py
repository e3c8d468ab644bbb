"""Clause search: Swedish stems ranked with BM25."""

import pytest

from samverkan.rules.clauses.search import SNIPPET_LENGTH, search, stems


def _ids(query: str, limit: int = 10) -> list[str]:
    return [hit.clause.id for hit in search(query, limit=limit)]


def test_inflected_forms_share_a_stem():
    assert stems("Barnen, barn!") == ["barn", "barn"]
    assert stems("tvister TVIST") == ["tvist", "tvist"]


def test_medication_query_finds_the_municipal_responsibility_clause_in_the_top_three():
    assert "jh-hemsjukvard §7.3" in _ids("läkemedel dosdispensering", limit=3)


def test_physician_query_finds_the_regional_responsibility_clause():
    assert _ids("läkarinsatser")[0] == "jh-hemsjukvard §7.2"


def test_inflected_children_query_finds_the_children_clause():
    assert _ids("barnen")[0] == "gvb-svart-sjuka Barn"


def test_disputes_query_finds_both_dispute_clauses_first():
    assert set(_ids("tvister", limit=2)) == {"jh-hemsjukvard §11", "jh-psykisk §11"}


def test_evenings_query_finds_the_night_duty_clause():
    assert (
        _ids("kvällar natt")[0]
        == "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00"
    )


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "17.00 – 08.00"])
def test_a_query_without_words_finds_nothing(query):
    assert search(query) == []


def test_a_query_of_unknown_words_finds_nothing():
    assert search("xylofonorkester") == []


def test_hits_are_ranked_limited_and_filtered_by_agreement():
    hits = search("egenvård", limit=3, agreement="gvb-svart-sjuka")
    assert 0 < len(hits) <= 3
    assert all(hit.clause.agreement == "gvb-svart-sjuka" for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_an_unknown_agreement_is_rejected():
    with pytest.raises(ValueError, match="Okänt avtal"):
        search("egenvård", agreement="okänt")


def test_snippet_is_the_best_paragraph_shortened_around_the_first_hit():
    hit = search("dosdispensering")[0]
    assert hit.clause.id == "jh-hemsjukvard §7.3"
    assert "dosdispensering" in hit.snippet
    assert len(hit.snippet) <= SNIPPET_LENGTH + 2  # plus the ellipses


def test_short_paragraphs_are_quoted_whole():
    hit = search("tvister", limit=1)[0]
    assert (
        hit.snippet
        == "Tvister ska lösas i nuvarande samverkansforum med verksamhetschefer/förvaltningschefer"
    )
