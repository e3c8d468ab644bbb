"""Shared basics of every app, written once: the error type (`errors`), the append-only model
base (`models`), money (`money`), PDF and CSV documents (`documents`).

No models of its own, and no imports from other samverkan packages: every room may use it.
"""
