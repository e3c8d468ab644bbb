"""The clause library: ids, line ranges, exact text, lookup, passages and classification."""

from pathlib import Path

import pytest

from samverkan.rules.clauses.classification import EXPECTED_ENCODED, PROSE, coverage
from samverkan.rules.clauses.library import (
    AGREEMENTS,
    AnchorNotFound,
    UnknownClause,
    clauses,
    for_agreement,
    get,
    passage,
    source_text,
)
from samverkan.rules.clauses.parser import is_blank, split_lines

SHARED_AGREEMENTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "agreements"


def _numbered(agreement: str, numbers: str) -> list[str]:
    return [f"{agreement} §{number}" for number in numbers.split()]


EXPECTED_IDS = {
    "jh-hemsjukvard": [
        "jh-hemsjukvard Revidering 2020",
        *_numbered(
            "jh-hemsjukvard",
            "1 2 3 4 5 6 6.1 6.2 6.4 7 7.1 7.2 7.3 7.5 7.6 7.7 8 8.1 8.2 8.3 9 10 11",
        ),
        "jh-hemsjukvard Bilagor",
        "jh-hemsjukvard Underskrifter",
    ],
    "jh-primarvard-kommun": [
        "jh-primarvard-kommun Dokumenthuvud",
        "jh-primarvard-kommun Läkarmedverkan",
        "jh-primarvard-kommun Samverkansrutin mellan primärvård och kommun",
        "jh-primarvard-kommun Medicinteknisk utrustning och läkemedel",
        "jh-primarvard-kommun Laboratorieservice och högrentservice",
        "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00",
        "jh-primarvard-kommun Dagtid 08.00–17.00",
    ],
    "jh-psykisk": [
        *_numbered(
            "jh-psykisk",
            "1 2 2.1 2.2 3 4 4.1 4.2 5 5.1 5.2 5.3 5.4 5.5 5.6 5.7 5.8 5.9 5.10 5.11"
            " 6 6.1 6.2 6.3 7 8 9 10 11",
        ),
        "jh-psykisk Bilaga 1",
    ],
    "gvb-svart-sjuka": [
        f"gvb-svart-sjuka {name}"
        for name in [
            "Bakgrund",
            "Överenskommelse",
            "Målgrupp för överenskommelsen",
            "Gränsdragning egenvård och hälso- och sjukvård",
            "Vårdkedja - ansvar",
            "Kompetens",
            "Parter",
            "Barn",
            "Ekonomisk överenskommelse 2018-2019",
            "Faktureringsadress",
            "Uppföljning",
            "Förslag till fortsatt utvecklingsarbete",
            "Bilaga 1 Checklista",
            "Undertecknande parter",
        ]
    ],
}


@pytest.mark.parametrize("agreement", AGREEMENTS)
def test_each_document_yields_exactly_the_expected_ids_in_order(agreement):
    assert [clause.id for clause in for_agreement(agreement)] == EXPECTED_IDS[agreement]


def test_all_clauses_are_the_four_documents_in_order():
    expected = [clause_id for agreement in AGREEMENTS for clause_id in EXPECTED_IDS[agreement]]
    assert list(clauses()) == expected


@pytest.mark.parametrize("agreement", AGREEMENTS)
def test_line_ranges_partition_the_file(agreement):
    lines = split_lines(source_text(agreement))
    ranges = [(clause.line_start, clause.line_end) for clause in for_agreement(agreement)]
    first_text_line = next(number for number, line in enumerate(lines, 1) if not is_blank(line))
    assert ranges[0][0] == first_text_line
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert start == end + 1
    assert ranges[-1][1] == len(lines)
    assert all(start <= end for start, end in ranges)


@pytest.mark.parametrize("clause", list(clauses().values()), ids=lambda clause: clause.id)
def test_text_is_the_exact_source_lines_without_surrounding_blank_lines(clause):
    lines = split_lines(source_text(clause.agreement))[clause.line_start - 1 : clause.line_end]
    while lines and is_blank(lines[-1]):
        lines.pop()
    assert clause.text == "\n".join(lines)
    assert not is_blank(clause.text.splitlines()[0])
    assert clause.paragraphs
    assert all(paragraph == " ".join(paragraph.split()) for paragraph in clause.paragraphs)


