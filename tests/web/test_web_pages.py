"""Base template, start page per role, nav and work-queue registries, error pages, language."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client

from samverkan.accounts.models import Role, is_licensed
from samverkan.web import nav, work_queue
from samverkan.web.work_queue import TaskItem

ROLE_ORG = {
    Role.PHYSICIAN: "region_jh",
    Role.CHIEF_PHYSICIAN: "region_jh",
    Role.NEEDS_ASSESSOR: "krokom",
    Role.MAS: "krokom",
}


@pytest.mark.parametrize("role", list(Role))
def test_start_page_per_role(client_as, make_staff, orgs, role):
    org = getattr(orgs, ROLE_ORG.get(role, "ostersund"))
    user = make_staff(role, org, first_name="Kim")
    response = client_as(user).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hej Kim!" in html
    assert str(role.label) in html and org.name in html
    assert "Mina uppgifter" in html  # its items come from the apps (tested there)
    assert ("Legitimerad hälso- och sjukvårdspersonal" in html) == is_licensed(role)
    assert ("Granskningslogg" in html) == (role == Role.ADMINISTRATOR)


def test_a_superuser_without_the_administrator_role_gets_no_log_link(client_as, make_staff, orgs):
    """The start page offers the log control exactly where the log control opens: a
    technical superuser who is not an administrator is refused there, so no link here."""
    technician = make_staff(Role.NURSE, orgs.region_jh, "tekniker", is_superuser=True)
    client = client_as(technician)
    assert "Granskningslogg" not in client.get("/").content.decode()
    assert client.get("/loggkontroll/").status_code == 403


def test_start_page_for_a_user_without_profile(client_as, django_user_model):
    user = django_user_model.objects.create_user("utan.roll", password="x")
    html = client_as(user).get("/").content.decode()
    assert "ingen roll eller organisation" in html


def test_base_template_is_accessible(client_as, nurse):
    html = client_as(nurse).get("/").content.decode()
    assert '<html lang="sv">' in html
    assert 'class="skip-link" href="#innehall"' in html and 'id="innehall"' in html
    assert 'name="viewport"' in html
    assert "htmx.min.js" in html and "0BSD" not in html  # licence note is a template comment
    assert '<form method="post" action="/accounts/logout/">' in html


@pytest.fixture
def empty_nav(monkeypatch):
    """The nav with no app registered (the apps register themselves at start-up)."""
    monkeypatch.setattr(nav, "_entries", {})


def test_nav_shows_registered_slots_only_in_fixed_order(client_as, nurse, client, empty_nav):
    assert 'aria-label="Huvudmeny"' not in client_as(nurse).get("/").content.decode()
    nav.register_nav("followup", "web:start")
    nav.register_nav("guide", "password_change", public=True)
    nav.register_nav("sip", "web:start", visible=lambda user: False)
    try:
        html = client_as(nurse).get("/").content.decode()
        assert 'aria-label="Huvudmeny"' in html
        assert html.index("Ansvarsguiden") < html.index("Uppföljning")
        assert '<a href="/" aria-current="page">Uppföljning</a>' in html
        assert ">SIP<" not in html
        anonymous = client.get("/accounts/login/").content.decode()
        assert "Ansvarsguiden" in anonymous and "Uppföljning" not in anonymous
    finally:
        for slot in ("followup", "guide", "sip"):
            nav.unregister_nav(slot)


def test_unknown_nav_slot_is_refused():
    with pytest.raises(ValueError):
        nav.register_nav("kaffe", "web:start")


def test_work_queue_items_and_a_failing_provider(client_as, nurse):
    def sip_tasks(user):
        return [
            TaskItem("Uppföljning av SIP", "/sip/1/", "SIP", due=datetime.date(2030, 1, 2)),
            TaskItem("Avvikelse att besvara", "/avvikelser/3/", "Avvikelser", urgent=True),
        ]

    def broken(user):
        raise RuntimeError("boom")

    work_queue.register_work_queue(sip_tasks)
    work_queue.register_work_queue(broken)
    try:
        html = client_as(nurse).get("/").content.decode()
    finally:
        work_queue.unregister_work_queue(sip_tasks)
        work_queue.unregister_work_queue(broken)
    assert html.index("Avvikelse att besvara") < html.index("Uppföljning av SIP")
    assert '<time datetime="2030-01-02">2030-01-02</time>' in html
    assert "Några uppgifter kunde inte hämtas" in html
    assert "Inga uppgifter just nu." not in html


def test_404_is_swedish(client_as, nurse):
    response = client_as(nurse).get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_500_template_renders_without_context():
    html = render_to_string("500.html")
    assert "Något gick fel" in html and 'lang="sv"' in html
    # Styled by the site's stylesheet: the CSP blocks an inline <style> without a nonce.
    assert "<style" not in html and "web/samverkan.css" in html


@pytest.mark.django_db
def test_csrf_failure_page_is_swedish():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.content.decode()


@pytest.mark.django_db
def test_browser_language_does_not_switch_but_an_explicit_choice_does(client):
    html = client.get("/accounts/login/", headers={"Accept-Language": "en"}).content.decode()
    assert "Användarnamn" in html
    client.cookies["django_language"] = "en"
    assert "Username" in client.get("/accounts/login/").content.decode()


def test_numbers_use_swedish_format():
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("sv"):
        html = Template("{{ n }} {{ d }}").render(
            Context({"n": 1234567.5, "d": datetime.date(2025, 3, 1)})
        )
    assert html == "1\xa0234\xa0567,5 1 mars 2025"


def test_the_accessibility_statement_is_public_and_linked_from_every_page(client, nurse, client_as):
    """Lag (2018:1937) 12 §: a public body publishes a tillgänglighetsredogörelse with the
    known flaws, a way to report them and the supervisory authority (Digg)."""
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    html = response.content.decode()
    for part in ("Kända brister", "Rapportera en brist", "mailto:", "Digg", "WCAG 2.1"):
        assert part in html, part
    for page in ("/guide/", "/accounts/login/"):
        assert 'href="/tillganglighet/"' in client.get(page).content.decode(), page
    assert 'href="/tillganglighet/"' in client_as(nurse).get("/").content.decode()


def test_no_template_relies_on_what_the_csp_blocks():
    """The Content-Security-Policy allows no inline event handler, and inline <script> or
    <style> only with the response's nonce: a template that uses them breaks silently in
    the browser (the follow-up's year picker did)."""
    import re
    from pathlib import Path

    import samverkan

    root = Path(samverkan.__file__).parent
    offending = []
    for path in root.glob("*/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\son[a-z]+\s*=", text):
            offending.append(f"{path.relative_to(root)}: inline event handler")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" not in tag and "nonce" not in tag:
                offending.append(f"{path.relative_to(root)}: {tag}")
    assert not offending, offending


def test_ids_in_form_fields_are_not_localised():
    """USE_THOUSAND_SEPARATOR renders the id 1234 as "1 234": a form field carrying it posts
    an id that does not exist (the invoice run's buyer did, on PostgreSQL, whose ids grow)."""
    import re
    from pathlib import Path

    import samverkan

    root = Path(samverkan.__file__).parent
    bare = [
        f"{path.relative_to(root)}: {match}"
        for path in root.glob("*/templates/**/*.html")
        for match in re.findall(r'value="\{\{ [a-z_.]*\.(?:pk|id) \}\}"', path.read_text("utf-8"))
    ]
    assert not bare, bare


@pytest.mark.parametrize(
    ("role", "path", "prompt"),
    [
        (Role.NURSE, "/avvikelser/ny/", "– Välj huvudman –"),
        (Role.NURSE, "/avvikelser/tvister/ny/", "– Välj motpart –"),
        (Role.FINANCE_OFFICER, "/tjanstekop/fakturering/", "– Välj köpare –"),
    ],
)
def test_a_choice_not_made_yet_is_asked_in_words(client_as, make_staff, orgs, role, path, prompt):
    """Walking the roles (issue 13) found Django's "---------" as the first option of
    "Till huvudman", "Motpart", "Vem agerar nu?" and "Köpare"."""
    page = client_as(make_staff(role, orgs.ostersund)).get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "---------" not in html
    assert prompt in html


def test_the_dispute_form_keeps_the_guides_data_behind_technical_information(
    client_as, make_staff, orgs
):
    """Issue 13 names "Fakta till ansvarsmotorn (JSON, valfritt)": the guide's answers travel
    to the dispute form as data; the field is folded away and speaks of Ansvarsguiden."""
    import re

    html = client_as(make_staff(Role.NURSE, orgs.ostersund)).get("/avvikelser/tvister/ny/")
    page = html.content.decode()
    technical = re.search(r'<details class="technical">(.*?)</details>', page, re.S)
    assert technical and 'name="facts"' in technical.group(1)
    outside = page.replace(technical.group(0), "")
    assert 'name="facts"' not in outside
    assert "JSON" not in page and "ansvarsmotor" not in page.lower()
    assert "Svaren från Ansvarsguiden (valfritt)" in technical.group(1)


def test_an_empty_task_list_says_so_once(client_as, make_staff, orgs):
    """The start page with no tasks read "0 uppgifter till dig och din enhet. De som ska vara
    klara först står överst." above "Inga uppgifter just nu." (seen walking the roles)."""
    html = client_as(make_staff(Role.NEEDS_ASSESSOR, orgs.gavle)).get("/").content.decode()
    assert "Inga uppgifter just nu." in html
    assert "0 uppgifter" not in html and "står överst" not in html
