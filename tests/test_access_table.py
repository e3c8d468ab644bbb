"""The role table of the access matrices (tests/access_matrix.py) is the apps' own rules, and
the README's role table is that table."""

from __future__ import annotations

from pathlib import Path

from samverkan.accounts.models import Role, verksamhet_of
from samverkan.followup.access import FOLLOWUP_ROLES
from samverkan.people.access import READ_ROLES, WRITE_ROLES
from samverkan.sip.access import SIP_ROLES
from tests.access_matrix import GROUP_TEXT, GROUPS, ROLE_TABLE, markdown_table, roles_where

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_role_has_one_row_and_one_group() -> None:
    assert [row.role for row in ROLE_TABLE] == list(Role)
    assert sorted(role for roles in GROUPS.values() for role in roles) == sorted(Role)


def test_the_table_states_the_apps_role_sets() -> None:
    assert roles_where(reads_persons=True) == READ_ROLES
    assert roles_where(changes_persons=True) == WRITE_ROLES
    assert roles_where(sip=True) == SIP_ROLES
    assert roles_where(followup=True) == FOLLOWUP_ROLES


def test_roles_of_one_group_have_the_same_rights() -> None:
    for roles in GROUPS.values():
        rights = {
            (r.reads_persons, r.changes_persons, r.sip, r.followup)
            for r in ROLE_TABLE
            if r.role in roles
        }
        assert len(rights) == 1, roles


def test_the_table_states_each_roles_verksamhet() -> None:
    for row in ROLE_TABLE:
        assert row.verksamhet == verksamhet_of(row.role), row.role


def test_every_group_says_what_it_reaches_and_why() -> None:
    assert set(GROUP_TEXT) == set(GROUPS)
    for names, verksamhet, reaches, provision in GROUP_TEXT.values():
        assert names and verksamhet and reaches
        assert "kap." in provision  # the provision behind the row


def test_the_readme_holds_the_role_table() -> None:
    """README.md's "Access" role table is the one the matrices are generated from."""
    assert markdown_table() in README.read_text(encoding="utf-8")