@pytest.mark.parametrize("agreement", AGREEMENTS)
def test_shipped_texts_are_the_shared_originals(agreement):
    clause = for_agreement(agreement)[0]
    original = SHARED_AGREEMENTS / clause.source
    if not original.exists():
        pytest.skip("../shared/agreements is not present")
    assert source_text(agreement) == original.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("clause_id", "number", "heading"),
    [
        ("jh-hemsjukvard §6.2", "6.2", "FAST VÅRDKONTAKT"),
        (
            "jh-hemsjukvard §7.7",
            "7.7",
            "KOSTNADSANSVAR FÖR SJUKVÅRDSMATERIAL, MEDICINSK UTRUSTNING, HJÄLPMEDEL MM",
        ),
        (
            "jh-psykisk §3",
            "3",
            "MÅLGRUPP OCH DEFINITION AV PERSONER MED PSYKISKA FUNKTIONSNEDSÄTTNINGAR",
        ),
        ("jh-psykisk §5", "5", "KOMMUNENS OCH REGION JÄMTLAND HÄRJEDALENS ANSVAR"),
        ("jh-psykisk §5.11", "5.11", "Ekonomi"),
        ("jh-hemsjukvard Bilagor", None, "BILAGOR"),
        ("jh-primarvard-kommun Läkarmedverkan", None, "Läkarmedverkan"),
        (
            "gvb-svart-sjuka Gränsdragning egenvård och hälso- och sjukvård",
            None,
            "Gränsdragning mellan vad som kan betraktas som egenvård och hälso- och sjukvård",
        ),
        (
            "gvb-svart-sjuka Bilaga 1 Checklista",
            None,
            "Bilaga 1: Checklista, för personer med omfattande hälso -och sjukvårdsinsatser"
            " som vårdas i hemmet",
        ),
    ],
)
def test_headings_are_as_written_without_footnote_digits(clause_id, number, heading):
    clause = get(clause_id)
    assert (clause.number, clause.heading) == (number, heading)


def test_footnotes_stay_inside_the_clause_they_annotate():
    clause = get("jh-hemsjukvard §7.3")
    assert (clause.line_start, clause.line_end) == (219, 276)
    assert "8 När det gäller barn avses varaktiga behov" in clause.text
    assert clause.source == "jh-hemsjukvardsavtal-2020.txt"


def test_clauses_returns_a_copy():
    everything = clauses()
    everything.clear()
    assert clauses()


@pytest.mark.parametrize(
    "spelling",
    [
        "jh-hemsjukvard §7.3",
        "JH-HEMSJUKVARD § 7.3",
        "  jh-hemsjukvard   §7.3 ",
        "jh-hemsjukvard 7.3",
        "jh\u2013hemsjukvard §7.3",
    ],
)
def test_get_forgives_case_space_section_sign_and_dashes(spelling):
    assert get(spelling).id == "jh-hemsjukvard §7.3"


def test_get_treats_en_dash_and_hyphen_alike_in_headings():
    assert (
        get("jh-primarvard-kommun tjänstgöring kvällar och nätter 17.00 - 08.00").id
        == "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00"
    )
    assert get("gvb-svart-sjuka Vårdkedja – ansvar").id == "gvb-svart-sjuka Vårdkedja - ansvar"


def test_unknown_clause_is_a_key_error_with_a_swedish_message():
    with pytest.raises(UnknownClause) as caught:
        get("jh-hemsjukvard §7.4")
    assert isinstance(caught.value, KeyError)
    message = str(caught.value)
    assert message.startswith("Okänd klausul: 'jh-hemsjukvard §7.4'")
    assert "Menade du" in message


def test_for_agreement_rejects_an_unknown_agreement():
    with pytest.raises(ValueError, match="Okänt avtal"):
        for_agreement("jh-okänt")


def test_passage_returns_the_one_paragraph_containing_the_anchor():
    assert passage("jh-hemsjukvard §6.2", "FAST   vårdkontakt VARA läkare").endswith(
        "Vid vård i livets slutskede ska en fast vårdkontakt vara läkare."
    )


