"""figures.selection: the period and municipalities a page or report covers, checked against the scope."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import translation

from figures.selection import ALL, BadSelection, Selection, build_selection, selectable_periods
from housing import scope
from housing.periods import Period
from tests.factories import GRONINGEN, UTRECHT, RegionFactory, make_user, municipality

HAREN = "GM0037"


@pytest.fixture
def region(db):
    """A region with one municipality inside and one outside the Groningen staff member's scope."""
    return RegionFactory(name="Regio Noord", members=[municipality(GRONINGEN), municipality(HAREN)])


@pytest.fixture
def superuser(db):
    return make_user(None, username="root", is_superuser=True)


def test_without_parameters_the_selection_is_the_current_period_and_the_whole_scope(staff_groningen):
    selection = build_selection(staff_groningen, {}, personal=False)
    g = municipality(GRONINGEN)
    assert selection.period == Period.current()
    assert selection.municipality is None and selection.region is None
    assert selection.scope_ids == selection.municipality_ids == frozenset({g.pk})
    assert not selection.filtered and not selection.unrestricted
    assert selection.chosen_ids is ALL
    assert list(selection.municipalities) == [g]
    assert selection.covers(g) and selection.covers(g.pk)
    assert not selection.covers(municipality(UTRECHT))
    assert selection.messages == ()


def test_own_municipality_narrows_the_selection_to_it(staff_groningen):
    g = municipality(GRONINGEN)
    selection = build_selection(
        staff_groningen, {"municipality": " gm0014 ", "period": "2024-H1"}, personal=True
    )
    assert (selection.municipality.pk, selection.municipality.cbs_code) == (g.pk, GRONINGEN)
    assert selection.municipality_ids == selection.chosen_ids == frozenset({g.pk})
    assert selection.period == Period(2024, 1)
    assert selection.query_string() == "period=2024-H1&municipality=GM0014"
    assert [code for _pk, code, _name in selection.municipality_choices] == [GRONINGEN]


def test_foreign_municipality_is_dropped_with_a_dutch_message_on_a_page(staff_groningen):
    with translation.override("nl"):
        selection = build_selection(staff_groningen, {"municipality": UTRECHT}, personal=False)
    assert selection.municipality is None
    assert selection.municipality_ids == frozenset({municipality(GRONINGEN).pk})
    ((name, message),) = selection.messages
    assert name == "municipality"
    assert "Onbekende gemeente" in message and UTRECHT in message


def test_foreign_or_unknown_municipality_is_404_in_a_report(staff_groningen):
    for code in (UTRECHT, "GM9999"):
        with pytest.raises(Http404):
            build_selection(staff_groningen, {"municipality": code}, personal=True, strict=True)


def test_malformed_municipality_code_is_refused_in_dutch_in_a_report(staff_groningen):
    with translation.override("nl"), pytest.raises(BadSelection, match="Ongeldige gemeentecode"):
        build_selection(staff_groningen, {"municipality": "Groningen"}, personal=True, strict=True)


@pytest.mark.parametrize("strict", [False, True])
def test_region_narrows_to_its_members_within_the_scope(staff_groningen, region, strict):
    selection = build_selection(staff_groningen, {"region": str(region.pk)}, personal=False, strict=strict)
    assert selection.region.pk == region.pk
    assert selection.municipality_ids == frozenset({municipality(GRONINGEN).pk})  # not Haren
    assert selection.filtered and selection.chosen_ids == selection.municipality_ids
    assert not selection.covers(municipality(HAREN))


def test_region_outside_the_scope_is_dropped_on_a_page_and_404_in_a_report(staff_utrecht, region):
    with translation.override("nl"):
        selection = build_selection(staff_utrecht, {"region": str(region.pk)}, personal=False)
    assert selection.region is None
    assert [name for name, _message in selection.messages] == ["region"]
    assert "Onbekende regio" in selection.messages[0][1]
    with pytest.raises(Http404):
        build_selection(staff_utrecht, {"region": str(region.pk)}, personal=False, strict=True)


@pytest.mark.parametrize("value", ["abc", "²", "1" * 19, "-1"])
def test_malformed_region_is_refused_in_dutch_in_a_report(staff_groningen, value):
    with translation.override("nl"), pytest.raises(BadSelection, match="Ongeldige regio"):
        build_selection(staff_groningen, {"region": value}, personal=False, strict=True)


def test_on_a_page_the_municipality_wins_over_the_region_and_in_a_report_both_narrow(coordinator, region):
    params = {"municipality": UTRECHT, "region": str(region.pk)}
    page = build_selection(coordinator, params, personal=False)
    assert page.municipality_ids == frozenset({municipality(UTRECHT).pk})
    report = build_selection(coordinator, params, personal=False, strict=True)
    assert report.municipality_ids == frozenset()


def test_coordinator_sees_every_municipality_for_figures_and_none_for_personal_data(coordinator, region):
    figures_only = build_selection(coordinator, {}, personal=False)
    assert figures_only.scope_ids is ALL and figures_only.unrestricted
    assert figures_only.covers(municipality(UTRECHT))
    narrowed = build_selection(coordinator, {"region": str(region.pk)}, personal=False)
    assert narrowed.municipality_ids == frozenset({municipality(GRONINGEN).pk, municipality(HAREN).pk})
    personal = build_selection(coordinator, {}, personal=True)
    assert personal.scope_ids == personal.municipality_ids == frozenset()
    assert not personal.covers(municipality(GRONINGEN))


def test_superuser_selection_is_all_and_offers_only_existing_municipalities(superuser):
    from housing.models import Municipality

    selection = build_selection(superuser, {}, personal=True)
    assert selection.scope_ids is ALL and selection.municipality_ids is ALL
    assert selection.unrestricted and selection.chosen_ids is ALL
    assert selection.municipalities.count() == Municipality.objects.count()
    assert len(selection.municipality_choices) == Municipality.objects.active().count()


@pytest.mark.parametrize("value", ["garbage", "2026-H3", "1999-H1", "2026-h1x", "\x00"])
def test_bad_period_falls_back_on_a_page_and_is_refused_in_a_report_in_dutch(staff_groningen, value):
    with translation.override("nl"):
        selection = build_selection(staff_groningen, {"period": value}, personal=False)
        assert selection.period == Period.current()
        ((name, message),) = selection.messages
        assert name == "period" and "Onbekende periode" in message
        with pytest.raises(BadSelection, match="Ongeldige periode"):
            build_selection(staff_groningen, {"period": value}, personal=False, strict=True)


def test_only_the_chosen_parameters_are_read(staff_groningen, django_assert_num_queries):
    scope.municipality_ids(staff_groningen)  # the scope itself is cached on the user
    with django_assert_num_queries(0):
        selection = build_selection(
            staff_groningen,
            {"municipality": "x", "region": "y", "period": "2025-H2"},
            personal=False,
            choose=("period",),
        )
    assert selection == Selection(
        period=Period(2025, 2),
        scope_ids=frozenset({municipality(GRONINGEN).pk}),
        municipality_ids=frozenset({municipality(GRONINGEN).pk}),
    )


def test_selectable_periods_are_one_ahead_the_current_and_six_back_plus_the_selected():
    today = dt.date(2026, 3, 1)
    periods = selectable_periods(today=today)
    assert [str(p) for p in periods] == [
        "2026-H2", "2026-H1", "2025-H2", "2025-H1", "2024-H2", "2024-H1", "2023-H2", "2023-H1",
    ]  # fmt: skip
    assert selectable_periods(Period(2020, 1), today=today)[-1] == Period(2020, 1)
    assert selectable_periods(Period(2025, 1), today=today) == periods
