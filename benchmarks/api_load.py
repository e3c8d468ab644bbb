"""Load test of `POST /api/decisions` against `samverkan serve` in production mode (granian).

    uv run python benchmarks/api_load.py                      # 16 and 64 clients
    uv run python benchmarks/api_load.py --clients 16 --requests 5000
    uv run python benchmarks/api_load.py --workers 3 --threads 1

What it does, all on loopback and in a temporary directory that is removed at the end:

1. starts ``samverkan serve`` (granian, WSGI workers with threads) on a free port with a fresh SQLite
   database (``DATABASE_URL`` and ``SAMVERKAN_VAR_DIR`` point into the temp directory; the
   first start migrates and loads the demo data),
2. creates an API token for the demo user ``admin`` with ``samverkan manage
   create_bench_token``,
3. drives ``POST /api/decisions`` with realistic, varied facts (``rules.population``: both
   regions, ages, housing, needs, interventions, some facts unknown, dates 2018–2026) from
   N concurrent keep-alive HTTP/1.1 connections on one asyncio loop (cheap for the client, so
   the two cores go to the server), a warm-up first, then a bounded number of requests,
4. prints decisions/s, p50/p99 latency and errors per concurrency beside the target (p99
   under 50 ms at 16 and at 64 clients), and stops the server.

Beside the wall-clock figures it prints the server's CPU time per decision (arbiter and
workers, from /proc) and the load average: on a shared machine the latency says as much
about the neighbours as about the server, the CPU time per decision does not. In the same
run it times the engine's own work on the same facts objects (``engine.decide`` with the
explanation, as a dict: what the endpoint returns, without the web layer), CPU time per
decision in this process, and prints the ratio of the two beside its target (at most 15×).

Figures to read, never pass/fail (the exit code is 0 unless the server fails to start).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P99_MS = 50.0
TARGET_CLIENTS = (16, 64)
TARGET_RATIO = 15.0  # server CPU per request / the engine's own CPU per decision
DATES = ["2018-06-01", "2019-06-01", "2021-03-15", "2022-02-01", "2024-05-01", "2026-11-24"]


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(tmp: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("SAMVERKAN_DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SAMVERKAN_VAR_DIR": str(tmp / "var"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SAMVERKAN_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def samverkan(*args: str) -> list[str]:
    return [sys.executable, "-m", "samverkan.cli", *args]


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"Servern avslutades ({proc.returncode}); se loggen:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{base}/api/agreements", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"Servern svarade inte inom {timeout:.0f} s; se {log}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # graceful stop of the server and its workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- The facts --------------------------------------------------------------------------------


def request_bodies(n: int, seed: int) -> list[bytes]:
    """`n` facts objects as the API takes them: generated persons and interventions."""
    sys.path.insert(0, str(ROOT))
    from samverkan.rules import facts_to_json, generate_population

    per_date = -(-n // len(DATES))
    bodies = []
    for i, day in enumerate(DATES):
        frame = generate_population(per_date, seed=seed + i, date=day, unknown_share=0.1)
        bodies += [json.dumps(facts_to_json(row)).encode() for row in frame.iter_rows(named=True)]
    random.Random(seed).shuffle(bodies)
    return bodies[:n]


# --- The clients ------------------------------------------------------------------------------


@dataclass
class Run:
    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU the server (arbiter + workers) used
    client_cpu: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    engine_cpu: float = 0.0  # seconds of CPU per decision of the engine alone, same facts


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and its descendants, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(times.get(pid, 0) for pid in tree) / tick


async def _client(
    port: int,
    token: str,
    bodies: list[bytes],
    counter: list[int],
    limit: int,
    deadline: float,
    run: Run | None,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        "POST /api/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nConnection: keep-alive\r\n"
    ).encode()
    try:
        while counter[0] < limit and time.monotonic() < deadline:
            body = bodies[counter[0] % len(bodies)]
            counter[0] += 1
            request = head + b"Content-Length: %d\r\n\r\n" % len(body) + body
            started = time.perf_counter()
            try:
                writer.write(request)
                status, closing = await _read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                if run is not None:
                    run.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            took = time.perf_counter() - started
            if run is not None:
                run.statuses[status] = run.statuses.get(status, 0) + 1
                if status == 200:
                    run.latencies.append(took)
                else:
                    run.errors += 1
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" not in headers:
        raise ValueError("svar utan Content-Length")
    await reader.readexactly(int(headers["content-length"]))
    return status, headers.get("connection", "").lower() == "close"


async def _drive(
    port: int,
    token: str,
    bodies: list[bytes],
    clients: int,
    limit: int,
    seconds: float,
    run: Run | None,
) -> None:
    counter = [0]
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(_client(port, token, bodies, counter, limit, deadline, run) for _ in range(clients))
    )


def engine_cpu_per_decision(bodies: list[bytes], rounds: int = 5) -> float:
    """The engine's own CPU seconds per decision over `bodies` (the best of `rounds` passes):
    the facts read from JSON, validated, decided with reasons, and returned as the dict the
    endpoint sends (``engine.decide(...).as_dict()``)."""
    from samverkan.rules import decide

    parsed = [json.loads(body) for body in bodies]
    for raw in parsed[:200]:  # warm the rule sets
        decide(raw).as_dict()
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for raw in parsed:
            decide(raw).as_dict()
        best = min(best, (time.process_time() - started) / len(parsed))
    return best


def measure(
    server: int,
    port: int,
    token: str,
    bodies: list[bytes],
    clients: int,
    requests: int,
    seconds: float,
) -> Run:
    asyncio.run(_drive(port, token, bodies, clients, max(200, clients * 10), 10.0, None))  # warm-up
    run = Run(clients)
    load_before = os.getloadavg()[0]
    cpu_before, client_before = process_tree_cpu(server), time.process_time()
    started = time.perf_counter()
    asyncio.run(_drive(port, token, bodies, clients, requests, seconds, run))
    run.elapsed = time.perf_counter() - started
    run.server_cpu = process_tree_cpu(server) - cpu_before
    run.client_cpu = time.process_time() - client_before
    run.load = (load_before, os.getloadavg()[0])
    run.engine_cpu = engine_cpu_per_decision(bodies)
    return run


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def report(run: Run) -> str:
    done = len(run.latencies) + run.errors
    rate = len(run.latencies) / run.elapsed if run.elapsed else 0.0
    p50 = percentile(run.latencies, 50) * 1000
    p99 = percentile(run.latencies, 99) * 1000
    target = ""
    if run.clients in TARGET_CLIENTS:
        verdict = "uppnått" if p99 < TARGET_P99_MS and run.errors == 0 else "MISSAT"
        target = f"   mål: p99 < {TARGET_P99_MS:.0f} ms, 0 fel -> {verdict}"
    ok = max(len(run.latencies), 1)
    cores = os.cpu_count() or 1
    per_request = run.server_cpu / ok
    ratio = per_request / run.engine_cpu if run.engine_cpu else float("nan")
    ratio_verdict = "uppnått" if ratio <= TARGET_RATIO else "MISSAT"
    return (
        f"{run.clients:>4} klienter  {done:>6} anrop  {rate:>7.0f} beslut/s  "
        f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  fel {run.errors}{target}\n"
        f"      server-CPU {run.server_cpu / ok * 1000:.2f} ms/beslut "
        f"(räcker till ≈{ok / run.server_cpu * cores if run.server_cpu else 0:.0f} beslut/s på "
        f"{cores} lediga kärnor), klient-CPU {run.client_cpu / ok * 1000:.2f} ms/anrop, "
        f"load {run.load[0]:.1f} -> {run.load[1]:.1f}\n"
        f"      motorn själv {run.engine_cpu * 1e6:.0f} µs/beslut (CPU, samma faktaobjekt), "
        f"server-CPU per anrop {per_request * 1e6:.0f} µs = {ratio:.1f}× motorn   "
        f"mål: ≤ {TARGET_RATIO:.0f}× -> {ratio_verdict}"
    )


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--requests", type=int, default=4000, help="anrop per samtidighetsnivå")
    parser.add_argument("--seconds", type=float, default=30.0, help="tak per nivå")
    parser.add_argument("--workers", type=int, default=2, help="serverprocesser")
    parser.add_argument("--threads", type=int, default=2, help="trådar per arbetare")
    parser.add_argument("--facts", type=int, default=3000, help="olika faktaobjekt att skicka")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="behåll temp-katalogen (loggen)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="samverkan-bench-"))
    env = server_env(tmp, {})
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    print(f"Python {platform.python_version()}, {os.cpu_count()} kärnor, {platform.platform()}")
    print(
        f"Startar samverkan serve på {base} ({args.workers} arbetare × {args.threads} trådar), "
        f"databas i {tmp}"
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            samverkan(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_ready(base, proc, timeout=180, log=log)
        token = subprocess.run(
            samverkan("manage", "create_bench_token"),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        bodies = request_bodies(args.facts, args.seed)
        print(
            f"{len(bodies)} olika faktaobjekt; {args.requests} anrop per nivå (tak {args.seconds:.0f} s)\n"
        )
        for clients in args.clients:
            run = measure(proc.pid, port, token, bodies, clients, args.requests, args.seconds)
            print(report(run), flush=True)
    finally:
        stop(proc)
        if args.keep:
            print(f"\nLogg och databas kvar i {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