def test_passage_anchor_may_span_a_line_break_in_the_source():
    text = passage("jh-hemsjukvard §7.3", "delar av sin läkemedelshantering själv")
    assert text.startswith("Gällande läkemedel ska de inom Region Jämtland Härjedalen")
    assert text.endswith("ansvaret övergår till kommunens hemsjukvård. Se bilaga 10.")


def test_passage_with_context_adds_the_following_list_items():
    text = passage("jh-hemsjukvard §7.3", "nedanstående kriterier", context=4)
    assert text.splitlines() == [
        passage("jh-hemsjukvard §7.3", "nedanstående kriterier"),
        "o vid måltidssituationen (stöd att äta/dricka)",
        "o klä sig",
        "o förflytta sig",
        "o sköta personlig daglig hygien",
    ]


def test_passage_fails_when_no_paragraph_contains_the_anchor():
    with pytest.raises(AnchorNotFound, match="finns inte i jh-hemsjukvard §6.2"):
        passage("jh-hemsjukvard §6.2", "tandvård")


def test_passage_fails_when_several_paragraphs_contain_the_anchor():
    with pytest.raises(AnchorNotFound, match="entydigt"):
        passage("jh-hemsjukvard §7.3", "Region Jämtland Härjedalen")


def test_passage_of_an_unknown_clause_raises_unknown_clause():
    with pytest.raises(UnknownClause):
        passage("jh-hemsjukvard §12", "tvist")


def test_double_spaced_lines_and_page_breaks_are_mended_into_whole_paragraphs():
    definition = passage("jh-psykisk §3", "väsentliga svårigheter")
    assert definition.startswith("”En person har en psykisk funktionsnedsättning")
    assert definition.endswith("Svårigheterna ska vara en konsekvens av psykisk störning.”")
    care_plan = passage("jh-psykisk §6.3", "Chefsöverläkaren ansvarar")
    assert "modul för öppen LPT och LRV12. Tillämpningsanvisning" in care_plan
    assert "SoU 2015:20" not in care_plan


def test_bullets_are_paragraphs_and_stray_urls_stay_out_of_them():
    assert passage("jh-psykisk §1", "respekt för varandras uppdrag") == (
        "• vi ska ha respekt för varandras uppdrag"
    )
    daytime = passage("jh-primarvard-kommun Dagtid 08.00–17.00", "regionen ber kommunen")
    assert daytime.endswith("Se särskild reglering bilaga 4")


def test_every_clause_is_either_prose_or_expected_to_be_encoded():
    ids = set(clauses())
    encoded = set(EXPECTED_ENCODED)
    assert len(encoded) == len(EXPECTED_ENCODED)
    assert not encoded & set(PROSE)
    assert encoded | set(PROSE) == ids
    assert all(reason.strip() for reason in PROSE.values())


def test_coverage_reports_encoded_prose_and_unclassified_in_document_order():
    rows = coverage(
        {"jh-hemsjukvard §7.3": ["r-kommun-ordinart"], "jh-hemsjukvard § 4": ["r-egen"]}
    )
    assert [row.clause_id for row in rows] == list(clauses())
    by_id = {row.clause_id: row for row in rows}
    assert by_id["jh-hemsjukvard §7.3"].status == "encoded"
    assert by_id["jh-hemsjukvard §7.3"].rules == ("r-kommun-ordinart",)
    assert by_id["jh-hemsjukvard §4"].rules == ("r-egen",)
    assert by_id["jh-hemsjukvard §2"].status == "prose"
    assert by_id["jh-hemsjukvard §2"].reason == PROSE["jh-hemsjukvard §2"]
    assert by_id["jh-hemsjukvard §11"].status == "unclassified"
    assert by_id["jh-hemsjukvard §11"].heading == "TVIST"


def test_coverage_rejects_a_prose_clause_that_is_cited():
    with pytest.raises(ValueError, match="jh-hemsjukvard §2"):
        coverage({"jh-hemsjukvard §2": ["r-syfte"]})


def test_coverage_rejects_an_unknown_clause():
    with pytest.raises(UnknownClause):
        coverage({"jh-hemsjukvard §99": ["r-x"]})
