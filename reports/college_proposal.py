"""The draft college proposal (*concept collegevoorstel*) for an intent agreement, as a Word file.

A civil servant edits and submits it to the college of mayor and aldermen; the document therefore
uses the standard sections of a Dutch college proposal and fills in what the system knows: the
agreement, the municipality's quota figures for the current period (from `figures.figures`)
and the properties linked to the agreement. No personal data of residents.
"""

import io

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from figures import figures, wording
from housing.periods import Period

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def proposal_context(agreement, *, today=None):
    today = today or timezone.localdate()
    period = Period.containing(today)
    rows = figures.municipality_figures(period, [agreement.municipality_id])
    progress = figures.agreement_progress([agreement])[0]
    properties = list(
        agreement.properties.select_related("municipality")
        .order_by("name")
        .values_list("name", "place", "capacity", "status")
    )
    return {
        "agreement": agreement,
        "municipality": agreement.municipality,
        "partners": list(agreement.partners.order_by("name").values_list("name", flat=True)),
        "period": period,
        "figures": rows[0] if rows else None,
        "placed": progress.placed,
        "properties": properties,
        "today": today,
    }


def _add_table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    return table


def build_document(context):
    """A python-docx Document with the proposal; see proposal_context() for the context."""
    agreement = context["agreement"]
    municipality = context["municipality"]
    numbers = context["figures"]
    status_labels = dict(agreement.Status.choices)
    property_status_labels = dict(agreement.properties.model.Status.choices)
    persons = agreement.committed_persons

    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = _("Draft college proposal: intent agreement De Thuisgevers")
    document.core_properties.author = "Thuisgevers"

    document.add_heading(_("Draft college proposal"), level=0)
    document.add_paragraph(
        _("Municipality of %(municipality)s · intent agreement with De Thuisgevers")
        % {"municipality": municipality.name}
    )
    _add_table(
        document,
        (_("Item"), _("Value")),
        [
            (_("Municipality"), f"{municipality.name} ({municipality.cbs_code})"),
            (_("Partner municipalities"), ", ".join(context["partners"]) or _("none")),
            (_("Committed persons"), persons),
            (_("Status of the agreement"), status_labels.get(agreement.status, agreement.status)),
            (_("Date of this draft"), date_format(context["today"], "j F Y")),
            (_("Portfolio holder"), _("(to be filled in)")),
        ],
    )

    document.add_heading(_("Subject"), level=1)
    document.add_paragraph(
        _(
            "Intent agreement with De Thuisgevers for housing at least %(persons)s status holders in "
            "additional housing outside the regular housing market."
        )
        % {"persons": persons}
    )

    document.add_heading(_("Proposed decision"), level=1)
    for line in (
        _(
            "To agree to an intent agreement with De Thuisgevers for housing at least %(persons)s "
            "status holders in additional housing in the municipality of %(municipality)s."
        ),
        _("To authorise the responsible alderman to sign the intent agreement on behalf of the college."),
        _("To inform the municipal council of this decision by a letter to the council."),
    ):
        document.add_paragraph(
            line % {"persons": persons, "municipality": municipality.name}, style="List Number"
        )

    document.add_heading(_("Reason"), level=1)
    if numbers is not None:
        period = context["period"]
        document.add_paragraph(
            _("%(period)s, situation on %(day)s.")
            % {
                "period": capfirst(period.label),
                "day": date_format(period.reference_date(context["today"]), "j F Y"),
            }
        )
        # The same sentence as the dashboard, the municipality page and the progress report.
        document.add_paragraph(numbers.sentence)
        document.add_paragraph(
            _(
                "Still to house: %(remaining)s. Temporarily housed (HAR or transit housing, still "
                "without a home of their own): %(temporary)s. Actual task, the homes still needed: "
                "%(actual_task)s."
            )
            % {
                "remaining": intcomma(numbers.remaining),
                "temporary": intcomma(numbers.temporary),
                "actual_task": intcomma(numbers.actual_task),
            }
        )
    document.add_paragraph(
        _(
            "Regular homes are scarce. De Thuisgevers helps municipalities find extra housing outside "
            "the regular market, such as parsonages, convents, offices and private homes, and pairs "
            "residents with volunteer buddies."
        )
    )

    if numbers is not None:
        document.add_heading(_("What the figures mean"), level=2)
        for term, text in wording.definitions():
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{term}: ").bold = True
            paragraph.add_run(text)

    document.add_heading(_("Arguments"), level=1)
    for line in (
        _("The agreement helps the municipality meet its quota and reduce the backlog."),
        _(
            "Temporary housing gives status holders a place in the municipality sooner, so civic "
            "integration, work and school can start earlier."
        ),
        _(
            "Buddies support residents in their new environment; formal guidance stays with "
            "VluchtelingenWerk and welfare organisations."
        ),
        _("Placed persons so far under this agreement: %(placed)s of %(persons)s committed.")
        % {"placed": context["placed"], "persons": persons},
    ):
        document.add_paragraph(line, style="List Bullet")

    document.add_heading(_("Finances (HAR/BZK)"), level=1)
    document.add_paragraph(
        _(
            "Temporary housing is funded through the Hotel and Accommodation Scheme (HAR) for six to "
            "twelve months, guidance included. Permanent housing can be funded through the schemes of "
            "the Ministry of the Interior (BZK). The service of De Thuisgevers is free for "
            "municipalities: it is funded by the Ministry of Justice and Security."
        )
    )

    document.add_heading(_("Communication"), level=1)
    document.add_paragraph(
        _(
            "After the decision the municipality and De Thuisgevers inform the council, the partners "
            "involved (churches, housing corporations, owners, VluchtelingenWerk) and the neighbourhood "
            "of each location."
        )
    )

    document.add_heading(_("Next steps"), level=1)
    document.add_paragraph(
        _(
            "After signing, De Thuisgevers and the municipality look for locations together, assess "
            "them and place households. Progress is reported in the Thuisgevers dashboard and in the "
            "progress report per period."
        )
    )

    document.add_heading(_("Properties linked to the agreement"), level=1)
    if context["properties"]:
        _add_table(
            document,
            (_("Property"), _("Place"), _("Places"), _("Status")),
            [
                (name, place, capacity, property_status_labels.get(status, status))
                for name, place, capacity, status in context["properties"]
            ],
        )
    else:
        document.add_paragraph(_("No properties are linked to this agreement yet."))
    return document


def render_docx(agreement, *, today=None):
    buffer = io.BytesIO()
    build_document(proposal_context(agreement, today=today)).save(buffer)
    return buffer.getvalue()
