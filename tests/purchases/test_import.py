"""CSV import: both modes, a per-row error report, idempotence by external id."""

from __future__ import annotations

import pytest

from samverkan.audit.models import AuditEvent
from samverkan.purchases import services
from samverkan.purchases.models import ImportBatch, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db

HEADER = "externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare\n"


def _csv(tk, rows: list[str]) -> bytes:
    return ("\ufeff" + HEADER + "\n".join(rows) + "\n").encode("utf-8")


def _good_rows(tk) -> list[str]:
    p1, p2 = tk.pnr[tk.p1.pk], tk.pnr[tk.p2.pk]
    return [
        f"A1;2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop;ssk.ost",
        f"A2;2026-03-10;15:30;18:15;{p2};Sjuksköterskeinsats;jh-tjanstekop;ssk.ost",
        f"A3;2026-03-10;09:00;10:00;{p2};nursing;jh-tjanstekop;ssk2.ost",
        f"A4;2026-03-11;23:00;01:00;{p1[2:8]}-{p1[8:]};nursing;jh-tjanstekop;ssk.ost",
    ]


def _bad_rows(tk) -> list[str]:
    p1 = tk.pnr[tk.p1.pk]
    return [
        f"B1;2026-03-10;09:30;10:30;{p1};nursing;jh-tjanstekop;ssk.ost",  # overlaps A1
        f"B2;2026-02-30;09:00;10:00;{p1};nursing;jh-tjanstekop;ssk.ost",  # no such date
        "B3;2026-03-12;09:00;10:00;191212121213;nursing;jh-tjanstekop;ssk.ost",  # check digit
        f"B4;2026-03-12;09:00;10:00;{tk.pnr[tk.pg1.pk]};nursing;jh-tjanstekop;ssk.ost",  # not visible
        f"B5;2026-03-12;11:00;12:00;{p1};juggling;jh-okand;nobody",  # three problems
    ]


def test_all_or_nothing_saves_nothing_and_reports_every_bad_row(tk) -> None:
    content = _csv(tk, _good_rows(tk) + _bad_rows(tk))
    report = services.import_csv(tk.ekonom, content, mode="all_or_nothing", filename="mars.csv")
    assert report.total_rows == 9
    assert report.valid_rows == 4
    assert report.saved_rows == 0 and report.batch_id is None
    assert not ServiceRecord.objects.exists()
    by_row: dict[int, set[str]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, set()).add(error.code)
    assert by_row == {
        6: {"overlap"},
        7: {"invalid_date"},
        8: by_row[8],
        9: {"person_unknown"},  # issue 10: answers as an unused number would
        10: {"invalid_choice", "unknown_user"},
    }
    assert [e.field for e in report.errors if e.row == 8] == ["person"]  # wrong check digit
    messages = [e.message for e in report.errors if e.row == 10]
    assert any(m.startswith("Insats: okänd insats") for m in messages)
    assert any(m.startswith("Avtalsgrund: okänd avtalsgrund") for m in messages)
    assert any(m.startswith("Utförare: okänd användare") for m in messages)
    for error in report.errors:  # never the identifier itself
        for pnr in tk.pnr.values():
            assert pnr not in error.message


def test_valid_only_saves_the_good_rows(tk) -> None:
    content = _csv(tk, _good_rows(tk) + _bad_rows(tk))
    report = services.import_csv(tk.ekonom, content, mode="valid_only", filename="mars.csv")
    assert report.saved_rows == 4
    # A2 crosses 17:00 and A4 midnight: six records from four rows.
    assert report.saved_records == 6
    assert ServiceRecord.objects.count() == 6
    assert ServiceRecord.objects.filter(status=RecordStatus.DRAFT).count() == 6
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.saved_rows == 4 and len(batch.errors) == len(report.errors)
    staff = set(ServiceRecord.objects.values_list("staff__username", flat=True))
    assert staff == {"ssk.ost", "ssk2.ost"}
    # One audit event per person imported.
    events = AuditEvent.objects.filter(object_id=f"import:{batch.pk}")
    assert {e.person_ref for e in events} == {tk.pnr[tk.p1.pk], tk.pnr[tk.p2.pk]}
    csv_report = report.errors_csv().decode("utf-8-sig")
    assert csv_report.startswith("Rad;Fält;Regel;Meddelande")

    # Importing the same file again: the good rows are already there.
    again = services.import_csv(tk.ekonom, content, mode="valid_only")
    assert again.saved_rows == 0
    assert {e.code for e in again.errors if e.row == 2} >= {"already_imported"}


