"""`samverkan serve`: prepare the database and static files, then run the web server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# Access log without query strings and referrers: both can carry search terms about persons
# (a shared guide link carries facts in its query string). Path, status and time only.
ACCESS_LOG_FORMAT = '%(addr)s [%(time)s] "%(method)s %(path)s" %(status)d %(dt_ms).0fms'


def serve(
    host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 2, dev: bool = False
) -> None:
    """Migrate, collect static files, load the demo data, then serve on host:port.

    Production mode runs granian (WSGI worker processes, each with a few threads); `dev=True`
    runs Django's runserver with DEBUG on and auto-reload. Few threads per worker: requests are CPU-bound Python, and
    threads of one process contend for the GIL, which shows in the latency tail (measured by
    benchmarks/api_load.py, under gunicorn: p99 at 16 clients 40 ms with 4 threads, 26 ms with 2).
    """
    if dev:
        os.environ.setdefault("SAMVERKAN_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    # The autoreloader re-runs this process; prepare only once, in the parent.
    if os.environ.get("RUN_MAIN") != "true":
        _prepare()
        _announce(host, port)
    if dev:
        call_command("runserver", f"{_bind_host(host)}:{port}")
    else:
        _run_server(_bind_host(host), port, workers, threads)


def _prepare() -> None:
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_all_demo_data()


# Each app's demo loader is idempotent and builds on the ones before it.
DEMO_LOADERS = (
    "samverkan.accounts.demo",
    "samverkan.people.demo",
    "samverkan.sip.demo",
    "samverkan.discharge.demo",
    "samverkan.purchases.demo",
    "samverkan.agreements.demo",
    "samverkan.deviations.demo",
)


def load_all_demo_data() -> None:
    import importlib
    import importlib.util

    for module in DEMO_LOADERS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).load_demo()


def _announce(host: str, port: int) -> None:
    from samverkan.accounts.demo import DEMO_PASSWORD

    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    print(f"Samverkan: http://{_bind_host(shown)}:{port}/")
    print(
        f"Logga in som 'admin' med lösenordet '{DEMO_PASSWORD}' (alla demoanvändare: docs/demo-users.md)."
    )


def _bind_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _run_server(host: str, port: int, workers: int, threads: int) -> None:
    """Granian (a Rust HTTP server) runs the WSGI application: HTTP parsing, keep-alive and
    the hand-off to Python threads cost a fraction of what gunicorn's pure-Python gthread
    workers did (benchmarks/api_load.py: server CPU per decision 0.9 ms under gunicorn,
    about 0.5 ms under granian on the same machine)."""
    from django.db import connections
    from granian import Granian
    from granian.constants import Interfaces

    _warm_up()
    # The workers are processes of their own: none may inherit the parent's connection.
    connections.close_all()
    Granian(
        "samverkan.config.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=True,
        log_access_format=ACCESS_LOG_FORMAT,
        log_dictconfig=_server_logging(),
        respawn_failed_workers=True,
    ).serve()


def _warm_up() -> None:
    """Load what the first request would otherwise wait for (URLconf with every view and the
    API schema, the rule sets of both regions) once, before the server starts its workers."""
    from django.urls import get_resolver

    from samverkan.rules import REGIONS, default_ruleset

    get_resolver().url_patterns  # noqa: B018 - importing the URLconf is the point
    for region in REGIONS:
        default_ruleset(region)


def _server_logging() -> dict[str, Any]:
    """The server's own loggers through the same redacting formatter as Django's."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "redacted": {
                "()": "samverkan.config.logs.RedactingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "redacted"},
        },
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
