"""The role table the access matrices are generated from (the README's role table mirrors it).

One row per role: which personal data and which apps it may open. The matrices run grouped
by role group (one test per group × organisation relation, looping over the group's roles
and every page and endpoint, with all failures reported together), so one expensive setup
(a person with decisions, a SIP with consent) serves a whole group instead of one role.
`tests/test_access_table.py` checks the table against the apps' own role sets.

| group | roles | persons | SIP | follow-up |
|---|---|---|---|---|
| care | nurse, physician, occupational therapist, physiotherapist, needs assessor, SIP coordinator | read, change | yes | no |
| medical lead | MAS, chief physician | read, change | yes | yes |
| finance | finance officer | read | no | yes |
| forum | forum member | none | no | yes |
| administration | administrator | none | no | no |
"""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.accounts.models import Role


@dataclass(frozen=True)
class RoleRights:
    role: Role
    group: str
    reads_persons: bool  # sees the own organisation's persons (pages, API, search, tasks)
    changes_persons: bool  # registers facts, interventions, decisions, assessments, tasks
    sip: bool  # starts, reads and manages SIPs
    followup: bool  # the yearly report and the revision simulation (aggregates only)


CARE, MEDICAL_LEAD, FINANCE, FORUM, ADMINISTRATION = (
    "care",
    "medical_lead",
    "finance",
    "forum",
    "administration",
)

ROLE_TABLE: tuple[RoleRights, ...] = (
    RoleRights(Role.NURSE, CARE, True, True, True, False),
    RoleRights(Role.PHYSICIAN, CARE, True, True, True, False),
    RoleRights(Role.OCCUPATIONAL_THERAPIST, CARE, True, True, True, False),
    RoleRights(Role.PHYSIOTHERAPIST, CARE, True, True, True, False),
    RoleRights(Role.NEEDS_ASSESSOR, CARE, True, True, True, False),
    RoleRights(Role.SIP_COORDINATOR, CARE, True, True, True, False),
    RoleRights(Role.MAS, MEDICAL_LEAD, True, True, True, True),
    RoleRights(Role.CHIEF_PHYSICIAN, MEDICAL_LEAD, True, True, True, True),
    RoleRights(Role.FINANCE_OFFICER, FINANCE, True, False, False, True),
    RoleRights(Role.FORUM_MEMBER, FORUM, False, False, False, True),
    RoleRights(Role.ADMINISTRATOR, ADMINISTRATION, False, False, False, False),
)
RIGHTS: dict[Role, RoleRights] = {row.role: row for row in ROLE_TABLE}
GROUPS: dict[str, tuple[Role, ...]] = {}
for _row in ROLE_TABLE:
    GROUPS.setdefault(_row.group, ())
    GROUPS[_row.group] += (_row.role,)
GROUP_NAMES: tuple[str, ...] = tuple(GROUPS)


def roles_where(**rights: bool) -> frozenset[Role]:
    """The roles whose row has every given right, e.g. ``roles_where(reads_persons=True)``."""
    return frozenset(
        row.role
        for row in ROLE_TABLE
        if all(getattr(row, name) == value for name, value in rights.items())
    )


class Failures:
    """Collects the matrix's mismatches, so one test per role group reports every failing
    role and endpoint at once (like subtests), each with a clear message."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.lines.append(message)

    def expect(self, got: object, want: object, message: str) -> None:
        if got != want:
            self.lines.append(f"{message}: got {got!r}, want {want!r}")

    def assert_none(self) -> None:
        assert not self.lines, f"{len(self.lines)} access mismatches:\n" + "\n".join(self.lines)
