import pytest
from django.urls import get_resolver

from samverkan.accounts.demo import DEMO_PASSWORD
from samverkan.sip import demo
from django.contrib.auth import get_user_model
from samverkan.sip.models import Sip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_look(page, screenshot):
    get_resolver().url_patterns
    demo.load_demo()

    def login(u):
        page.goto("/accounts/login/")
        page.get_by_label("Användarnamn").fill(u)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()

    login("ssk.gavle")
    g = Sip.objects.get(initiated_by_organisation__scb_code="2180")
    page.goto(f"/sip/{g.pk}/")
    screenshot(page, "gvb-detail")
    page.goto(f"/sip/{g.pk}/plan/")
    screenshot(page, "gvb-editor")
    page.goto(f"/sip/{g.pk}/jamfor/?fran=1&till=2")
    screenshot(page, "gvb-compare")
    page.goto("/sip/")
    screenshot(page, "index")
    page.goto("/")
    screenshot(page, "gvb-start")
    page.get_by_role("button", name="Logga ut").click()
    login("ssk.ostersund")
    o = Sip.objects.get(initiated_by_organisation__scb_code="2380")
    page.goto(f"/sip/{o.pk}/uppfoljning/")
    screenshot(page, "ost-followup")
    page.goto(f"/sip/{o.pk}/versioner/")
    screenshot(page, "ost-versions")
    page.goto(f"/personer/{o.person.pk}/")
    screenshot(page, "ost-person")
    page.goto("/")
    screenshot(page, "ost-start")


def test_look_conflict(page, screenshot):
    from samverkan.sip import services
    from samverkan.sip.plan import plan_of
    get_resolver().url_patterns
    demo.load_demo()
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill("ssk.ostersund")
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    o = Sip.objects.get(initiated_by_organisation__scb_code="2380")
    page.goto(f"/sip/{o.pk}/plan/")
    page.locator('[name="goals"]').fill("Mitt nya mål")
    other = get_user_model().objects.get(username="lakare.regionjh")
    plan = plan_of(o.current_version())
    plan.actions[0].due = plan.actions[0].due.replace(year=2031)
    plan.needs.append("Nattlig tillsyn")
    services.save_plan(get_user_model().objects.get(username="sip.ostersund"), o, plan, base_version=o.version)
    page.get_by_role("button", name="Spara ny version").click()
    screenshot(page, "conflict")
