"""The agreements room's tests use the deviations tests' staff and units (one set of
fixtures for the two rooms that share the same organisations)."""

from tests.deviations.conftest import people, person, units  # noqa: F401
