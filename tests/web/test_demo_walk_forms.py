"""The demo walk with forms (issue 13): each role's main path submitted as that role would.

`test_demo_walk.py` visits every page; this walk fills in and sends the forms of each role's
daily work, in the same three role groups (so CI runs it once, on PostgreSQL, as a browser
test), with the demo `./dev serve` loads:

- care staff: the nurse finds a person by personnummer, registers an intervention and fills
  the missing facts with the guide's one-question flow, back to the re-decided intervention;
- coordination: the SIP coordinator registers the care relation, starts a SIP, records the
  person's consent, invites the region and revokes the consent (through its confirmation);
  the MAS reports a serious deviation and records the direct contact with the other side;
- ekonomi, forum and administration: the ekonom approves and rejects rows of the monthly
  review and runs the invoicing (what is included and not, then the confirmation that locks
  the month); the forum member reads the yearly report and runs a revision simulation; the
  administrator searches log control.

After each submit the page is looked at as in the demo walk, at 1280 px and at 768 px: no
overflow, 44×44 px targets, no developer words; a screenshot of each is written to
`test-artifacts/screenshots/demo-forms-<user>-<width>-<step>.png`. At the end of each group
the audit log's purposes (`why`) written on the way must be plain Swedish too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.web import test_demo_walk as walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Besides the demo walk's developer words: a count written for both numbers at once,
#: "1 del(ar)", "2 faktura(or)" (issue 13: "plurals").
BOTH_NUMBERS = re.compile(r"\w\((?:ar|or|er|na)\)")


@pytest.fixture
def demo_data() -> None:
    """The demo `./dev serve` loads (every app's loader, in its order)."""
    from samverkan.config.serve import load_all_demo_data

    load_all_demo_data()


@pytest.fixture
def password() -> str:
    from samverkan.accounts.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


class Walker:
    """One browser page walked by one demo user after another; collects what it finds."""

    def __init__(self, page: Any, login: Any) -> None:
        self.page = page
        self.login_form = login
        self.user = ""
        self.problems: list[str] = []
        self.steps = 0
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _response(self, response: Any) -> None:
        if response.request.resource_type == "document" and response.status >= 500:
            self.failed.append(f"{self.user}: {response.status} {response.url}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def login(self, username: str) -> None:
        from django.contrib.auth import get_user_model

        self.user = username
        self.page.context.clear_cookies()
        self.page.set_viewport_size({"width": walk.WIDTHS[0], "height": 900})
        self.login_form(self.page, get_user_model().objects.get(username=username))
        assert "/accounts/login" not in self.page.url, f"{username} kom inte in"

    def look(self, step: str) -> str:
        """Check the page as it is now at both widths; returns its visible text."""
        from tests.conftest import SCREENSHOTS

        page = self.page
        page.wait_for_load_state()
        self.steps += 1
        text = ""
        for width in walk.WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            seen = page.evaluate(walk.MEASURE)
            where = f"{self.user} {width} px {step} ({page.url.split('//', 1)[-1]})"
            if seen["overflow"] > 0:
                self.problems.append(f"{where}: {seen['overflow']} px för bred: {seen['wide'][:3]}")
            elif seen["wide"]:
                self.problems.append(f"{where}: utanför fönstret: {seen['wide'][:3]}")
            if seen["small"]:
                self.problems.append(f"{where}: mindre än 44×44 px: {seen['small'][:5]}")
            words = sorted(
                {m.group(0) for m in walk.DEVELOPER_WORDS.finditer(seen["text"])}
                | {m.group(0) for m in BOTH_NUMBERS.finditer(seen["text"])}
            )
            if words:
                self.problems.append(f"{where}: utvecklarord: {words}")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"demo-forms-{self.user}-{width}-{step}.png"))
            text = seen["text"]
        page.set_viewport_size({"width": walk.WIDTHS[0], "height": 900})
        return text

    def click(self, role: str, name: str, *, exact: bool = False) -> None:
        self.page.get_by_role(role, name=name, exact=exact).first.click()
        self.page.wait_for_load_state()

    def finish(self, since: int) -> None:
        """The audit log's purposes written during the walk, read as log control shows them."""
        from samverkan.audit.models import AuditEvent

        whys = AuditEvent.objects.filter(sequence__gt=since).values_list("why", flat=True)
        words = sorted({m.group(0) for w in whys for m in walk.DEVELOPER_WORDS.finditer(w)})
        if words:
            self.problems.append(f"loggens syften: utvecklarord: {words}")
        assert not self.failed, "serverfel:\n" + "\n".join(self.failed)


