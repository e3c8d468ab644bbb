"""The access matrix of the notification pages (tests/access_matrix.py's role table).

A notification holds no personal data (a neutral kind and a link), so the person relations of
the other matrices (own, participating with or without consent, emergency, unrelated) do not
change who may open it: every role opens its own notifications and its e-mail choice, nobody
another user's (404, the same as an unknown number), anonymous users go to the login. The case
behind a link keeps its own matrix (SIP, deviations, people)."""

from __future__ import annotations

import pytest

from samverkan.notifications.models import Kind
from samverkan.notifications.services import notify
from tests.access_matrix import ROLE_TABLE, Failures


@pytest.mark.parametrize("group", sorted({r.group for r in ROLE_TABLE}))
def test_notification_matrix(group, make_staff, orgs, client_as):
    failures = Failures()
    other_org_user = make_staff(ROLE_TABLE[0].role, orgs.region_gvb)
    (foreign,) = notify(other_org_user, Kind.TASK, "/personer/uppgifter/1/")
    for rights in [r for r in ROLE_TABLE if r.group == group]:
        for organisation in (orgs.ostersund, orgs.region_jh):
            user = make_staff(rights.role, organisation)
            colleague = make_staff(rights.role, organisation)
            (own,) = notify(user, Kind.SIP_INVITATION, "/sip/1/")
            (theirs,) = notify(colleague, Kind.SIP_INVITATION, "/sip/1/")
            client = client_as(user)
            where = f"{rights.role} at {organisation}"
            failures.expect(client.get("/notiser/").status_code, 200, f"{where} list")
            failures.expect(
                client.get("/notiser/installningar/").status_code, 200, f"{where} preferences"
            )
            failures.expect(client.get(f"/notiser/{own.pk}/").status_code, 302, f"{where} own")
            for other, label in ((theirs, "colleague's"), (foreign, "other organisation's")):
                failures.expect(
                    client.get(f"/notiser/{other.pk}/").status_code, 404, f"{where} {label}"
                )
            failures.expect(client.put("/notiser/").status_code, 405, f"{where} PUT")
    failures.assert_none()


@pytest.mark.parametrize("path", ["/notiser/", "/notiser/installningar/", "/notiser/1/"])
def test_anonymous_goes_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
