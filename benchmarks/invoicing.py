"""Invoicing benchmarks: figures to read, never pass/fail.

    uv run python benchmarks/invoicing.py                    # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:54329/x \\
        uv run python benchmarks/invoicing.py                # SQLite, then PostgreSQL
    uv run python benchmarks/invoicing.py --records 100000 --rows 10000   # a quick look

PostgreSQL: point ``DATABASE_URL`` at a server where the user may create databases; a
scratch database ``samverkan_bench_<pid>`` is created there and dropped afterwards. CI's
``.ci/run`` starts such a server (user postgres, trust) on 127.0.0.1:54329 while it runs the
PostgreSQL tests; to get one by hand (Debian's postgresql package):

    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); D=$(mktemp -d)
    chown postgres "$D"; runuser -u postgres -- "$PGBIN/initdb" -D "$D" -A trust -U postgres
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D" -o "-p 54329 -k $D" -l "$D/log" -w start

Two figures per database, each in a fresh database:

1. An invoice run (``services.run_invoices``) over 1,000,000 approved service records of
   one month, one seller and one buyer (Gävle kommun → Region Gävleborg, November 2019,
   50 % of performed time): 10,000 persons, 2,000 staff members. The records are written
   first with bulk SQL (not timed). The run makes one invoice: 10,000 lines (one per person)
   and 1,000,000 attachment rows. Target 30 s.
2. A CSV import (``services.import_csv``, all-or-nothing) of 100,000 rows for Östersunds
   kommun: 5,000 persons identified by personnummer, 500 staff members, rows crossing
   17.00 split into two records. Target 20 s.

Each backend runs in its own subprocess (Django settings are read once per process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUN_TARGET_S = 30.0
IMPORT_TARGET_S = 20.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- in the child


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    os.environ.setdefault("SAMVERKAN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# scb code -> organisation number (tests/accounts/test_reference_organisations.py checks them
# against ../shared/reference/organisations.csv).
ORG_NUMBERS = {
    "21": "232100-0198",
    "2180": "212000-2338",
    "23": "232100-0214",
    "2380": "212000-2528",
}


def _world() -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit

    def org(name, kind, code, region, number):
        assert number == ORG_NUMBERS[code]
        o, _ = Organisation.objects.get_or_create(
            scb_code=code,
            defaults={
                "name": name,
                "kind": kind,
                "region": region,
                "org_number": number,
                "invoice_reference": f"Ref {code}",
                "street_address": "Box 1",
                "postal_code": "80310",
                "city": "Gävle",
                # confirmed by the administrator (an invoice to an unconfirmed buyer is refused)
                "identifiers_confirmed_at": timezone.now(),
            },
        )
        return o

    gvb, jh = "gavleborg", "jamtland-harjedalen"
    w = {
        "region_gvb": org("Region Gävleborg", OrganisationKind.REGION, "21", gvb, "232100-0198"),
        "gavle": org("Gävle kommun", OrganisationKind.MUNICIPALITY, "2180", gvb, "212000-2338"),
        "region_jh": org(
            "Region Jämtland Härjedalen", OrganisationKind.REGION, "23", jh, "232100-0214"
        ),
        "ostersund": org(
            "Östersunds kommun", OrganisationKind.MUNICIPALITY, "2380", jh, "212000-2528"
        ),
    }
    User = get_user_model()
    for key, role, org_key in (
        ("ekonom_gavle", Role.FINANCE_OFFICER, "gavle"),
        ("ekonom_ost", Role.FINANCE_OFFICER, "ostersund"),
        ("admin", Role.ADMINISTRATOR, "region_jh"),
    ):
        user = User.objects.create_user(username=key, password="x")
        StaffProfile.objects.create(user=user, organisation=w[org_key], role=role)
        w[key] = user
    for key in ("gavle", "ostersund"):
        w[f"unit_{key}"] = Unit.objects.create(
            organisation=w[key], name=f"Hemsjukvården {w[key].name}", kind="home_health_care"
        )
    return w


def _staff(w: dict, org_key: str, count: int, prefix: str) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from samverkan.accounts.models import Role, StaffProfile

    User = get_user_model()
    password = make_password("x")
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i:05d}", password=password) for i in range(count)],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
    StaffProfile.objects.bulk_create(
        [
            StaffProfile(
                user=u, organisation=w[org_key], unit=w[f"unit_{org_key}"], role=Role.NURSE
            )
            for u in users
        ],
        batch_size=2000,
    )
    return [u.pk for u in users]


def _persons(w: dict, org_key: str, count: int, *, identities: list[str] | None = None) -> list:
    from samverkan.people.identity import birth_date, parse_identifier
    from samverkan.people.models import CareRelation, Person, PersonIdentity

    births = [birth_date(parse_identifier(v)) for v in identities] if identities else []
    persons = [
        Person(
            id=uuid.uuid4(),
            given_name="Test",
            family_name=f"Person {i}",
            birth_date=births[i] if i < len(births) else None,
            home_municipality=w[org_key].scb_code,
        )
        for i in range(count)
    ]
    Person.objects.bulk_create(persons, batch_size=2000)
    CareRelation.objects.bulk_create(
        [
            CareRelation(person=p, organisation=w[org_key], since=dt.date(2017, 1, 1))
            for p in persons
        ],
        batch_size=2000,
    )
    if identities:
        PersonIdentity.objects.bulk_create(
            [
                PersonIdentity(person=p, system="personnummer", value=v, is_primary=True)
                for p, v in zip(persons, identities, strict=False)
            ],
            batch_size=2000,
        )
    return persons


def _bulk_records(w: dict, n: int) -> float:
    """n approved hourly-share records, Gävle → Region Gävleborg, November 2019 (bulk SQL)."""
    from django.db import connection, transaction

    from samverkan.purchases.bases import BASES
    from samverkan.purchases.decisions import decide_segment
    from samverkan.purchases.models import DecisionSnapshot, ServiceRecord
    from samverkan.purchases.timesplit import STOCKHOLM

    t0 = time.perf_counter()
    staff = _staff(w, "gavle", 2000, "bench.gvb.")
    persons = _persons(w, "gavle", 10_000)
    decision = decide_segment(
        basis=BASES["gvb-timersattning"],
        band="day",
        region="gavleborg",
        date=dt.date(2019, 11, 4),
        time="09:00",
        municipality="2180",
        intervention="nursing",
    )
    snap = DecisionSnapshot.objects.create(digest=decision.digest, data=decision.snapshot)
    table = ServiceRecord._meta.db_table
    columns = (
        "service_date, start_at, end_at, minutes, band, registration, segment, person_id, "
        "performer_org_id, performer_unit_id, staff_id, orderer_org_id, payer_org_id, "
        "intervention, basis, agreement, payment, decision_id, dispute_ref, status, "
        "external_id, withdrawn_reason, created_by_id, created_at, occupies"
    )
    now = dt.datetime(2019, 12, 1, 12, 0, tzinfo=dt.UTC)
    per_staff = n // len(staff) + 1  # 500: ~17 one-hour slots a day, 30 days
    vendor = connection.vendor
    convert = connection.ops.adapt_datetimefield_value if vendor == "sqlite" else (lambda v: v)
    convert_date = connection.ops.adapt_datefield_value if vendor == "sqlite" else (lambda v: v)
    gavle, region, unit = w["gavle"].pk, w["region_gvb"].pk, w["unit_gavle"].pk

    def rows():
        count = 0
        for s_index, staff_id in enumerate(staff):
            for k in range(per_staff):
                if count >= n:
                    return
                day = dt.date(2019, 11, 1 + (k % 30))
                slot = k // 30  # 0..16
                start = dt.datetime.combine(day, dt.time(6 + slot, 0), tzinfo=STOCKHOLM)
                minutes = 30 + (s_index + k) % 30
                end = start + dt.timedelta(minutes=minutes)
                band = "day" if 8 <= 6 + slot < 17 and day.weekday() < 5 else "evening_night"
                person = persons[(s_index * 7 + k) % len(persons)]
                yield (
                    convert_date(day),
                    convert(start.astimezone(dt.UTC)),
                    convert(end.astimezone(dt.UTC)),
                    minutes,
                    band,
                    uuid.uuid4().hex if vendor == "sqlite" else uuid.uuid4(),
                    0,
                    person.pk.hex if vendor == "sqlite" else person.pk,
                    gavle,
                    unit,
                    staff_id,
                    region,
                    region,
                    "nursing",
                    "gvb-timersattning",
                    "gvb-svart-sjuka",
                    "hourly_share_50",
                    snap.pk,
                    "",
                    "approved",
                    "",
                    "",
                    staff_id,
                    convert(now),
                    True,
                )
                count += 1

    if vendor == "postgresql":
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows():
                copy.write_row(row)
        raw.commit() if not raw.autocommit else None
    else:
        placeholders = ", ".join(["%s"] * 25)
        batch: list = []
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows():
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch
                    )
                    batch = []
            if batch:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - t0


def _csv_content(w: dict, rows: int) -> tuple[bytes, float]:
    from samverkan.people.testpersons import test_personnummer

    t0 = time.perf_counter()
    numbers = test_personnummer(5000)
    _persons(w, "ostersund", 5000, identities=numbers)
    staff_ids = _staff(w, "ostersund", 500, "bench.ost.")
    from django.contrib.auth import get_user_model

    names = dict(get_user_model().objects.filter(pk__in=staff_ids).values_list("pk", "username"))
    lines = ["externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare"]
    per_staff = rows // len(staff_ids) + 1  # 201: 28 days x 8 slots
    count = 0
    for s_index, staff_id in enumerate(staff_ids):
        for k in range(per_staff):
            if count >= rows:
                break
            day = dt.date(2026, 2, 1 + (k % 28))
            slot = k // 28  # 0..7
            hour = 8 + slot  # 08..15; the 16:00 slot crosses 17:00 (two records)
            end_h, end_m = (hour + 2, 20) if slot == 7 else (hour, 50)
            person = numbers[(s_index * 13 + k) % len(numbers)]
            lines.append(
                f"E{count};{day.isoformat()};{hour:02d}:00;{end_h:02d}:{end_m:02d};{person};"
                f"nursing;jh-tjanstekop;{names[staff_id]}"
            )
            count += 1
    return ("\n".join(lines) + "\n").encode("utf-8"), time.perf_counter() - t0


def child(url: str, label: str, records: int, rows: int) -> None:
    t0 = time.perf_counter()
    _setup_django(url)
    from django.db import connection

    from samverkan.purchases import services
    from samverkan.purchases.models import AttachmentRow, InvoiceLine

    w = _world()
    print(f"[{label}] database ready in {time.perf_counter() - t0:.1f} s ({connection.vendor})")

    setup = _bulk_records(w, records)
    print(f"[{label}] {records:,} service records written in {setup:.1f} s (not timed)")
    t, cpu = time.perf_counter(), time.process_time()
    result = services.run_invoices(
        w["ekonom_gavle"],
        seller=w["gavle"],
        buyer=w["region_gvb"],
        month=dt.date(2019, 11, 1),
        today=dt.date(2019, 12, 2),
    )
    run_s, run_cpu = time.perf_counter() - t, time.process_time() - cpu
    (invoice,) = result.created
    lines = InvoiceLine.objects.filter(invoice=invoice).count()
    attachment = AttachmentRow.objects.filter(invoice=invoice).count()
    print(
        f"[{label}] invoice run over {records:,} records: {run_s:6.1f} s  (target {RUN_TARGET_S:.0f} s;"
        f" this process's CPU {run_cpu:.1f} s)"
        f"  -> {invoice.number}, {lines:,} lines, {attachment:,} attachment rows, "
        f"{invoice.payable} kr"
    )
    t = time.perf_counter()
    again = services.run_invoices(
        w["ekonom_gavle"], seller=w["gavle"], buyer=w["region_gvb"], month=dt.date(2019, 11, 1)
    )
    print(f"[{label}] running it again: {time.perf_counter() - t:.2f} s, status {again.status}")

    content, gen_s = _csv_content(w, rows)
    print(
        f"[{label}] CSV of {rows:,} rows built in {gen_s:.1f} s ({len(content) / 1e6:.1f} MB, not timed)"
    )
    t, cpu = time.perf_counter(), time.process_time()
    report = services.import_csv(
        w["ekonom_ost"],
        content,
        mode="all_or_nothing",
        filename="bench.csv",
        today=dt.date(2026, 3, 1),
    )
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        f"[{label}] CSV import of {rows:,} rows:      {import_s:6.1f} s  (target {IMPORT_TARGET_S:.0f} s;"
        f" this process's CPU {import_cpu:.1f} s)"
        f"  -> {report.saved_rows:,} rows saved as {report.saved_records:,} records, "
        f"{len(report.errors)} errors"
    )
    if report.errors:
        for error in report.errors[:5]:
            print(f"    row {error.row}: {error.message}")
    print(f"[{label}] peak RSS {_rss_mb():.0f} MB")


# --------------------------------------------------------------------------- the parent


def _pg_scratch(url: str) -> tuple[str, str]:
    """(scratch database URL, admin URL) on the server ``url`` points at."""
    parsed = urlparse(url)
    name = f"samverkan_bench_{os.getpid()}"
    admin = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin


def _pg_exec(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def run_backends(script: str, args: list[str]) -> None:
    """Run ``script --child URL LABEL *args`` once per backend, each in a process of its own
    (Django reads its settings once per process): SQLite in a scratch file, then PostgreSQL
    in a scratch database when DATABASE_URL points at a server (dropped afterwards)."""
    tmp = tempfile.mkdtemp(prefix="samverkan-bench-")
    runs: list[tuple[str, str, str | None]] = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3", None)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        scratch, admin = _pg_scratch(url)
        runs.append(("PostgreSQL", scratch, admin))
    else:
        print("(PostgreSQL: not measured; set DATABASE_URL=postgres://… to include it)")
    for label, db_url, admin_url in runs:
        if admin_url:
            _pg_exec(admin_url, f'CREATE DATABASE "{urlparse(db_url).path[1:]}"')
        try:
            subprocess.run(
                [sys.executable, script, "--child", db_url, label, *args],
                check=False,
                env={**os.environ, "DATABASE_URL": db_url},
            )
        finally:
            if admin_url:
                _pg_exec(admin_url, f'DROP DATABASE IF EXISTS "{urlparse(db_url).path[1:]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "LABEL"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.records, args.rows)
        return

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Samverkan invoicing benchmark – Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU, load average {load:.1f} (wall times suffer on a busy machine)"
    )
    run_backends(__file__, ["--records", str(args.records), "--rows", str(args.rows)])
    print("Figures only: nothing is asserted.")


if __name__ == "__main__":
    main()
