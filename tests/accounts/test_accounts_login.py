from django.test import Client, RequestFactory

from samverkan.audit.models import Action, AuditEvent


def test_login_page_is_swedish_and_labelled(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "Logga in" in html and "Användarnamn" in html


def test_login_redirects_to_start_and_is_audited(client, nurse, password, orgs):
    response = client.post("/accounts/login/", {"username": "ssk.test", "password": password})
    assert response.status_code == 302 and response.url == "/"
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.user == nurse
    assert event.organisation == orgs.ostersund
    assert event.role == "nurse"
    assert event.ip == "127.0.0.1"


def test_login_keeps_next(client, nurse, password):
    response = client.post(
        "/accounts/login/?next=/audit/",
        {"username": "ssk.test", "password": password, "next": "/audit/"},
    )
    assert response.url == "/audit/"


def test_failed_login_shows_a_swedish_error_and_logs_no_username(client, nurse):
    response = client.post("/accounts/login/", {"username": "ssk.test", "password": "fel"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "korrekt användarnamn och lösenord" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.user is None
    assert "ssk.test" not in f"{event.why}{event.object_id}{event.person_ref}"


def test_logout_is_post_only_and_audited(client_as, nurse):
    client = client_as(nurse)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert AuditEvent.objects.filter(action=Action.LOGOUT, user=nurse).count() == 1
    assert client.get("/").status_code == 302


def test_password_change(client_as, nurse, password):
    client = client_as(nurse)
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200 and "Byt lösenord" in page.content.decode()
    new = "ett-helt-nytt-lösenord-2"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response.url == "/accounts/password_change/done/"
    assert "Lösenordet är bytt" in client.get(response.url).content.decode()
    assert Client().login(request=RequestFactory().get("/"), username="ssk.test", password=new)


def test_password_change_rejects_a_short_password_in_swedish(client_as, nurse, password):
    response = client_as(nurse).post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": "kort", "new_password2": "kort"},
    )
    assert response.status_code == 200
    assert "för kort" in response.content.decode()


def test_password_change_needs_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
