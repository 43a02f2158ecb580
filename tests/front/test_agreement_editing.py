"""Intent agreements in the app for pioneers: create, edit, status steps with the college-decision
rule, contact moments on the agreement page, the college proposal linked; staff only read."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from housing.models import Activity, IntentAgreement
from tests.factories import UTRECHT, IntentAgreementFactory, municipality

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def nl_pioneer(client, pioneer):
    client.cookies["django_language"] = "nl"
    client.force_login(pioneer)
    return client


def test_pioneer_creates_an_agreement_that_starts_at_contact(nl_pioneer, pioneer):
    response = nl_pioneer.post(
        reverse("agreement_create"),
        {"municipality": municipality().pk, "committed_persons": 30, "pioneer": pioneer.pk, "notes": ""},
    )
    agreement = IntentAgreement.objects.get()
    assert response.url == agreement.get_absolute_url()
    assert agreement.status == IntentAgreement.Status.CONTACT
    assert LogEntry.objects.get_for_object(agreement).get().actor == pioneer


def test_fewer_than_25_persons_is_refused_in_dutch_and_changes_nothing(nl_pioneer):
    response = nl_pioneer.post(
        reverse("agreement_create"), {"municipality": municipality().pk, "committed_persons": 24}
    )
    assert "Een intentieovereenkomst geldt voor minstens 25 statushouders." in response.text
    assert not IntentAgreement.objects.exists()


def test_empty_agreement_form_says_what_is_missing(nl_pioneer):
    response = nl_pioneer.post(reverse("agreement_create"), {})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.text
    assert not IntentAgreement.objects.exists()


def test_pioneer_takes_an_agreement_from_contact_to_signed_with_the_college_decision(nl_pioneer):
    agreement = IntentAgreementFactory(status=IntentAgreement.Status.CONTACT)
    step = reverse("agreement_step", args=[agreement.pk])
    nl_pioneer.post(step, {"status": "exploring"})
    agreement.refresh_from_db()
    assert agreement.status == "exploring"
    decision, signed = today() - dt.timedelta(days=10), today() - dt.timedelta(days=3)
    response = nl_pioneer.post(
        step,
        {"status": "signed", "college_decision_date": decision.isoformat(), "signed_on": signed.isoformat()},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.college_decision_date, agreement.signed_on) == (
        "signed",
        decision,
        signed,
    )
    page = nl_pioneer.get(agreement.get_absolute_url())
    assert reverse("agreement_college_proposal", args=[agreement.pk]) in page.text
    assert [e.action for e in page.context["history"]].count(LogEntry.Action.UPDATE) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "signed"}, "Vanaf de status ‘getekend’ is de datum van het collegebesluit verplicht."),
        (
            {"status": "signed", "college_decision_date": "2026-06-10", "signed_on": "2026-06-01"},
            "Een overeenkomst wordt getekend op of na het collegebesluit, niet ervoor.",
        ),
        (
            {"status": "signed", "college_decision_date": "2026-06-10"},
            "Vanaf de status ‘getekend’ is de datum van ondertekening verplicht.",
        ),
        ({"status": "contact"}, "Selecteer een geldige keuze."),
        ({"status": "signed", "college_decision_date": "gisteren"}, "Voer een geldige datum in."),
    ],
)
def test_bad_status_steps_are_refused_in_dutch_and_change_nothing(nl_pioneer, data, message):
    agreement = IntentAgreementFactory(status=IntentAgreement.Status.COLLEGE_PROPOSAL)
    response = nl_pioneer.post(reverse("agreement_step", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    agreement.refresh_from_db()
    assert (agreement.status, agreement.college_decision_date, agreement.signed_on) == (
        "college_proposal",
        None,
        None,
    )


def test_a_completed_agreement_has_no_next_step():
    agreement = IntentAgreementFactory(
        status="completed", college_decision_date=dt.date(2026, 1, 1), signed_on=dt.date(2026, 1, 5)
    )
    assert agreement.next_statuses() == []
    assert IntentAgreementFactory(status="contact").next_statuses()[-1] == "ended"


def test_contact_moment_is_recorded_on_the_agreement_page(nl_pioneer):
    agreement = IntentAgreementFactory()
    response = nl_pioneer.post(
        reverse("activity_create", args=[agreement.pk]),
        {
            "date": today().isoformat(),
            "kind": "phone_call",
            "municipality": agreement.municipality_id,
            "summary": "Gebeld",
        },
        follow=True,
    )
    activity = Activity.objects.get()
    assert (activity.agreement, activity.summary) == (agreement, "Gebeld")
    assert "Het contactmoment is vastgelegd." in response.text
    assert any(e.object_id == activity.pk for e in response.context["history"])


def test_contact_moment_without_summary_or_in_a_foreign_municipality_is_refused(nl_pioneer):
    agreement = IntentAgreementFactory()
    url = reverse("activity_create", args=[agreement.pk])
    no_summary = {"date": today().isoformat(), "kind": "meeting", "municipality": agreement.municipality_id}
    assert "Dit veld is verplicht." in nl_pioneer.post(url, no_summary).text
    foreign = {**no_summary, "summary": "x", "municipality": municipality(UTRECHT).pk}
    assert "Selecteer een geldige keuze." in nl_pioneer.post(url, foreign).text
    assert not Activity.objects.exists()


def test_correcting_a_contact_moment_shows_its_history(nl_pioneer, pioneer):
    agreement = IntentAgreementFactory()
    nl_pioneer.post(
        reverse("activity_create", args=[agreement.pk]),
        {
            "date": today().isoformat(),
            "kind": "meeting",
            "municipality": agreement.municipality_id,
            "summary": "Eerst",
        },
    )
    activity = Activity.objects.get()
    nl_pioneer.post(
        reverse("activity_edit", args=[activity.pk]),
        {
            "date": today().isoformat(),
            "kind": "meeting",
            "municipality": agreement.municipality_id,
            "summary": "Later",
        },
    )
    activity.refresh_from_db()
    assert activity.summary == "Later"
    page = nl_pioneer.get(reverse("activity_edit", args=[activity.pk]))
    assert [e.action for e in page.context["history"]] == [LogEntry.Action.UPDATE, LogEntry.Action.CREATE]


def test_staff_read_agreements_but_cannot_change_them(client, staff_groningen):
    agreement = IntentAgreementFactory()
    client.force_login(staff_groningen)
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200
    assert reverse("agreement_edit", args=[agreement.pk]) not in page.text
    assert reverse("agreement_college_proposal", args=[agreement.pk]) in page.text
    for name in ("agreement_edit", "agreement_step", "activity_create"):
        assert client.post(reverse(name, args=[agreement.pk]), {"status": "exploring"}).status_code == 403
    assert client.get(reverse("agreement_create")).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == IntentAgreement.Status.EXPLORING


def test_agreement_outside_the_pioneers_scope_answers_404(nl_pioneer):
    agreement = IntentAgreementFactory(municipality=municipality(UTRECHT))
    assert (
        nl_pioneer.post(reverse("agreement_step", args=[agreement.pk]), {"status": "signed"}).status_code
        == 404
    )
    assert nl_pioneer.get(reverse("agreement_edit", args=[agreement.pk])).status_code == 404
