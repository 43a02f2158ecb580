"""The words around the SPEC §6 figures: one sentence per figure set, and the definitions.

The dashboard, the municipality page, the progress report (HTML and PDF), the college proposal and
the XLSX exports all take their sentences and definitions from here, so no two screens tell a
different story about the same numbers (tests/figures/test_wording.py compares them).
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# (term, definition): the order is the order of the figures on screen.
DEFINITIONS = (
    (
        gettext_lazy("Quota"),
        gettext_lazy(
            "The number of status holders the government asks the municipality to house in this "
            "half-year period (taakstelling)."
        ),
    ),
    (
        gettext_lazy("Backlog or lead from the previous period"),
        gettext_lazy(
            "What the previous period left over. A backlog (achterstand) is added to this period's "
            "task; a lead (voorsprong), shown as a negative number in exports, is subtracted."
        ),
    ),
    (
        gettext_lazy("To house this period"),
        gettext_lazy("Quota plus backlog (or minus lead): the whole task for this period."),
    ),
    (
        gettext_lazy("Realised"),
        gettext_lazy(
            "Persons of households linked to the municipality whose first placement that counts "
            "for the quota started in this period, temporary housing included."
        ),
    ),
    (
        gettext_lazy("Temporarily housed"),
        gettext_lazy(
            "Persons in a HAR placement or transit housing on the reference date: housed for the "
            "quota, but not yet in a home of their own."
        ),
    ),
    (
        gettext_lazy("Still to house"),
        gettext_lazy(
            "To house this period minus realised, never below zero. In a total of several "
            "municipalities it is calculated per municipality and then added up, so a municipality "
            "ahead of its task does not hide another's backlog."
        ),
    ),
    (
        gettext_lazy("Actual task"),
        gettext_lazy(
            "Still to house plus the temporarily housed persons who were already counted as "
            "realised: the homes still needed. Nobody is counted twice."
        ),
    ),
)


def definitions():
    """The definitions in the active language, as (term, definition) strings."""
    return [(str(term), str(text)) for term, text in DEFINITIONS]


def carried_over_text(carried_over):
    """`5` → "backlog of 5 persons", `-5` → "lead of 5 persons", `0` → "no backlog or lead"."""
    if carried_over > 0:
        return ngettext("backlog of %(n)s person", "backlog of %(n)s persons", carried_over) % {
            "n": intcomma(carried_over)
        }
    if carried_over < 0:
        return ngettext("lead of %(n)s person", "lead of %(n)s persons", -carried_over) % {
            "n": intcomma(-carried_over)
        }
    return _("no backlog or lead")


def task_text(row):
    """How this period's task is made up: "quota 6 plus backlog of 2 persons"."""
    if row.carried_over > 0:
        return _("quota %(target)s plus %(carried)s") % {
            "target": intcomma(row.target),
            "carried": carried_over_text(row.carried_over),
        }
    if row.carried_over < 0:
        return _("quota %(target)s minus %(carried)s") % {
            "target": intcomma(row.target),
            "carried": carried_over_text(row.carried_over),
        }
    return _("quota %(target)s") % {"target": intcomma(row.target)}


def progress_sentence(row):
    """The one sentence that says how far a municipality (or a total) is, e.g. "11 persons realised;
    8 were to be housed this period (quota 6 plus backlog of 2 persons), so 3 more than the task.
    Of them, 7 still live in temporary housing." """
    task = max(row.task, 0)
    realised = row.realised
    values = {"realised": intcomma(realised), "task": intcomma(task), "made_of": task_text(row)}
    if realised > task:
        values["extra"] = intcomma(realised - task)
        first = ngettext(
            "%(realised)s person realised; %(task)s were to be housed this period (%(made_of)s), so "
            "%(extra)s more than the task.",
            "%(realised)s persons realised; %(task)s were to be housed this period (%(made_of)s), so "
            "%(extra)s more than the task.",
            realised,
        )
    else:
        first = ngettext(
            "%(realised)s of the %(task)s persons to house this period realised (%(made_of)s).",
            "%(realised)s of the %(task)s persons to house this period realised (%(made_of)s).",
            realised,
        )
    sentence = first % values
    if realised:
        temporary = row.realised_temporary
        if temporary:
            sentence += " " + ngettext(
                "Of them, %(n)s still lives in temporary housing.",
                "Of them, %(n)s still live in temporary housing.",
                temporary,
            ) % {"n": intcomma(temporary)}
        else:
            sentence += " " + _("None of them lives in temporary housing any more.")
    return sentence


def _day(day):
    from django.utils.formats import date_format

    return date_format(day, "j F Y")


def forecast_sentence(checkpoint):
    """Where one municipality stands at a checkpoint at the present pace (figures.forecast):
    "At the present pace Groningen is 40 persons short on 1 July 2027." """
    values = {"name": checkpoint.name, "day": _day(checkpoint.day), "period": checkpoint.period}
    if not checkpoint.has_quota:
        return (
            _(
                "No quota has been recorded yet for %(period)s, so there is no position to project "
                "for %(day)s."
            )
            % values
        )
    position = checkpoint.position
    if position < 0:
        values["n"] = intcomma(-position)
        return (
            ngettext(
                "At the present pace %(name)s is %(n)s person short on %(day)s.",
                "At the present pace %(name)s is %(n)s persons short on %(day)s.",
                -position,
            )
            % values
        )
    if position > 0:
        values["n"] = intcomma(position)
        return (
            ngettext(
                "At the present pace %(name)s meets its quota on %(day)s, with %(n)s person to spare.",
                "At the present pace %(name)s meets its quota on %(day)s, with %(n)s persons to spare.",
                position,
            )
            % values
        )
    return _("At the present pace %(name)s meets its quota on %(day)s exactly.") % values


def forecast_total_sentence(total):
    """The same for several municipalities: how many fall short, and by how many persons together
    (summed per municipality: a lead in one does not cancel a shortfall in another)."""
    values = {"day": _day(total.day), "period": total.period, "count": intcomma(total.municipalities or 0)}
    if not total.municipalities:
        return (
            _(
                "No quota has been recorded yet for %(period)s, so there is no position to project "
                "for %(day)s."
            )
            % values
        )
    if not total.short:
        return (
            ngettext(
                "At the present pace the %(count)s municipality with a quota meets it on %(day)s.",
                "At the present pace all %(count)s municipalities with a quota meet it on %(day)s.",
                total.municipalities,
            )
            % values
        )
    values.update(short=intcomma(total.short), n=intcomma(total.shortfall))
    return (
        ngettext(
            "At the present pace %(short)s of the %(count)s municipalities with a quota falls short on "
            "%(day)s, by %(n)s persons in total.",
            "At the present pace %(short)s of the %(count)s municipalities with a quota fall short on "
            "%(day)s, by %(n)s persons in total.",
            total.short,
        )
        % values
    )
