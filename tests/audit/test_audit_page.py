import datetime

import pytest
from django.utils import timezone

from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record

URL = "/audit/"


@pytest.fixture
def log(nurse, physician, orgs):
    """Three events: nurse (Östersund) viewing a person, physician (region) too, one old."""
    record(nurse, Action.VIEW, "people.person", 1, person_ref="191212121212")
    record(physician, Action.VIEW, "people.person", 2, person_ref="201212121212")
    old = AuditEvent.objects.create(
        timestamp=timezone.now() - datetime.timedelta(days=40), user=nurse,
        organisation=orgs.ostersund, role="nurse", action=Action.UPDATE, object_type="sip.plan",
    )  # fmt: skip
    return old


def _listed(response):
    return list(response.context["page"].object_list)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/audit/"


@pytest.mark.parametrize("role_fixture", ["nurse", "mas", "chief_physician", "forum_member"])
def test_non_administrators_are_refused_and_logged(request, client_as, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_as(user).get(URL)
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()
    assert AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED).count() == 1


def test_administrator_sees_own_organisation_and_the_look_is_logged(client_as, administrator, log):
    response = client_as(administrator).get(URL)
    assert response.status_code == 200
    listed = _listed(response)
    assert {e.organisation.name for e in listed} == {"Östersunds kommun"}
    assert "201212121212" not in response.content.decode()
    own = AuditEvent.objects.filter(user=administrator, action=Action.VIEW)
    assert own.count() == 1 and own.get().object_type == "audit.auditevent"


def test_superuser_sees_everything(client_as, superuser, log):
    listed = _listed(client_as(superuser).get(URL))
    assert {"Östersunds kommun", "Region Jämtland Härjedalen"} <= {
        e.organisation.name for e in listed if e.organisation
    }


def test_filter_by_person_logs_the_person_reference(client_as, superuser, log):
    response = client_as(superuser).get(URL, {"person": "191212121212"})
    assert [e.person_ref for e in _listed(response)] == ["191212121212"]
    search = AuditEvent.objects.get(user=superuser, action=Action.SEARCH)
    assert search.person_ref == "191212121212"
    assert "191212121212" not in search.why


def test_filter_by_user_organisation_and_date(client_as, superuser, physician, orgs, log):
    client = client_as(superuser)
    by_user = _listed(client.get(URL, {"user": physician.username}))
    assert {e.user for e in by_user} == {physician}
    by_org = _listed(client.get(URL, {"organisation": orgs.ostersund.pk}))
    assert {e.organisation for e in by_org} == {orgs.ostersund}
    cutoff = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    before = _listed(client.get(URL, {"date_to": cutoff}))
    assert before == [log]
    after = _listed(client.get(URL, {"date_from": cutoff, "user": "ssk.test"}))
    assert log not in after and after


def test_bad_date_range_shows_an_error_and_no_rows(client_as, superuser, log):
    response = client_as(superuser).get(URL, {"date_from": "2024-02-01", "date_to": "2024-01-01"})
    assert response.status_code == 200
    assert "Slutdatum är före startdatum" in response.content.decode()
    assert _listed(response) == []


def test_filter_form_is_labelled(client_as, superuser):
    html = client_as(superuser).get(URL).content.decode()
    for name in ("user", "organisation", "person", "action", "date_from", "date_to"):
        assert f'for="id_{name}"' in html
