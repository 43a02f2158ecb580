"""Access-log subjects for residents (Logboek dataverwerkingen). The access log names data subjects
by model label, id and pseudonymous reference only; these helpers build those tuples here because
`accesslog` may not import `residents`."""

from django.db import models

from residents.models import Resident

RESIDENT_LABEL = Resident._meta.label_lower


def subjects_for_households(households):
    """`(label, pk, reference)` for every resident of `households`, in one query.

    `households` may be a queryset (used as a subquery), model instances or primary keys. Pass it
    already narrowed by `visible_to(user)`: the log records what the user saw."""
    if isinstance(households, models.QuerySet):
        condition = {"household__in": households.values("pk")}
    else:
        ids = [h.pk if isinstance(h, models.Model) else h for h in households]
        if not ids:
            return []
        condition = {"household_id__in": ids}
    return [
        (RESIDENT_LABEL, pk, reference)
        for pk, reference in Resident.objects.filter(**condition)
        .order_by("pk")
        .values_list("pk", "reference")
    ]


def subjects_for_residents(residents):
    """`(label, pk, reference)` for resident instances already loaded by the page (no query)."""
    return [(RESIDENT_LABEL, r.pk, r.reference) for r in residents]