def _last_sequence() -> int:
    from samverkan.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return last or 0


def _person_of(organisation: str, *, without_interventions: bool = False) -> tuple[str, str, str]:
    """(personnummer, given name, family name) of a demo person of `organisation`'s."""
    from samverkan.people.models import Person

    persons = Person.objects.filter(
        care_relations__organisation__name=organisation, identities__system="personnummer"
    ).order_by("family_name", "given_name")
    if without_interventions:
        persons = persons.filter(interventions__isnull=True)
    person = persons.first()
    assert person is not None, f"ingen demoperson hos {organisation}"
    number = person.identities.filter(system="personnummer").values_list("value", flat=True)[0]
    return number, person.given_name, person.family_name


# --- the care staff's path ------------------------------------------------------------------


def nurse_registers_an_intervention_and_answers_the_questions(w: Walker) -> None:
    number, given, family = _person_of("Östersunds kommun", without_interventions=True)
    w.login("ssk.ostersund")
    page = w.page
    page.goto("/")
    page.get_by_role("searchbox").first.fill(number)
    w.click("button", "Sök")
    w.look("personsok")
    w.click("link", f"{given} {family}")
    w.look("person")
    w.click("link", "Ny insats")
    w.look("ny-insats")
    page.get_by_label("Insats:").select_option(label="Sjuksköterskeinsats")
    w.click("button", "Spara insats")
    text = w.look("insats-sparad")
    assert "Insatsen är registrerad" in text
    if "kan inte avgöras än" not in text:
        return
    w.click("link", "Besvara frågorna en i taget")
    for number_asked in range(30):
        if page.get_by_role("button", name="Spara och nästa fråga").count() == 0:
            break
        if number_asked == 0:
            w.look("fraga-1")
        form = page.locator("main form").first
        radios = form.locator("input[type=radio][name=value]")
        if radios.count():
            radios.first.check()
        elif form.locator("input[type=time][name=value]").count():
            form.locator("input[name=value]").fill("10:00")
        elif form.locator("select[name=value]").count():
            form.locator("select[name=value]").select_option(index=1)
        w.click("button", "Spara och nästa fråga")
    text = w.look("fragor-klara")
    assert "Frågorna är besvarade" in text, text[:400]


# --- coordination: SIP and serious deviations -------------------------------------------------


