"""The invoice source of betalningsansvar counts by the rules' batch path (issue 16, speed):
for random stays — over New Year (an unconfirmed amount in 2021, a confirmed one in 2022),
under local terms (confirmed, unconfirmed, a local amount, region-wide and the kommun's own),
with disputes (open, decided either way; naming a month or the whole stay), missing and repeated notices, deaths, psychiatric
care and stays still in care — the batch source gives exactly the items and the reasons left
out of the stay-by-stay source (`rules.payment_days` per stay), month by month."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from samverkan.accounts.models import Role
from samverkan.deviations import disputes
from samverkan.discharge import invoicing, local_terms
from samverkan.discharge.models import (
    Notice,
    NoticeKind,
    Receiver,
    Stay,
    StayDispute,
    StayStatus,
)
from tests.purchases.test_discharge_invoicing import _clock, w  # noqa: F401  (fixtures)

TZ = invoicing.TZ
MONTHS = [dt.date(2021, 11, 1), dt.date(2021, 12, 1), dt.date(2022, 1, 1), dt.date(2022, 2, 1),
          dt.date(2022, 3, 1)]  # fmt: skip


def _random_stays(world, rng: random.Random, n: int) -> list[Stay]:
    persons = [world.new_person() for _ in range(4)]
    start = dt.datetime(2021, 11, 10, tzinfo=TZ)
    stays = []
    for i in range(n):
        admitted = start + dt.timedelta(minutes=rng.randrange(0, 110 * 24 * 60))
        ready = (
            admitted + dt.timedelta(hours=rng.expovariate(1 / 90)) if rng.random() < 0.9 else None
        )
        end = None
        if ready is not None and rng.random() < 0.75:
            end = ready + dt.timedelta(hours=rng.expovariate(1 / 300))
        died = end is not None and rng.random() < 0.15
        status = StayStatus.READY if ready else StayStatus.ADMITTED
        if end is not None:
            status = StayStatus.DIED if died else StayStatus.DISCHARGED
        stay = Stay.objects.create(
            person=persons[i % len(persons)],
            organisation=world.orgs.region_jh,
            unit=world.ward,
            municipality=world.orgs.ostersund if rng.random() < 0.8 else world.orgs.krokom,
            care_type="psychiatric" if rng.random() < 0.2 else "somatic",
            admitted_at=admitted,
            needs_municipal_insatser=rng.random() < 0.9,
            status=status,
            ready_at=ready,
            discharged_at=end if end is not None and not died else None,
            died_at=end if died else None,
            source="board",
            created_by=world.ward_nurse,
        )
        notices = []
        receivers = [Receiver.MUNICIPAL_SOCIAL_SERVICES, Receiver.MUNICIPAL_HEALTH_CARE,
                     Receiver.REGION_OPEN_CARE]  # fmt: skip
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            notices.append((NoticeKind.ADMISSION, admitted + dt.timedelta(hours=rng.uniform(0, 40)),
                            rng.choice(receivers)))  # fmt: skip
        if ready is not None and rng.random() < 0.93:
            for _ in range(rng.choice([1, 1, 1, 2])):
                # around noon and midnight: the cut-off hour and the day boundary
                notices.append((NoticeKind.READY, ready + dt.timedelta(minutes=rng.uniform(0, 600)),
                                Receiver.MUNICIPAL_SOCIAL_SERVICES))  # fmt: skip
        for kind, sent_at, receiver in notices:
            Notice.objects.create(
                stay=stay,
                kind=kind,
                sent_at=sent_at,
                sender=world.orgs.region_jh,
                receiver=receiver,
                receiver_organisation=stay.municipality,
                source="board",
            )
        stays.append(stay)
    return stays


def _local_terms(world, make_staff) -> None:
    forum_region = make_staff(Role.FORUM_MEMBER, world.orgs.region_jh, "forum.rjh")
    forum_ost = make_staff(Role.FORUM_MEMBER, world.orgs.ostersund, "forum.ost")
    confirmed = local_terms.enter_version(
        forum_region,
        valid_from=dt.date(2021, 12, 15),
        name="Lokal överenskommelse, Östersund",
        terms={
            "days_after_notice": {"somatic": 2, "psychiatric": 5},
            "cutoff": "12:00",
            "count_from_day_zero": True,
        },  # fmt: skip
        municipality=world.orgs.ostersund,
    )
    local_terms.confirm_version(forum_ost, confirmed, confirm=True)
    local_terms.enter_version(  # not confirmed: its days are held
        forum_region,
        valid_from=dt.date(2022, 1, 20),
        name="Ändrad överenskommelse, Östersund",
        terms={"days_after_notice": 1, "count_discharge_day": True},
        municipality=world.orgs.ostersund,
    )
    local_terms.enter_version(  # region-wide, its own amount per vårddygn
        forum_region,
        valid_from=dt.date(2022, 2, 10),
        name="Länsgemensam överenskommelse",
        terms={"amount_per_day": {"somatic": "9000.00"}},
    )


def _disputes(world, stays: list[Stay], rng: random.Random) -> None:
    ready = [s for s in stays if s.ready_at is not None and s.municipality == world.orgs.ostersund]
    chosen = rng.sample(ready, 9)
    # The open disputes naming a month go to stays still in care: their days run on into
    # the months the dispute does not name.
    # A dispute names only a month with paid days of the stay (`invoicing.paid_months`).
    paid = {s.pk: invoicing.paid_months(s) for s in ready}
    in_care = [s for s in ready if s.discharged_at is None and s.died_at is None]
    for k in (1, 2):
        chosen[k] = next(s for s in in_care if s not in chosen and paid[s.pk])
    for k in (4, 5, 7, 8):
        if not paid[chosen[k].pk]:
            chosen[k] = next(s for s in ready if s not in chosen and paid[s.pk])
    for k, (stay, outcome) in enumerate(zip(chosen, ["open"] * 3 + ["region"] * 3
                                            + ["municipality"] * 3, strict=True)):  # fmt: skip
        # One of each outcome names no month (the whole stay), one the first month with paid
        # days, one the next (or the first again; each covers that month's days only).
        months = paid[stay.pk]
        month = [None, months[0] if months else None, months[min(1, len(months) - 1)]
                 if months else None][k % 3]  # fmt: skip
        dispute = invoicing.dispute_payment_days(
            world.ward_nurse,
            stay,
            question="Fel dag för meddelandet?",
            acting_note="Vård ges.",
            month=month,
        )
        if outcome != "open":
            disputes.record_dispute_decision(
                world.chief,
                dispute.pk,
                decided_on=dt.date(2022, 4, 1),
                decided_by="Närmsta chefer",
                reasoning="Utrett.",
                cost_bearer=outcome,
            )


@pytest.mark.parametrize("seed", [11, 12])
def test_batch_source_gives_the_same_items_as_the_per_stay_source(w, make_staff, seed):  # noqa: F811
    rng = random.Random(seed)
    _local_terms(w, make_staff)
    stays = _random_stays(w, rng, 120)
    _disputes(w, stays, rng)
    seen_reasons: set[str] = set()
    holds: set[str] = set()
    disputed_held: dict[int, set[bool]] = {}  # a disputed stay's items: held by it or not
    disputed = set(StayDispute.objects.values_list("stay_id", flat=True))
    items = 0
    for buyer in (w.orgs.ostersund, w.orgs.krokom):
        for month in MONTHS:
            batch = invoicing.discharge_source(w.orgs.region_jh, buyer, month)
            single = invoicing.discharge_source_per_stay(w.orgs.region_jh, buyer, month)
            assert batch.excluded == single.excluded, (buyer.name, month)
            assert batch.items == single.items, (buyer.name, month)
            seen_reasons |= {why for why, _ in batch.excluded}
            holds |= {i.hold for i in batch.items}
            for i in batch.items:
                if (pk := int(i.key.split("-")[0])) in disputed:
                    disputed_held.setdefault(pk, set()).add(i.hold == invoicing.HOLD_DISPUTE)
            items += len(batch.items)
    # The random stays reached every branch the comparison is about.
    assert items > 40, items
    assert {invoicing.EXCLUDED_MISSING, invoicing.EXCLUDED_REGION_BEARS} <= seen_reasons
    assert {invoicing.HOLD_DISPUTE, invoicing.HOLD_UNVERIFIED, invoicing.HOLD_LOCAL_UNCONFIRMED,
            ""} <= holds  # fmt: skip
    # A stay whose open dispute names a month: its other months' items are not held by it.
    assert any(seen == {True, False} for seen in disputed_held.values()), disputed_held


def test_batch_source_without_stays_is_empty(w):  # noqa: F811
    assert invoicing.discharge_source(w.orgs.region_jh, w.orgs.ostersund, MONTHS[0]).items == []
