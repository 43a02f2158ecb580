"""The §6 resident counts computed straight from the placements: what figures._resident_counts
returned before the per-resident summary (figures/summary.py) existed, kept as the oracle the
summary is compared with (tests/figures/test_summary.py)."""

from django.conf import settings
from django.db import connection

from housing.scope import ALL
from residents.models import Household, Placement, Resident


def oracle_counts(periods, municipality_ids, today):
    if municipality_ids is not ALL and not hasattr(municipality_ids, "query"):
        municipality_ids = list(municipality_ids)
        if not municipality_ids:
            return {}

    def in_list(column, values, params):
        if not values:
            return "1 = 0"
        params.extend(values)
        return f"{column} IN ({', '.join(['%s'] * len(values))})"

    outer, outer_params, inner, inner_params = [], [], [], []
    counting = in_list("p.kind", [str(k) for k in settings.QUOTA_COUNTING_KINDS], inner_params)
    inner.append(f"MIN(CASE WHEN {counting} THEN p.start_date END) AS first_start")
    for index, period in enumerate(periods):
        ref = period.reference_date(today)
        temporary = in_list("p.kind", [str(k) for k in Placement.TEMPORARY_KINDS], inner_params)
        inner.append(
            f"MAX(CASE WHEN {temporary} AND p.start_date <= %s AND (p.end_date IS NULL OR p.end_date > %s) "
            f"THEN 1 ELSE 0 END) AS temp_{index}"
        )
        inner_params.extend([ref, ref])
        realised = "first_start >= %s AND first_start <= %s"
        window = [period.start, min(ref, period.end)]
        outer.append(f"SUM(CASE WHEN {realised} THEN 1 ELSE 0 END)")
        outer.append(f"SUM(temp_{index})")
        outer.append(f"SUM(CASE WHEN temp_{index} = 1 AND first_start <= %s THEN 1 ELSE 0 END)")
        outer.append(f"SUM(CASE WHEN temp_{index} = 1 AND {realised} THEN 1 ELSE 0 END)")
        outer_params.extend([*window, ref, *window])
    where, where_params = "", []
    if hasattr(municipality_ids, "query"):
        subquery, where_params = municipality_ids.query.sql_with_params()
        where = f"WHERE h.municipality_id IN ({subquery})"
    elif municipality_ids is not ALL:
        where = "WHERE " + in_list("h.municipality_id", municipality_ids, where_params)
    sql = (
        f"SELECT municipality_id, {', '.join(outer)} FROM ("  # noqa: S608 - only placeholders interpolated
        f"SELECT h.municipality_id AS municipality_id, {', '.join(inner)} "
        f"FROM {Resident._meta.db_table} r "
        f"JOIN {Household._meta.db_table} h ON h.id = r.household_id "
        f"LEFT JOIN {Placement._meta.db_table} p ON p.resident_id = r.id "
        f"{where} GROUP BY r.id, h.municipality_id) per_resident GROUP BY municipality_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*outer_params, *inner_params, *where_params])
        rows = cursor.fetchall()
    result = {}
    for municipality_id, *values in rows:
        for index, period in enumerate(periods):
            result[(municipality_id, period)] = tuple(int(v or 0) for v in values[4 * index : 4 * index + 4])
    return result
