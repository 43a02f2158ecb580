"""Printable progress reports (HTML and PDF), the evidence report and the draft college proposal."""

import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from docx import Document

from figures import figures
from housing.models import IntentAgreement
from housing.periods import Period
from reports import progress
from reports.evidence import HEADER as EVIDENCE_HEADER
from reports.evidence import evidence_by_municipality, median_of_histogram
from residents.models import Placement, Resident
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    IntentAgreementFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)
from tests.reports.reports_helpers import read_csv, read_xlsx

PAST = Period(2025, 2)  # a past period: its reference date is 2025-12-31 whatever today is


def placement(household, prop, start, end=None, *, kind=Placement.Kind.HAR, reason="", **resident_fields):
    resident = ResidentFactory(household=household, **resident_fields)
    return PlacementFactory(
        resident=resident,
        property=prop,
        kind=kind,
        start_date=start,
        end_date=end,
        planned_end=None,
        extension_reason=reason,
    )


@pytest.fixture
def evidence_world(db):
    """Groningen in 2025-H2 (reference date 2025-12-31):

    r1  HAR 2025-07-01 → running     GP 07-10 (≤14 days), insured 07-20 (>14)   6: no (one day short)
    r2  HAR 2024-11-01 → running     reason "wacht op nareis"                             6: yes, 12: yes
    r3  transit 2025-08-01 → 09-15   (45 days), GP never, insured since 08-01             6: no
    r4  HAR 2025-07-01 → 10-01       (92 days), reason "wacht op nareis"                   6: no
    r5  HAR 2025-02-01 → 2025-06-01  (before the period: not counted)
    r6  permanent 2025-07-01         (not temporary: not counted)
    Reunification: household X applied 2025-03-01, arrived 2025-09-01 (184 days); Y applied 2025-05-01,
    arrived 2025-12-01 (214 days); Z expects 2 members, not arrived (pending).
    """
    g = municipality(GRONINGEN)
    prop = PropertyFactory(municipality=g, capacity=50)
    h = HouseholdFactory(municipality=g)
    placement(
        h,
        prop,
        dt.date(2025, 7, 1),
        gp_practice="Huisartsen Centrum",
        gp_registered_on=dt.date(2025, 7, 10),
        health_insurance=Resident.Insurance.INSURED,
        insured_since=dt.date(2025, 7, 20),
    )
    placement(h, prop, dt.date(2024, 11, 1), reason="wacht op nareis")
    placement(
        h,
        prop,
        dt.date(2025, 8, 1),
        dt.date(2025, 9, 15),
        kind=Placement.Kind.TRANSIT,
        health_insurance=Resident.Insurance.INSURED,
        insured_since=dt.date(2025, 8, 1),
    )
    placement(h, prop, dt.date(2025, 7, 1), dt.date(2025, 10, 1), reason="wacht op nareis ")
    placement(h, prop, dt.date(2025, 2, 1), dt.date(2025, 6, 1))
    placement(h, prop, dt.date(2025, 7, 1), kind=Placement.Kind.PERMANENT)
    HouseholdFactory(
        municipality=g,
        reunification_applied_on=dt.date(2025, 3, 1),
        reunification_arrived_on=dt.date(2025, 9, 1),
    )
    HouseholdFactory(
        municipality=g,
        reunification_applied_on=dt.date(2025, 5, 1),
        reunification_arrived_on=dt.date(2025, 12, 1),
    )
    HouseholdFactory(
        municipality=g, reunification_expected_members=2, reunification_applied_on=dt.date(2025, 4, 1)
    )
    # Utrecht has a temporary placement too; it must not leak into Groningen's row.
    u = HouseholdFactory(municipality=municipality(UTRECHT))
    placement(u, PropertyFactory(municipality=municipality(UTRECHT), postcode="3511 AA"), dt.date(2025, 9, 1))
    return g


