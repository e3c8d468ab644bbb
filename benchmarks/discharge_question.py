"""The forum's discharge question (issue 16) over a year of a county's discharges: the
revision simulation's "another number of days" against the yearly report's discharge
figures. Figures to read, never pass/fail.

    ./dev python benchmarks/discharge_question.py               # 20,000 stays (a county's year)
    ./dev python benchmarks/discharge_question.py --stays 2000  # a quick look (well under a minute)
    DATABASE_URL=postgres://postgres@127.0.0.1:54329/x \\
        ./dev python benchmarks/discharge_question.py           # SQLite, then PostgreSQL

Synthetic stays of Region Jämtland Härjedalen around 2022 (the year whose amount per vårddygn
is confirmed: 9 300 kr), over the county's eight kommuner weighted by their size, written with
bulk SQL (not timed) the way ``discharge_invoicing.py`` writes them: admission (about 5 % in
the last weeks of 2021, running into the year), the inskrivningsmeddelande to the kommun
(missing for 3 %), utskrivningsklar and its notice, discharge (still in at the year's end for
a few), a call to SIP for a tenth; about a third need the kommun's insatser, 12 % psychiatric.
Timed, each the fastest of ``--rounds`` rounds (default 2; wall and the process's CPU time),
with the peak RSS during the figure (``VmHWM`` reset before each round; the largest rise of
the rounds) and the number of database queries it makes (the same whatever the number of
stays: no query per stay):

- baseline: the yearly report's discharge figures for the year, as the section
  "Utskrivning från slutenvård" reads them (``discharge.selectors.year_figures`` with the care
  types of jh-hemsjukvard, the Jämtland agreement in force in 2022: somatic)
- the same read for both care types (what the question reads, without the other number)
- the whole section as the report builds it (``followup.report._discharge``: this year and the
  previous one, per kommun, small numbers hidden)
- the question "another number of days" with days = 1 and days = 5, through the service the
  simulation page and ``POST /api/followup/simulations`` call (``followup.services.run_and_save``:
  the count, the audit event, the saved ``Simulation``)
- then, with a local version of the terms in force for Östersunds kommun from 1 July
  (``discharge.local_terms.enter_version``: 2 / 3 days after the notice, 8 000 kr a vårddygn),
  all five again, so the law's path and a local version's are both timed.

Each figure is printed with its ratio to the baseline measured in the same run (the baseline
of the same terms). The question's "today" is compared with the yearly report's
Betalningsansvar for the same year: the somatic stays with the report of jh-hemsjukvard, and
the total with ``year_figures`` for both care types (Jämtland's report for 2022 counts somatic
care only). Each backend runs in a subprocess of its own (Django settings are read once per
process). ``--profile`` prints the question's (days = 5) cProfile, top 25 by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import re
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.discharge_invoicing import synthetic_notice, synthetic_stay  # noqa: E402
from benchmarks.invoicing import _setup_django, run_backends  # noqa: E402

YEAR = 2022
REGION = "jamtland-harjedalen"
AGREEMENT = "jh-hemsjukvard"  # the Jämtland agreement in force in 2022 (somatic care)
# The county's kommuner (SCB code, name) and a weight close to their population.
KOMMUNER = [
    ("2380", "Östersunds kommun", 64),
    ("2309", "Krokoms kommun", 15),
    ("2321", "Åre kommun", 12),
    ("2313", "Strömsunds kommun", 11),
    ("2361", "Härjedalens kommun", 10),
    ("2326", "Bergs kommun", 7),
    ("2305", "Bräcke kommun", 6),
    ("2303", "Ragunda kommun", 5),
]
LOCAL_FROM = dt.date(YEAR, 7, 1)
LOCAL_TERMS = {"days_after_notice": {"somatic": 2, "psychiatric": 3}, "amount_per_day": 8000}


def _peak_mb() -> float:
    """The process's peak RSS since the last `_reset_peak` (Linux ``VmHWM``)."""
    with open("/proc/self/status") as f:
        found = re.search(r"VmHWM:\s+(\d+)", f.read())
    return int(found.group(1)) / 1024 if found else float("nan")


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak RSS to the current RSS
    except OSError:
        pass


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def _world() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit

    def org(name: str, kind: str, code: str) -> Organisation:
        o, _ = Organisation.objects.update_or_create(
            scb_code=code, defaults={"name": name, "kind": kind, "region": REGION}
        )
        return o

    w: dict[str, Any] = {
        "region": org("Region Jämtland Härjedalen", OrganisationKind.REGION, "23"),
        "kommuner": [org(name, OrganisationKind.MUNICIPALITY, code) for code, name, _ in KOMMUNER],
    }
    User = get_user_model()
    user = User.objects.create_user(username="forum_rjh", password="x")
    StaffProfile.objects.create(user=user, organisation=w["region"], role=Role.FORUM_MEMBER)
    w["forum"] = user
    w["ward"] = Unit.objects.create(
        organisation=w["region"], name="Medicinavdelning", kind="specialist_care"
    )
    return w


