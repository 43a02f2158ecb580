"""The printable progress report per municipality and per region (SPEC §8), as HTML and PDF.

One template serves the screen, the browser's print dialog (static/css/print.css) and WeasyPrint.
Figures only (no personal data), so coordinators may print it and nothing is access-logged.

WeasyPrint fetches stylesheets and images through `static_url_fetcher`, which serves files under
STATIC_URL from the static files finders and refuses every other address: rendering a PDF never
makes a network request (no SSRF through a crafted address).
"""

import logging
import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from figures import figures
from housing.models import IntentAgreement, Municipality
from reports.evidence import evidence_by_municipality

PDF_BASE_URL = "https://thuisgevers.invalid/"


def municipality_context(municipality, period, *, personal=False):
    """`personal`: the user may see the scope's personal data, so free text (extension reasons) is
    shown; coordinators get figures only."""
    ids = [municipality.pk]
    rows = figures.municipality_figures(period, ids)
    agreements = (
        IntentAgreement.objects.filter(Q(municipality=municipality) | Q(partners=municipality))
        .exclude(status=IntentAgreement.Status.ENDED)
        .select_related("municipality")
        .distinct()
        .order_by("-created_at")
    )
    return {
        "kind": "municipality",
        "subject": municipality,
        "period": period,
        "reference_date": period.reference_date(),
        "personal": personal,
        "rows": rows,
        "total": rows[0] if rows else None,
        "capacity": figures.capacity_figures(ids, period.reference_date()),
        "agreements": figures.agreement_progress(agreements),
        "national_number": figures.national_number(period),
        "evidence": list(
            evidence_by_municipality(period, Municipality.objects.filter(pk=municipality.pk)).values()
        ),
        "generated": timezone.localtime(),
    }


def region_context(region, period, *, personal=False):
    members = region.members.all()
    ids = list(members.values_list("pk", flat=True))
    rows = figures.municipality_figures(period, ids)
    agreements = (
        IntentAgreement.objects.filter(Q(municipality__in=ids) | Q(partners__in=ids))
        .exclude(status=IntentAgreement.Status.ENDED)
        .select_related("municipality")
        .distinct()
        .order_by("municipality__name", "-created_at")
    )
    return {
        "kind": "region",
        "subject": region,
        "period": period,
        "reference_date": period.reference_date(),
        "personal": personal,
        "rows": rows,
        "total": figures.totals(rows, period),
        "region_figures": figures.region_figures(region, period),
        "capacity": figures.capacity_figures(ids, period.reference_date()),
        "agreements": figures.agreement_progress(agreements),
        "national_number": figures.national_number(period),
        "evidence": [e for e in evidence_by_municipality(period, members).values() if e.has_data],
        "generated": timezone.localtime(),
    }


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve STATIC_URL files from disk to WeasyPrint; refuse anything else."""

        def fetch(self, url, headers=None):
            prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
            if not url.startswith(prefix):
                raise ValueError(f"PDF rendering only loads static files, not {url!r}")
            path = finders.find(url[len(prefix) :].split("?", 1)[0])
            if not path:
                raise ValueError(f"Static file not found: {url!r}")
            mime_type, _encoding = mimetypes.guess_type(path)
            with open(path, "rb") as file:
                body = file.read()
            return URLFetcherResponse(url, body, {"Content-Type": mime_type or "application/octet-stream"})

    return StaticOnlyFetcher()


def render_document(html):
    """The laid-out WeasyPrint document (its `.pages` can be counted) of an HTML page, print media.

    WeasyPrint reports every CSS property it does not support (custom properties, SVG styling of
    the screen stylesheet) as a warning; those are noise here, so only its errors are logged.
    """
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_only_fetcher()).render()


def render_pdf(html):
    return render_document(html).write_pdf()


def pdf_response(request, context, filename):
    html = render_to_string("reports/progress.html", {**context, "pdf": True}, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
