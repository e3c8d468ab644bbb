"""Betalningsansvar through the invoice runs: a year of a county's discharges counted and
invoiced. Figures to read, never pass/fail.

    uv run python benchmarks/discharge_invoicing.py               # 30,000 stays (a county's year)
    uv run python benchmarks/discharge_invoicing.py --stays 5000  # a quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:54329/x \\
        uv run python benchmarks/discharge_invoicing.py           # SQLite, then PostgreSQL

Synthetic stays of Region Jämtland Härjedalen in 2022 (the year whose amount per vårddygn is
confirmed: 9 300 kr), split over Östersunds and Krokoms kommun, written with bulk SQL (not
timed): admission, the inskrivningsmeddelande to the kommun (missing for 3 %), utskrivningsklar
and its notice, discharge; about a third of the stays need the kommun's insatser. Timed:

- baseline: the discharge source stay by stay (``discharge.invoicing.discharge_source_per_stay``:
  the stays of the pair and month counted by the rules' single path, ``rules.payment_days``),
  twelve months × two kommuner
- the source the runs use (``discharge.invoicing.discharge_source``: the same items, counted
  by the rules' batch path, ``rules.payment_days_batch`` per terms in force)
- the twelve monthly previews of both pairs (the source written as service records)
- the twelve monthly invoice runs of both pairs (``services.run_invoices``: one invoice of
  payment days per pair and month, with lines, attachment rows and the Peppol document)
- running every month again (already done: nothing is written)

Each figure is printed with its ratio to the baseline measured in the same run. Each backend
runs in a subprocess of its own (Django settings are read once per process). The counted days
and the invoiced days are compared and the script says whether they agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.invoicing import _setup_django, run_backends  # noqa: E402

YEAR = 2022
ORG_NUMBERS = {"23": "232100-0214", "2380": "212000-2528", "2309": "212000-2544"}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _world() -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit
    from samverkan.purchases.models import BillingProfile

    def org(name: str, kind: str, code: str, reference: str) -> Organisation:
        o, _ = Organisation.objects.update_or_create(
            scb_code=code,
            defaults={
                "name": name,
                "kind": kind,
                "region": "jamtland-harjedalen",
                "org_number": ORG_NUMBERS[code],
                "invoice_reference": reference,
                "street_address": "Box 1",
                "postal_code": "83182",
                "city": "Östersund",
                "identifiers_confirmed_at": timezone.now(),
            },
        )
        return o

    w = {
        "region": org("Region Jämtland Härjedalen", OrganisationKind.REGION, "23", "412000"),
        "ostersund": org("Östersunds kommun", OrganisationKind.MUNICIPALITY, "2380", "238001"),
        "krokom": org("Krokoms kommun", OrganisationKind.MUNICIPALITY, "2309", "KR2309"),
    }
    BillingProfile.objects.create(
        organisation=w["region"], bankgiro="5050-1055", contact_name="Ekonomi"
    )
    User = get_user_model()
    user = User.objects.create_user(username="ekonom_rjh", password="x")
    StaffProfile.objects.create(user=user, organisation=w["region"], role=Role.FINANCE_OFFICER)
    w["ekonom"] = user
    w["ward"] = Unit.objects.create(
        organisation=w["region"], name="Medicinavdelning", kind="specialist_care"
    )
    return w


def synthetic_stay(
    rng: Any, w: dict[str, Any], person: Any, admitted: dt.datetime, kommun: Any, created_by: Any
) -> Any:
    """One synthetic stay admitted at ``admitted``: utskrivningsklar after ~5 days, its notice
    ~3 hours later, discharge ~4 days after that (still in care past the year's end), the
    kommun drawn by ``kommun()``, 12 % psychiatric, a third needing the kommun's insatser.
    The draws from ``rng`` come in that order (the benchmarks' figures depend on it)."""
    from samverkan.discharge.models import Stay, StayStatus

    ready = admitted + dt.timedelta(hours=rng.expovariate(1 / 120))
    ready_notice = ready + dt.timedelta(hours=rng.expovariate(1 / 3))
    discharged = ready_notice + dt.timedelta(hours=rng.expovariate(1 / 100))
    still_in = discharged.year > YEAR
    return Stay(
        person=person,
        organisation=w["region"],
        unit=w["ward"],
        municipality=kommun(),
        care_type="psychiatric" if rng.random() < 0.12 else "somatic",
        admitted_at=admitted,
        needs_municipal_insatser=rng.random() < 0.35,
        status=StayStatus.READY if still_in else StayStatus.DISCHARGED,
        ready_at=ready,
        discharged_at=None if still_in else discharged,
        source="board",
        created_by=created_by,
    )


def synthetic_notice(w: dict[str, Any], stay: Any, kind: str, sent_at: dt.datetime) -> Any:
    """A notice of ``kind`` from the region to the stay's kommun's social services."""
    from samverkan.discharge.models import Notice, Receiver

    return Notice(
        stay=stay,
        kind=kind,
        sent_at=sent_at,
        sender=w["region"],
        receiver=Receiver.MUNICIPAL_SOCIAL_SERVICES,
        receiver_organisation=stay.municipality,
        source="board",
    )


def _bulk_stays(w: dict, n: int, seed: int = 7) -> None:
    """n stays admitted during the year with their notices (bulk ORM, not timed)."""
    import random
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from samverkan.discharge.models import Notice, NoticeKind, Stay
    from samverkan.people.models import Person

    rng = random.Random(seed)
    tz = ZoneInfo("Europe/Stockholm")
    start = dt.datetime(YEAR, 1, 1, tzinfo=tz)
    persons = [
        Person(id=uuid.uuid4(), given_name="Test", family_name=f"Person {i}") for i in range(n // 2)
    ]
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=2000)
        stays, notices = [], []
        for i in range(n):
            admitted = start + dt.timedelta(seconds=rng.randrange(0, 365 * 86400))
            stays.append(
                synthetic_stay(
                    rng,
                    w,
                    persons[i % len(persons)],
                    admitted,
                    lambda: w["ostersund"] if rng.random() < 0.7 else w["krokom"],
                    created_by=w["ekonom"],
                )
            )
        Stay.objects.bulk_create(stays, batch_size=2000)
        for stay in stays:
            if rng.random() > 0.03:
                notices.append(
                    synthetic_notice(
                        w, stay, NoticeKind.ADMISSION, stay.admitted_at + dt.timedelta(hours=2)
                    )
                )
            notices.append(
                synthetic_notice(w, stay, NoticeKind.READY, stay.ready_at + dt.timedelta(hours=1))
            )
        Notice.objects.bulk_create(notices, batch_size=2000)


def _timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def child(url: str, label: str, stays: int) -> None:
    t0 = time.perf_counter()
    _setup_django(url)
    from django.db import connection

    from samverkan.discharge.invoicing import discharge_source, discharge_source_per_stay
    from samverkan.purchases import services
    from samverkan.purchases.bases import DISCHARGE_AGREEMENT
    from samverkan.purchases.models import Invoice, InvoiceLine

    w = _world()
    print(f"[{label}] database ready in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
    setup, _ = _timed(lambda: _bulk_stays(w, stays))
    print(f"[{label}] {stays:,} stays and their notices written in {setup:.1f} s (not timed)")
    months = [dt.date(YEAR, m, 1) for m in range(1, 13)]
    pairs = [(w["region"], w[k]) for k in ("ostersund", "krokom")]

    def count_all(source) -> int:  # type: ignore[no-untyped-def]
        return sum(
            item.minutes // 1440
            for seller, buyer in pairs
            for month in months
            for item in source(seller, buyer, month).items
        )

    cpu = time.process_time()
    base_s, counted = _timed(lambda: count_all(discharge_source_per_stay))
    base_cpu = time.process_time() - cpu
    print(
        f"[{label}] baseline, the source stay by stay (24 pair-months): {base_s:6.2f} s  (1×; "
        f"CPU {base_cpu:.2f} s)"
    )
    print(f"[{label}]   {counted:,} days of betalningsansvar counted")
    cpu = time.process_time()
    batch_s, batch_days = _timed(lambda: count_all(discharge_source))
    batch_cpu = time.process_time() - cpu
    print(
        f"[{label}] the source by the batch path (24 pair-months):  {batch_s:6.2f} s  "
        f"({base_s / batch_s:.1f}× faster; CPU {batch_cpu:.2f} s, {base_cpu / batch_cpu:.1f}×)"
        f"  -> {batch_days:,} days"
        + ("" if batch_days == counted else "  DIFFERS from the stay-by-stay count")
    )

    def previews() -> None:
        for seller, buyer in pairs:
            for month in months:
                services.preview_run(w["ekonom"], seller=seller, buyer=buyer, month=month)

    prev_s, _ = _timed(previews)
    print(
        f"[{label}] 24 previews (records written):          {prev_s:6.2f} s  "
        f"({prev_s / base_s:.1f}× the baseline)"
    )

    def runs() -> list:
        out = []
        for seller, buyer in pairs:
            for month in months:
                result = services.run_invoices(
                    w["ekonom"], seller=seller, buyer=buyer, month=month, today=dt.date(2023, 1, 15)
                )
                out.extend(result.created)
        return out

    cpu = time.process_time()
    run_s, created = _timed(runs)
    run_cpu = time.process_time() - cpu
    invoices = [i for i in created if i.agreement == DISCHARGE_AGREEMENT]
    days = sum(line.minutes // 1440 for line in InvoiceLine.objects.filter(invoice__in=invoices))
    total = sum(i.payable_ore for i in invoices) / 100
    print(
        f"[{label}] 24 invoice runs:                        {run_s:6.2f} s  "
        f"({run_s / base_s:.1f}× the baseline; CPU {run_cpu:.1f} s)  -> {len(invoices)} invoices, "
        f"{days:,} days, {total:,.0f} kr"
    )
    print(
        f"[{label}]   counted and invoiced days "
        + ("agree" if days == counted else f"DIFFER ({counted:,} counted, {days:,} invoiced)")
    )
    again_s, _ = _timed(runs)
    print(
        f"[{label}] 24 runs again (already done):           {again_s:6.2f} s  "
        f"({again_s / base_s:.1f}× the baseline)"
    )
    print(f"[{label}] invoices in the database: {Invoice.objects.count()}")
    print(f"[{label}] peak RSS {_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stays", type=int, default=30_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "LABEL"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.stays)
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Samverkan betalningsansvar invoicing benchmark – Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU, load average {load:.1f} (wall times suffer on a busy machine)"
    )
    run_backends(__file__, ["--stays", str(args.stays)])
    print("Figures only: nothing is asserted.")


if __name__ == "__main__":
    main()