def _bulk_stays(w: dict[str, Any], n: int, seed: int = 7) -> None:
    """n stays running during the year with their notices and SIP calls (bulk, not timed)."""
    import random
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from samverkan.discharge.models import (
        Notice,
        NoticeKind,
        Stay,
        StayTask,
        TaskKind,
    )
    from samverkan.people.models import Person

    rng = random.Random(seed)
    tz = ZoneInfo("Europe/Stockholm")
    start = dt.datetime(YEAR, 1, 1, tzinfo=tz) - dt.timedelta(days=20)
    span = (365 + 20) * 86400
    weights = [weight for _, _, weight in KOMMUNER]
    persons = [
        Person(id=uuid.uuid4(), given_name="Test", family_name=f"Person {i}") for i in range(n // 2)
    ]
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=2000)
        stays: list[Stay] = []
        for i in range(n):
            admitted = start + dt.timedelta(seconds=rng.randrange(0, span))
            stays.append(
                synthetic_stay(
                    rng,
                    w,
                    persons[i % len(persons)],
                    admitted,
                    lambda: rng.choices(w["kommuner"], weights)[0],
                    created_by=w["forum"],
                )
            )
        Stay.objects.bulk_create(stays, batch_size=2000)
        notices: list[Notice] = []
        tasks: list[StayTask] = []
        for stay in stays:
            if rng.random() > 0.03:
                sent = stay.admitted_at + dt.timedelta(hours=rng.expovariate(1 / 12))
                notices.append(synthetic_notice(w, stay, NoticeKind.ADMISSION, sent))
            assert stay.ready_at is not None
            notices.append(
                synthetic_notice(w, stay, NoticeKind.READY, stay.ready_at + dt.timedelta(hours=1))
            )
            if stay.discharged_at is not None and rng.random() < 0.1:
                due = stay.discharged_at.date() + dt.timedelta(days=14)
                done = stay.discharged_at + dt.timedelta(days=rng.expovariate(1 / 10))
                tasks.append(
                    StayTask(
                        stay=stay,
                        kind=TaskKind.CALL_SIP,
                        organisation=stay.municipality,
                        due=due,
                        done_at=done,
                    )
                )
        Notice.objects.bulk_create(notices, batch_size=2000)
        StayTask.objects.bulk_create(tasks, batch_size=2000)