def test_all_or_nothing_with_a_clean_file_saves_everything(tk) -> None:
    report = services.import_csv(tk.ekonom, _csv(tk, _good_rows(tk)), mode="all_or_nothing")
    assert report.ok and report.saved_rows == 4


def test_header_problems_are_reported_for_the_file(tk) -> None:
    report = services.import_csv(tk.nurse, b"datum,start\n2026-03-01,09:00\n")
    assert [p.code for p in report.file_problems] == ["missing_columns"]
    assert "sluttid" in report.file_problems[0].message


def test_comma_separated_english_headers_work(tk) -> None:
    p1 = tk.pnr[tk.p1.pk]
    content = f"date,start,end,person,intervention,basis\n2026-03-10,09:00,10:00,{p1},nursing,jh-tjanstekop\n"
    report = services.import_csv(tk.nurse, content.encode(), mode="valid_only")
    assert report.saved_rows == 1, report.as_dict()


def test_duplicate_ids_in_one_file(tk) -> None:
    p1 = tk.pnr[tk.p1.pk]
    rows = [
        f"X;2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop;",
        f"X;2026-03-10;11:00;12:00;{p1};nursing;jh-tjanstekop;",
    ]
    report = services.import_csv(tk.nurse, _csv(tk, rows), mode="valid_only")
    assert [e.code for e in report.errors] == ["duplicate_in_file"]


def test_roles_that_may_not_register_may_not_import(tk) -> None:
    with pytest.raises(services.NotAllowed):
        services.import_csv(tk.admin, _csv(tk, _good_rows(tk)))


def test_a_nurse_imports_only_her_own_work(tk) -> None:
    report = services.import_csv(tk.nurse, _csv(tk, _good_rows(tk)), mode="valid_only")
    assert [(e.row, e.code) for e in report.errors] == [(4, "not_own_work")]
    assert report.saved_rows == 3


def test_the_ekonom_must_name_the_staff_member(tk) -> None:
    p1 = tk.pnr[tk.p1.pk]
    rows = [f"Y;2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop;"]
    report = services.import_csv(tk.ekonom, _csv(tk, rows), mode="valid_only")
    assert [(e.field, e.code) for e in report.errors] == [("staff", "required")]


def test_a_number_or_id_held_by_another_vardgivare_answers_as_an_unused_one(tk) -> None:
    """No existence oracle (issue 11): in the tjänsteköp import, Gävle's person (by
    personnummer, by Samverkan's id, and after a merge at Gävle) gets exactly the answer of
    a number or id that exists nowhere."""
    import uuid

    from samverkan.people.models import Person, PersonIdentity
    from samverkan.people.testpersons import synthetic_persons

    unused = next(
        p["personnummer"]
        for p in synthetic_persons(20, seed=77)
        if not PersonIdentity.objects.filter(value=p["personnummer"]).exists()
    )
    merged_away = Person.objects.create(
        given_name="Sammanförd", family_name="Gävlesson", birth_date=tk.pg2.birth_date,
        home_municipality="2180", merged_into=tk.pg2,
    )  # fmt: skip
    row = "X{};2026-03-12;09:00;10:00;{};nursing;jh-tjanstekop;ssk.ost"
    cells = [
        tk.pnr[tk.pg1.pk],  # Gävle's patient by number
        unused,  # a number nobody holds
        str(tk.pg1.pk),  # Gävle's patient by id
        str(merged_away.pk),  # a record merged at Gävle
        str(uuid.uuid4()),  # an id nobody holds
    ]
    report = services.import_csv(
        tk.ekonom,
        _csv(tk, [row.format(n, cell) for n, cell in enumerate(cells)]),
        mode="valid_only",
    )
    answers = {}
    for error in report.errors:
        answers.setdefault(error.row, []).append((error.field, error.code, error.message))
    assert len(answers) == len(cells)
    assert len({tuple(a) for a in answers.values()}) == 1, answers
    assert answers[2] == [
        ("person", "person_unknown", answers[2][0][2]),
    ]
    assert report.saved_rows == 0
