"""Scenarios as plain data: TOML files a jurist can write, one file per agreement section.

The files live in this package (``<agreement>/<section>.toml``, baselines in
``baselines.toml``) so that the app can show them beside the clauses they test; the loader
and the runner are in ``samverkan.rules.scenarios.model`` (read them through the door:
``samverkan.rules.scenarios_all``, ``check_scenario``, …).
"""