def sip_coordinator_starts_a_sip_invites_and_revokes_consent(w: Walker) -> None:
    from django.utils import timezone

    number, given, family = _person_of("Gävle kommun")
    w.login("sip.gavle")
    page = w.page
    page.goto("/personer/ny/")
    w.look("registrera-person")
    page.get_by_label("Identitetsnummer").fill(number)
    page.get_by_label("Förnamn").fill(given)
    page.get_by_label("Efternamn").fill(family)
    page.get_by_label("Personen är patient eller brukare hos min verksamhet").check()
    page.get_by_label("Anledning till vårdrelationen").fill("Samordnad individuell plan")
    w.click("button", "Registrera")
    w.look("person")
    w.click("link", "Starta SIP", exact=True)
    w.look("starta-sip")
    w.click("button", "Starta SIP")
    text = w.look("sip-startad")
    assert "SIP:en är startad" in text
    w.click("link", "Registrera samtycke eller bedömning")
    w.look("samtycke")
    page.get_by_label("personens eget samtycke").check()
    given_at = timezone.localtime() - dt.timedelta(hours=1)
    page.get_by_label("När lämnades samtycket eller gjordes bedömningen?").fill(
        given_at.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("alla kallade deltagare").check()
    w.click("button", "Registrera")
    assert "Samtycket är registrerat" in w.look("samtycke-registrerat")
    w.click("link", "Kalla deltagare")
    w.look("kalla")
    page.get_by_label("Organisation").select_option(label="Region Gävleborg")
    w.click("button", "Skicka kallelse")
    assert "Kallelsen är skickad" in w.look("kallad")
    w.click("link", "Återkalla …")
    text = w.look("aterkalla-bekrafta")
    assert "Det går inte att ångra" in text
    w.click("button", "Ja, återkalla")
    assert "återkalla" in w.look("samtycke-aterkallat").lower()


def mas_reports_a_serious_deviation_and_records_the_contact(w: Walker) -> None:
    from django.utils import timezone

    w.login("mas.krokom")
    page = w.page
    page.goto("/avvikelser/ny/")
    w.look("ny-avvikelse")
    page.get_by_label("Till huvudman:").select_option(label="Region Jämtland Härjedalen")
    page.get_by_label("Allvarlighetsgrad:").select_option("serious")
    page.get_by_label("Rubrik:").fill("Ordinerat läkemedel saknades")
    page.get_by_label("Datum:").fill(f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}")
    page.get_by_label("Var hände det?").fill("Ordinärt boende")
    page.get_by_label("Vad hände?").fill("Läkemedlet fanns inte hemma vid kvällsbesöket.")
    w.click("button", "Skicka")
    text = w.look("avvikelse-skickad")
    assert "Avvikelsen är skickad" in text and "Ring" in text
    page.get_by_label("Anteckning om kontakten:").fill("Samtal med chefsläkaren")
    w.click("button", "Jag har kontaktat Region Jämtland Härjedalen")
    w.look("kontakt-tagen")
    page.goto("/avvikelser/?allvarliga=1")
    assert "Ordinerat läkemedel saknades" in w.look("allvarliga")


# --- ekonomi, forum and administration ------------------------------------------------------


def ekonom_reviews_the_month_and_runs_the_invoicing(w: Walker) -> None:
    from django.utils import timezone

    month = f"{timezone.localdate().replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    w.login("ekonom.ostersund")
    page = w.page
    page.goto(f"/tjanstekop/manad/?month={month}")
    w.look("manadsgranskning")
    reject = page.locator("main form[action*='/avvisa/']")
    if reject.count() > 1:
        reject.first.locator("input[name=reason]").fill("Fel datum")
        reject.first.get_by_role("button", name="Avvisa").click()
        w.look("avvisad")
    approve = page.get_by_role("button", name="Godkänn", exact=True)
    if approve.count():
        approve.first.click()
        w.look("godkand")
    page.goto("/tjanstekop/fakturering/")
    page.get_by_label("Månad:").fill(month)
    page.get_by_label("Köpare:").select_option(label="Region Jämtland Härjedalen")
    w.click("button", "Visa vad som faktureras")
    text = w.look("fakturering-forhandsvisning")
    assert "Ingår" in text
    confirm = page.get_by_role("button", name="Bekräfta: skapa fakturor och lås månaden")
    assert confirm.count() == 1, "ingen bekräftelse före låsningen"
    confirm.click()
    text = w.look("fakturering-klar")
    assert "Inga fakturor ännu" not in text


def forum_member_reads_the_report_and_runs_a_simulation(w: Walker) -> None:
    w.login("forum.ostersund")
    page = w.page
    page.goto("/uppfoljning/")
    w.look("uppfoljning")
    page.locator("main a[href^='/uppfoljning/rapport/']").first.click()
    w.look("arsrapport")
    page.goto("/uppfoljning/simulering/")
    w.look("simulering")
    page.get_by_label("Namn på simuleringen").fill("Prövning inför revisionen")
    # The forum's question on the agreement's named number; the county-sized population.
    page.get_by_label("Vad vill ni pröva?").select_option("named")
    page.get_by_label("Talet i avtalet").select_option("jh_hsv.adl_needs_min")
    page.get_by_label("Nytt värde").fill("2")
    w.click("button", "Kör simuleringen")
    w.look("simulering-klar")
    assert "/uppfoljning/simulering/" in page.url


def administrator_searches_log_control(w: Walker) -> None:
    from django.utils import timezone

    w.login("admin.regiongvb")
    page = w.page
    page.goto("/loggkontroll/")
    w.look("loggkontroll")
    page.get_by_label("Händelse:").select_option(label="visa")
    page.get_by_label("Från och med:").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Till och med:").fill(f"{timezone.localdate():%Y-%m-%d}")
    w.click("button", "Sök")
    w.look("loggkontroll-sok")


PATHS = {
    "vard": (nurse_registers_an_intervention_and_answers_the_questions,),
    "samordning": (
        sip_coordinator_starts_a_sip_invites_and_revokes_consent,
        mas_reports_a_serious_deviation_and_records_the_contact,
    ),
    "ekonomi-forum-admin": (
        ekonom_reviews_the_month_and_runs_the_invoicing,
        forum_member_reads_the_report_and_runs_a_simulation,
        administrator_searches_log_control,
    ),
}


@pytest.mark.parametrize("group", sorted(PATHS))
def test_demo_walk_with_forms(group, demo_data, page, login) -> None:
    assert set(PATHS) == set(walk.ROLE_GROUPS)
    w = Walker(page, login)
    since = _last_sequence()
    for path in PATHS[group]:
        path(w)
    w.finish(since)
    assert not w.problems, f"{len(w.problems)} fynd i rollgruppen {group}:\n" + "\n".join(
        w.problems
    )
    assert w.steps >= 3 * len(PATHS[group]), f"för få steg: {w.steps}"