class _Queries:
    """Counts the database queries a figure makes (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


class Figures:
    """Runs each figure ``rounds`` times and prints the fastest with its ratio to a baseline."""

    def __init__(self, label: str, rounds: int) -> None:
        self.label = label
        self.rounds = rounds
        self.baseline: tuple[float, float] | None = None

    def time(self, what: str, fn: Callable[[], Any], *, baseline: bool = False) -> Any:
        from django.db import connection

        walls, cpus, peaks = [], [], []
        out: Any = None
        for _ in range(self.rounds):
            queries = _Queries()
            _reset_peak()
            before = _peak_mb()
            cpu, wall = time.process_time(), time.perf_counter()
            with connection.execute_wrapper(queries):
                out = fn()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            peaks.append(max(0.0, _peak_mb() - before))
        wall_s, cpu_s, peak = min(walls), min(cpus), max(peaks)
        if baseline:
            self.baseline = (wall_s, cpu_s)
        base_wall, base_cpu = self.baseline or (wall_s, cpu_s)
        print(
            f"[{self.label}] {what:<52} {wall_s:6.2f} s wall ({wall_s / base_wall:4.1f}×), "
            f"CPU {cpu_s:6.2f} s ({cpu_s / base_cpu:4.1f}×), peak RSS +{peak:.0f} MB, "
            f"{queries.n} queries" + (f"  (max wall {max(walls):.2f} s)" if self.rounds > 1 else "")
        )
        return out


def _question(actor: Any, days: int) -> Any:
    from samverkan.followup import services

    question = services.parse_question(
        {
            "name": f"{days} dagar efter meddelandet",
            "changes": [{"op": "set_discharge_days", "days": days}],
        },
        "discharges",
    )
    spec = services.PopulationSpec("discharges", REGION, None, year=YEAR)
    return services.run_and_save(actor, question, spec)


def local_terms_for_ostersund(w: dict[str, Any]) -> Any:
    """A local version of the terms for Östersunds kommun from ``LOCAL_FROM`` (unconfirmed)."""
    from samverkan.discharge import local_terms

    return local_terms.enter_version(
        w["forum"],
        valid_from=LOCAL_FROM,
        name="Överenskommelse om utskrivning Östersund",
        terms=LOCAL_TERMS,
        municipality=w["kommuner"][0],
    )


def _section_total(section: Any, key: str) -> Any:
    cell = section.extra[key]
    return None if cell.hidden else cell.value


def _check(label: str, saved: Any) -> None:
    """The question's "today" against the yearly report's Betalningsansvar (not timed)."""
    from samverkan.discharge.selectors import year_figures
    from samverkan.followup import report

    section = report.build(AGREEMENT, YEAR).section("discharge")
    care_types = report.discharge_care_types(AGREEMENT)
    result = saved.result
    rows = [r for r in result["tables"]["by_care_type"] if r["care_type"] in care_types]
    q_days = sum(r["days_now"] or 0 for r in rows)
    q_amount = sum((Decimal(r["amount_now"] or 0) for r in rows), Decimal(0))
    r_days = _section_total(section, "payment_days")
    r_amount = _section_total(section, "amount")
    same = (q_days, q_amount) == (r_days, r_amount)
    print(
        f"[{label}]   {'+'.join(care_types)}: the question's today {q_days:,} days, "
        f"{q_amount:,.0f} kr; the yearly report ({AGREEMENT} {YEAR}) Betalningsansvar "
        f"{r_days:,} days, {r_amount:,.0f} kr -> " + ("EQUAL" if same else "DIFFER")
    )
    both = year_figures(REGION, ("somatic", "psychiatric"), YEAR)
    summary = result["summary"]
    f_days = sum(f.payment_days for f in both)
    f_amount = sum((f.amount for f in both), Decimal(0))
    same = (summary["days_now"], Decimal(summary["amount_now"])) == (f_days, f_amount)
    print(
        f"[{label}]   both care types: the question's today {summary['days_now']:,} days, "
        f"{Decimal(summary['amount_now']):,.0f} kr; year_figures {f_days:,} days, "
        f"{f_amount:,.0f} kr -> " + ("EQUAL" if same else "DIFFER")
    )
    print(
        f"[{label}]   with {result['days']} days: {summary['days_then']:,} days, "
        f"{Decimal(summary['amount_then']):,.0f} kr (change {Decimal(summary['change']):,.0f} kr); "
        f"time inside the question's count (its elapsed_s) {result['elapsed_s']:.2f} s"
    )


def child(url: str, label: str, stays: int, rounds: int, profile: bool) -> None:
    t0 = time.perf_counter()
    _setup_django(url)
    from django.db import connection

    from samverkan.discharge.selectors import year_figures
    from samverkan.followup import report
    from samverkan.followup.models import Simulation

    w = _world()
    print(f"[{label}] database ready in {time.perf_counter() - t0:.1f} s ({connection.vendor})")
    t = time.perf_counter()
    _bulk_stays(w, stays)
    print(
        f"[{label}] {stays:,} stays, their notices and SIP calls written in "
        f"{time.perf_counter() - t:.1f} s (not timed); fastest of {rounds} rounds:"
    )
    care_types = report.discharge_care_types(AGREEMENT)
    both = ("somatic", "psychiatric")
    figures = Figures(label, rounds)

    def timed_all(terms: str) -> Any:
        read = figures.time(
            f"baseline: year_figures {'+'.join(care_types)} ({terms})",
            lambda: year_figures(REGION, care_types, YEAR),
            baseline=True,
        )
        print(f"[{label}]   {len(read):,} stays of the report's care types ran during {YEAR}")
        figures.time(
            f"year_figures, both care types ({terms})", lambda: year_figures(REGION, both, YEAR)
        )
        figures.time(f"the report's section ({terms})", lambda: report._discharge(AGREEMENT, YEAR))
        figures.time(f"the question, days=1 ({terms})", lambda: _question(w["forum"], 1))
        return figures.time(f"the question, days=5 ({terms})", lambda: _question(w["forum"], 5))

    saved = timed_all("the law")
    _check(label, saved)
    local_terms_for_ostersund(w)
    print(f"[{label}] a local version for Östersunds kommun from {LOCAL_FROM} (not confirmed):")
    saved = timed_all("Östersund local")
    _check(label, saved)
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(_question, w["forum"], 5)
        print(f"[{label}] cProfile of the question, days=5 (local version), by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    print(f"[{label}] simulations saved: {Simulation.objects.count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--stays", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("URL", "LABEL"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.stays, args.rounds, args.profile)
        return
    print(
        f"Samverkan discharge question benchmark – Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU, /proc/loadavg {_loadavg()} (wall times suffer on a busy machine)"
    )
    extra = ["--stays", str(args.stays), "--rounds", str(args.rounds)]
    run_backends(__file__, extra + (["--profile"] if args.profile else []))
    print(f"/proc/loadavg at the end: {_loadavg()}")
    print("Figures only: nothing is asserted.")


if __name__ == "__main__":
    main()
