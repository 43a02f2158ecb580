"""One story on every screen: the dashboard, the municipality page, the progress report (HTML and
PDF) and the draft college proposal show the same sentence for the same figures, taken from
figures.wording; for every demo municipality and for the demo region."""

import html
import io
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation
from docx import Document

from figures import figures, wording
from housing.models import IntentAgreement, Municipality, Region
from housing.periods import Period
from reports import progress
from residents.models import Household
from tests.factories import GRONINGEN
from tests.front.pages_helpers import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

SENTENCE = re.compile(r"data-figure-sentence>(.*?)</p>", re.S)
HIDDEN = re.compile(r'<span class="visually-hidden">: (.*?)</span>', re.S)
BAR = re.compile(
    r'progress__housed" x="0" y="0" width="(\d+)".*?progress__temporary" x="\d+" y="0" width="(\d+)"', re.S
)
PERCENT = re.compile(r'progress__text">(\d+)%')


def squash(text):
    return " ".join(text.split())


def sentences(response):
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    return [squash(html.unescape(s)) for s in SENTENCE.findall(text)]


def pdf_text(html_text):
    """The text WeasyPrint lays out in the PDF, from its boxes (no PDF reader needed)."""
    texts = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in progress.render_document(html_text).pages:
        walk(page._page_box)
    return squash(" ".join(texts))


def docx_text(content):
    return squash(" ".join(p.text for p in Document(io.BytesIO(content)).paragraphs))


def make_row(target, carried_over, realised, realised_temporary):
    return figures.MunicipalityFigures(
        municipality_id=1,
        cbs_code=GRONINGEN,
        name="Groningen",
        province="Groningen",
        period=Period(2026, 2),
        has_quota=True,
        target=target,
        carried_over=carried_over,
        realised=realised,
        realised_temporary=realised_temporary,
    )


def test_more_realised_than_the_task_says_so_instead_of_11_of_8():
    with translation.override("nl"):
        sentence = make_row(6, 2, 11, 7).sentence
    assert sentence == (
        "11 personen gerealiseerd; te huisvesten waren er deze periode 8 (taakstelling 6 plus "
        "achterstand van 2 personen), dus 3 meer dan de opgave. Van hen wonen er nog 7 tijdelijk."
    )
    assert "11 van de 8" not in sentence


def test_a_lead_is_named_a_lead_not_a_bare_negative_number():
    with translation.override("nl"):
        row = make_row(9, -5, 1, 1)
        assert row.sentence.startswith("1 van de 4 te huisvesten personen gerealiseerd deze periode")
        assert "taakstelling 9 min voorsprong van 5 personen" in row.sentence
        assert "Van hen woont er nog 1 tijdelijk." in row.sentence
        assert wording.carried_over_text(-5) == "voorsprong van 5 personen"
        assert wording.carried_over_text(1) == "achterstand van 1 persoon"


@pytest.mark.parametrize(
    ("target", "carried", "realised", "temporary"),
    [(6, 2, 11, 7), (8, 0, 4, 1), (10, 0, 3, 3), (7, 0, 7, 0), (0, 0, 0, 0), (24, -4, 5, 2), (3, 0, 1, 0)],
)
def test_progress_bar_is_exactly_as_long_as_the_percentage_beside_it(target, carried, realised, temporary):
    row = make_row(target, carried, realised, temporary)
    assert row.bar_housed_percent + row.bar_temporary_percent == row.realised_percent
    assert 0 <= row.bar_temporary_percent <= row.realised_percent
    rendered = render_to_string("dashboard/_progress.html", {"row": row})
    housed, hatched = BAR.search(rendered).groups()
    assert int(housed) + int(hatched) == int(PERCENT.search(rendered).group(1))


def test_capacity_totals_row_counts_approved_and_in_use_only():
    from housing.models import Property
    from tests.factories import PropertyFactory

    PropertyFactory(status=Property.Status.OFFERED, capacity=50)
    PropertyFactory(status=Property.Status.ASSESSING, capacity=20)
    PropertyFactory(status=Property.Status.APPROVED, capacity=6)
    PropertyFactory(status=Property.Status.IN_USE, capacity=4)
    cap = figures.capacity_figures()
    assert (cap.properties_total, cap.places_total, cap.free_total) == (2, 10, 10)
    html_text = render_to_string("dashboard/_capacity.html", {"capacity": cap})
    assert "Totaal goedgekeurd en in gebruik" in html_text or "Total approved and in use" in html_text


def test_totals_say_that_still_to_house_is_floored_per_municipality(client, coordinator):
    from tests.factories import QuotaFactory, municipality

    period = Period.current()
    QuotaFactory(municipality=municipality(GRONINGEN), year=period.year, half=period.half, target=5)
    QuotaFactory(
        municipality=municipality("GM0037"), year=period.year, half=period.half, target=3, carried_over=-8
    )
    client.force_login(coordinator)
    response = client.get(f"/dashboard/?period={period}")
    text = response.content.decode()
    assert response.context["total"].remaining == 5, "5 + max(0, -5): floored per municipality"
    assert "per gemeente berekend (nooit onder nul) en daarna opgeteld" in text


@pytest.mark.slow
def test_every_screen_and_document_tells_the_same_story_for_every_demo_municipality_and_the_region(client):
    call_command("seed_demo", password="demo-wachtwoord-voor-tests", stdout=StringIO())
    admin = get_user_model().objects.create_superuser("beheer", password="beheer-wachtwoord-123")
    client.force_login(admin)
    period = Period.current()
    ids = Household.objects.values_list("municipality", flat=True).distinct()
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    assert len(municipalities) >= 5
    with translation.override("nl"):
        rows = {r.cbs_code: r for r in figures.municipality_figures(period, [m.pk for m in municipalities])}
        for municipality in municipalities:
            code = municipality.cbs_code
            expected = rows[code].sentence
            q = f"period={period}&municipality={code}"
            assert sentences(client.get(f"/dashboard/?{q}"))[0] == expected, code
            page = client.get(f"/municipalities/{code}/?period={period}")
            assert sentences(page)[0] == expected, code
            bar_texts = [squash(html.unescape(t)) for t in HIDDEN.findall(page.content.decode())]
            assert bar_texts[0] == expected, "the progress bar reads the same sentence"
            assert sentences(client.get(f"/reports/progress/{code}/?period={period}"))[0] == expected, code
            context = progress.municipality_context(municipality, period)
            assert expected in pdf_text(
                render_to_string("reports/progress.html", {**context, "pdf": True})
            ), code
            agreement = IntentAgreement.objects.filter(municipality=municipality).first()
            if agreement is not None:
                proposal = client.get(f"/agreements/{agreement.pk}/collegevoorstel.docx")
                assert expected in docx_text(proposal.content), code

        region = Region.objects.order_by("pk").first()
        members = list(region.members.values_list("pk", flat=True))
        total = figures.totals(figures.municipality_figures(period, members), period)
        expected = total.sentence
        assert sentences(client.get(f"/dashboard/?period={period}&region={region.pk}"))[0] == expected
        assert sentences(client.get(f"/reports/progress/region/{region.pk}/?period={period}"))[0] == expected
        context = progress.region_context(region, period)
        assert expected in pdf_text(render_to_string("reports/progress.html", {**context, "pdf": True}))
