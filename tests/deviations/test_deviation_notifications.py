"""Deviations and dispute steps notify the receivers (samverkan.notifications)."""

from __future__ import annotations

from samverkan.deviations import services
from samverkan.notifications.services import notifications_for, unread_count
from tests.deviations.test_disputes import open_case


def test_a_deviation_notifies_the_receiving_unit_and_the_answer_the_reporter(people, report):
    deviation = report(people.kommun_nurse)
    (note,) = notifications_for(people.region_receiver)
    assert note.kind == "deviation" and note.link == f"/avvikelser/{deviation.pk}/"
    assert unread_count(people.region_nurse) == 0  # another unit of the region
    services.change_status(people.region_receiver, deviation.pk, "answered", answer="Åtgärdat.")
    (answer,) = notifications_for(people.kommun_nurse)
    assert answer.kind == "deviation_answer"


def test_a_serious_deviation_notifies_chefslakare_and_mas(people, report):
    report(people.kommun_nurse, severity="serious")
    assert unread_count(people.region_chief) == 1
    assert unread_count(people.kommun_mas) == 1


def test_dispute_steps_notify_the_other_party_and_the_forum(people, orgs):
    case = open_case(people.kommun_nurse, orgs)
    assert [n.kind for n in notifications_for(people.region_chief)] == ["dispute_step"]
    assert unread_count(people.kommun_mas) == 0  # the opener's own side
    assert unread_count(people.forum) == 0  # not yet at the forum
    services.escalate_dispute(people.kommun_nurse, case.pk, note="Principfråga.",
                              of_principle=True)  # fmt: skip
    assert unread_count(people.forum) == 1 and unread_count(people.kommun_forum) == 1
    assert unread_count(people.region_chief) == 2


def test_the_notice_says_which_deviation_and_where_the_dispute_is(people, report, orgs, client_as):
    """Before: "Ny avvikelse till er" / "Ett nytt steg i en tvist" and nothing more."""
    from samverkan.notifications.services import lines_for

    deviation = report(people.kommun_nurse)
    (line,) = lines_for(people.region_receiver, notifications_for(people.region_receiver))
    assert line.text.startswith(f"Ny avvikelse till er: avvikelse #{deviation.pk} (")
    page = client_as(people.region_receiver).get("/notiser/").content.decode()
    assert f"avvikelse #{deviation.pk}" in page
    case = open_case(people.kommun_nurse, orgs)
    (step,) = lines_for(people.region_chief, notifications_for(people.region_chief))
    assert step.text.startswith(f"Ett nytt steg i en tvist: tvist #{case.pk} hos ")
    # Someone who may not see the case (the forum, before it is lifted there): the label.
    (other,) = lines_for(people.forum, notifications_for(people.region_chief))
    assert other.text == "Ett nytt steg i en tvist"