def test_evidence_figures_match_the_hand_computed_world(evidence_world):
    from housing.models import Municipality

    result = evidence_by_municipality(PAST, Municipality.objects.filter(pk=evidence_world.pk))
    e = result[evidence_world.pk]
    assert (e.temporary, e.started, e.past_6_months, e.past_12_months) == (4, 3, 1, 1)
    assert (e.with_reason, dict(e.reasons)) == (2, {"wacht op nareis": 2})
    assert (e.ended, e.median_stay_days) == (2, 68.5)
    assert (e.gp_within_14_days, e.insured_within_14_days) == (1, 1)
    assert e.gp_share == pytest.approx(1 / 3)
    assert (e.reunification_arrived, e.reunification_median_days, e.reunification_pending) == (2, 199, 1)


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({5: 1}, 5), ({1: 1, 3: 1}, 2), ({1: 2, 9: 1}, 1), ({1: 1, 2: 1, 10: 2}, 6)],
)
def test_median_of_histogram(histogram, median):
    assert median_of_histogram(histogram) == median


def test_evidence_export_csv_and_xlsx(client, coordinator, evidence_world):
    client.force_login(coordinator)
    rows = read_csv(client.get(f"/reports/evidence.csv?period={PAST}&municipality={GRONINGEN}"))
    assert rows[0] == list(EVIDENCE_HEADER)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["gemeentecode"] == GRONINGEN and row["periode"] == "2025-H2"
    assert row["tijdelijke_plaatsingen"] == "4" and row["langer_dan_12_maanden"] == "1"
    assert row["verlengingsredenen"] == "", "free text can hold names: not for the coordinator"
    assert row["mediane_verblijfsduur_dagen"] == "68,5"
    assert row["huisarts_binnen_14_dagen_aandeel"] == "0,3333"
    assert row["nareis_mediane_doorlooptijd_dagen"] == "199"

    ws, xrows = read_xlsx(client.get(f"/reports/evidence.xlsx?period={PAST}"))
    assert xrows[0] == list(EVIDENCE_HEADER)
    assert ws.freeze_panes == "A2"
    groningen = dict(zip(xrows[0], next(r for r in xrows if r[0] == GRONINGEN), strict=True))
    assert groningen["tijdelijke_plaatsingen"] == 4 and type(groningen["tijdelijke_plaatsingen"]) is int
    assert groningen["mediane_verblijfsduur_dagen"] == 68.5
    assert groningen["huisarts_binnen_14_dagen_aandeel"] == pytest.approx(1 / 3)
    assert {r[0] for r in xrows[1:]} == {GRONINGEN, UTRECHT}, "municipalities without data are left out"


def test_evidence_extension_reasons_reach_staff_of_the_municipality_only(
    client, staff_groningen, coordinator, evidence_world
):
    client.force_login(staff_groningen)
    rows = read_csv(client.get(f"/reports/evidence.csv?period={PAST}&municipality={GRONINGEN}"))
    assert dict(zip(rows[0], rows[1], strict=True))["verlengingsredenen"] == "wacht op nareis (2)"
    client.force_login(coordinator)
    _ws, xrows = read_xlsx(client.get(f"/reports/evidence.xlsx?period={PAST}"))
    column = EVIDENCE_HEADER.index("verlengingsredenen")
    assert all(not row[column] for row in xrows[1:]), "no free text in a coordinator's export"


def test_evidence_extension_reason_with_formula_is_inert(client, pioneer, evidence_world):
    other = municipality("GM0037")
    h = HouseholdFactory(municipality=other)
    placement(h, PropertyFactory(municipality=other), dt.date(2025, 7, 1), reason="=cmd()")
    client.force_login(pioneer)
    rows = read_csv(client.get(f"/reports/evidence.csv?period={PAST}&municipality=GM0037"))
    assert rows[1][EVIDENCE_HEADER.index("verlengingsredenen")] == "'=cmd() (1)"
    _ws, xrows = read_xlsx(client.get(f"/reports/evidence.xlsx?period={PAST}&municipality=GM0037"))
    assert xrows[1][EVIDENCE_HEADER.index("verlengingsredenen")] == "'=cmd() (1)"


