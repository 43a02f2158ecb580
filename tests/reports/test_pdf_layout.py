"""The progress report PDF keeps every table on the page: long headers wrap instead of running off
the right edge (the evidence table was cut off after "Huisarts b…")."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from housing.periods import Period
from reports import progress
from residents.models import Placement
from tests.factories import (
    GRONINGEN,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def text_boxes(box):
    """The laid-out pieces of text, leaving out screen-reader-only text (not printed)."""
    element = getattr(box, "element", None)
    if element is not None and "visually-hidden" in (element.get("class") or ""):
        return
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from text_boxes(child)


def past_the_edge(document):
    """Text that ends right of the page's content area: a table cut off."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        edge = root.content_box_x() + root.width
        for box in text_boxes(root):
            right = box.position_x + box.margin_width()
            if right > edge + 1:
                found.append(f"page {number}: {box.text[:40]!r} ends at {right:.0f} > {edge:.0f}")
    return found


@pytest.fixture
def region_with_evidence(db):
    period = Period.current()
    members = [municipality(GRONINGEN), municipality("GM0037")]
    for m in members:
        QuotaFactory(municipality=m, year=period.year, half=period.half, target=12, carried_over=-3)
        resident = ResidentFactory(household=HouseholdFactory(municipality=m))
        PlacementFactory(
            resident=resident,
            property=PropertyFactory(municipality=m),
            kind=Placement.Kind.HAR,
            start_date=period.start,
            planned_end=period.start + dt.timedelta(days=180),
        )
    return RegionFactory(name="Regio Groningen-Stadskanaal", members=members), period


@pytest.mark.slow
def test_progress_pdf_tables_wrap_within_the_page(region_with_evidence):
    region, period = region_with_evidence
    with translation.override("nl"):
        for context in (
            progress.region_context(region, period, personal=True),
            progress.municipality_context(region.members.first(), period, personal=True),
        ):
            html = render_to_string("reports/progress.html", {**context, "pdf": True})
            assert "Onderbouwing voor de periode" in html
            document = progress.render_document(html)
            assert not past_the_edge(document), "\n".join(past_the_edge(document)[:10])
