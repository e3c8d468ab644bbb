"""The role table the access matrices are generated from (the README's role table is this
table: `markdown_table()` renders it and `tests/test_access_table.py` checks that the README
holds it verbatim and that it states the apps' own role sets).

One row per role: which personal data and which apps it may open, in which verksamhet; one
text per role group saying what it reaches and the provision behind it. The matrices run
grouped by role group (one test per group × relation to the person, looping over the group's
roles and every page and endpoint, with all failures reported together), so one expensive
setup (a person with decisions, a SIP with consent) serves a whole group instead of one role.
"""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.accounts.models import Role


@dataclass(frozen=True)
class RoleRights:
    role: Role
    group: str
    reads_persons: bool  # sees its own vårdgivare × verksamhet's persons and records
    changes_persons: bool  # records facts, interventions, decisions, assessments, tasks
    sip: bool  # starts, reads and manages SIPs
    followup: bool  # the yearly report and the revision simulation (aggregates only)
    verksamhet: str | None  # whose records a care relation opens (accounts.verksamhet_of)


CARE, MEDICAL_LEAD, FINANCE, FORUM, ADMINISTRATION = (
    "care",
    "medical_lead",
    "finance",
    "forum",
    "administration",
)

HC, SS = "health_care", "social_services"
ROLE_TABLE: tuple[RoleRights, ...] = (
    RoleRights(Role.NURSE, CARE, True, True, True, False, HC),
    RoleRights(Role.PHYSICIAN, CARE, True, True, True, False, HC),
    RoleRights(Role.OCCUPATIONAL_THERAPIST, CARE, True, True, True, False, HC),
    RoleRights(Role.PHYSIOTHERAPIST, CARE, True, True, True, False, HC),
    RoleRights(Role.NEEDS_ASSESSOR, CARE, True, True, True, False, SS),
    RoleRights(Role.SIP_COORDINATOR, CARE, True, True, True, False, HC),  # SS at a soc. unit
    RoleRights(Role.MAS, MEDICAL_LEAD, True, True, True, True, HC),
    RoleRights(Role.CHIEF_PHYSICIAN, MEDICAL_LEAD, True, True, True, True, HC),
    RoleRights(Role.FINANCE_OFFICER, FINANCE, False, False, False, True, None),
    RoleRights(Role.FORUM_MEMBER, FORUM, False, False, False, True, None),
    RoleRights(Role.ADMINISTRATOR, ADMINISTRATION, False, False, False, False, None),
)

#: Per group: (roles as the README names them, verksamhet, what it reaches, provision).
GROUP_TEXT: dict[str, tuple[str, str, str, str]] = {
    CARE: (
        "nurse, physician, occupational therapist, physiotherapist, biståndshandläggare, "
        "SIP coordinator",
        "health care (licensed roles); social services (biståndshandläggare); a SIP "
        "coordinator by her unit",
        "persons with an active care relation of her own vårdgivare in her verksamhet; of "
        "them only her vårdgivare × verksamhet's records (facts, interventions it performs or "
        "ordered and their decisions, its assessments and tasks), not those of a unit under "
        "inre spärr; records as her own; another vårdgivare's data only through a SIP the "
        "person consented to (tests/sip)",
        "PDL 4 kap. 1–4 §§, 6 kap.; HSLF-FS 2016:40 4 kap. 2–4 §§; OSL 8 kap. 2 §, "
        "25 kap. 1 §, 26 kap. 1 §",
    ),
    MEDICAL_LEAD: (
        "MAS, chefsläkare",
        "health care",
        "as care, in the health care of her vårdgivare; MAS: the service records her organisation "
        "performs or pays for, a performer's under spärr mot andra vårdgivare as pseudonymous "
        "references only (tests/purchases, relation paying_under_sparr); the yearly report "
        "(aggregates)",
        "PDL 4 kap. 1–4 §§, 6 kap.; HSLF-FS 2016:40 4 kap. 2–4 §§; OSL 25 kap. 1 §",
    ),
    FINANCE: (
        "ekonom",
        "none",
        "no person record (403); service records and invoices of her organisation with "
        "pseudonymous person references (tjänsteköp), also a performer's under spärr mot "
        "andra vårdgivare; the payment days of betalningsansvar per stay and month where her "
        "organisation is a party (the region holding the stay, or the kommun once it received "
        "the inskrivningsmeddelande), disputing them for the kommun; the yearly report and the "
        "revision simulation",
        "OSL 25 kap. 1 §, 26 kap. 1 § (need to know: invoicing needs no record); PDL 6 kap. "
        "2–3 §§ (spärr)",
    ),
    FORUM: (
        "forum member",
        "none",
        "no personal data; the yearly report (aggregated, cells under 5 suppressed)",
        "OSL 25 kap. 1 §, 26 kap. 1 §",
    ),
    ADMINISTRATION: (
        "administrator",
        "none",
        "no personal data; the audit log, users and price lists",
        "OSL 25 kap. 1 §, 26 kap. 1 §",
    ),
}
RIGHTS: dict[Role, RoleRights] = {row.role: row for row in ROLE_TABLE}
GROUPS: dict[str, tuple[Role, ...]] = {}
for _row in ROLE_TABLE:
    GROUPS.setdefault(_row.group, ())
    GROUPS[_row.group] += (_row.role,)
GROUP_NAMES: tuple[str, ...] = tuple(GROUPS)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def markdown_table() -> str:
    """The README's role table: one row per role group."""
    lines = [
        "| group | roles | verksamhet | reaches | SIP | follow-up | provision |",
        "|---|---|---|---|---|---|---|",
    ]
    for group, roles in GROUPS.items():
        first = RIGHTS[roles[0]]
        names, verksamhet, reaches, provision = GROUP_TEXT[group]
        lines.append(
            f"| {group.replace('_', ' ')} | {names} | {verksamhet} | {reaches} | "
            f"{_yes(first.sip)} | {_yes(first.followup)} | {provision} |"
        )
    return "\n".join(lines)


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