# --- progress reports -------------------------------------------------------------------------


@pytest.fixture
def progress_world(db):
    g = municipality(GRONINGEN)
    period = Period.current()
    QuotaFactory(municipality=g, year=period.year, half=period.half, target=17, carried_over=4)
    agreement = IntentAgreementFactory(municipality=g, committed_persons=37)
    prop = PropertyFactory(municipality=g, agreement=agreement, name="Pastorie Zuid", capacity=6)
    h = HouseholdFactory(municipality=g)
    placement(h, prop, period.start)
    return {"g": g, "agreement": agreement, "period": period}


def test_progress_html_shows_the_figures_module_numbers(client, coordinator, progress_world):
    client.force_login(coordinator)
    period = progress_world["period"]
    response = client.get(f"/reports/progress/{GRONINGEN}/?period={period}")
    assert response.status_code == 200
    fig = figures.municipality_figures(period, [progress_world["g"].pk])[0]
    assert response.context["total"].actual_task == fig.actual_task
    content = response.content.decode()
    assert "print.css" in content
    assert "Groningen" in content and "37" in content
    assert " style=" not in content and "<style" not in content, "no inline styles (strict CSP)"


def test_progress_pdf_is_a_pdf_with_pages(client, pioneer, progress_world):
    client.force_login(pioneer)
    response = client.get(f"/reports/progress/{GRONINGEN}.pdf?period={progress_world['period']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    context = progress.municipality_context(progress_world["g"], progress_world["period"])
    html = render_to_string("reports/progress.html", {**context, "pdf": True})
    assert len(progress.render_document(html).pages) >= 1


def test_region_progress_html_and_pdf(client, staff_groningen, progress_world):
    region = RegionFactory(
        name="Regio Groningen-Assen", members=[progress_world["g"], municipality("GM0037")]
    )
    client.force_login(staff_groningen)
    response = client.get(f"/reports/progress/region/{region.pk}/")
    assert response.status_code == 200
    assert "Regio Groningen-Assen" in response.content.decode()
    assert len(response.context["region_figures"].members) == 2
    pdf = client.get(f"/reports/progress/region/{region.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_pdf_rendering_fetches_no_outside_address(progress_world):
    html = '<html><body><img src="http://169.254.169.254/latest/meta-data"><p>x</p></body></html>'
    document = progress.render_document(html)  # must not hang or fetch; the image is skipped
    assert len(document.pages) == 1


# --- draft college proposal -------------------------------------------------------------------


def test_college_proposal_docx_opens_and_holds_the_agreement_figures(client, pioneer, progress_world):
    client.force_login(pioneer)
    agreement = progress_world["agreement"]
    response = client.get(f"/agreements/{agreement.pk}/collegevoorstel.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "37" in text and "37" in tables
    for heading in (
        "Onderwerp",
        "Voorgesteld besluit",
        "Aanleiding",
        "Argumenten",
        "Financiën (HAR/BZK)",
        "Communicatie",
        "Vervolg",
    ):
        assert heading in text, heading
    fig = figures.municipality_figures(progress_world["period"], [progress_world["g"].pk])[0]
    assert fig.sentence in text, "the same sentence as the dashboard and the progress report"
    assert f"de woningen die nog nodig zijn: {fig.actual_task}" in text.lower()
    assert "Pastorie Zuid" in tables


def test_college_proposal_is_scoped_and_not_for_coordinators(
    client, staff_utrecht, coordinator, progress_world
):
    url = f"/agreements/{progress_world['agreement'].pk}/collegevoorstel.docx"
    client.force_login(staff_utrecht)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 403


def test_college_proposal_for_a_partner_municipality(client, staff_utrecht, progress_world):
    agreement = progress_world["agreement"]
    agreement.partners.add(municipality(UTRECHT))
    agreement.status = IntentAgreement.Status.COLLEGE_PROPOSAL
    agreement.save()
    client.force_login(staff_utrecht)
    assert client.get(f"/agreements/{agreement.pk}/collegevoorstel.docx").status_code == 200
