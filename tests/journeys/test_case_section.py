"""The case page's Journey section: the child's placements, legal status, latest visits, meetings held and
care-leaver status, for whoever may see the case, in a fixed number of queries."""

from datetime import date, timedelta

import pytest

from cases.choices import AccessAction
from cases.models import AccessLogEntry
from journeys.choices import CareLeaverCategory, LegalStatusKind, MeetingKind
from journeys.models import CareLeaverStatus, LegalStatus, MeetingHeld, Placement, Visit
from journeys.services import facts_record
from tests.queries import assert_queries, queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cast_once")]


def journey(case, *, visits=2, placements=1):
    first = date(2025, 1, 6)
    facts = [Placement(case=case, start=first + timedelta(days=30 * n), long_term=n == 0) for n in range(placements)]
    facts += [LegalStatus(case=case, status=LegalStatusKind.SECTION_20, start=first)]
    facts += [CareLeaverStatus(case=case, category=CareLeaverCategory.ELIGIBLE, start=first)]
    facts += [
        Visit(case=case, visited_on=first + timedelta(days=n), child_seen=n % 2 == 0, seen_alone=n % 4 == 0)
        for n in range(visits)
    ]
    facts += [MeetingHeld(case=case, kind=MeetingKind.LOOKED_AFTER_REVIEW, held_on=first + timedelta(days=20))]
    facts_record(facts, actor=None, reason="test")


def test_the_case_page_shows_the_childs_journey(client, cast):
    case = cast.cases["cic"]
    journey(case)
    client.force_login(cast["tm.cic"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="journey"' in page
    assert 'id="journey-placements"' in page
    assert "Accommodated under section 20 (V2)" in page
    assert "Looked-after review: 26 Jan 2025" in page
    assert "Eligible (16-17, still looked after)" in page
    assert page.count('<td class="govuk-table__cell">6 Jan 2025</td>') == 2  # the placement and the first visit


def test_the_section_lists_the_latest_ten_visits_newest_first(client, cast):
    case = cast.cases["cic"]
    journey(case, visits=12)
    client.force_login(cast["tm.cic"])
    visits = client.get(f"/cases/{case.pk}/").context["journey_visits"]
    assert [visit.visited_on for visit in visits] == [date(2025, 1, 6) + timedelta(days=n) for n in range(11, 1, -1)]


def test_a_withdrawn_fact_is_not_shown(client, cast):
    case = cast.cases["cic"]
    journey(case)
    Placement.objects.update(withdrawn_at="2025-02-01T00:00Z")
    client.force_login(cast["tm.cic"])
    assert client.get(f"/cases/{case.pk}/").context["journey_placements"] == []


def test_a_child_with_no_facts_says_so(client, cast):
    client.force_login(cast["tm.cic"])
    assert (
        "No placements, legal status, visits or meetings"
        in client.get(f"/cases/{cast.cases['cic'].pk}/").content.decode()
    )


def test_someone_outside_the_case_sees_no_journey_and_nothing_is_logged(client, cast):
    case = cast.cases["cic"]
    journey(case)
    client.force_login(cast["tm.assessment"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert not AccessLogEntry.objects.filter(case=case).exists()


def test_viewing_the_journey_is_logged_as_viewing_the_case(client, cast):
    case = cast.cases["cic"]
    journey(case)
    client.force_login(cast["tm.cic"])
    client.get(f"/cases/{case.pk}/")
    assert list(AccessLogEntry.objects.filter(case=case).values_list("user__username", "action")) == [
        ("tm.cic", AccessAction.VIEWED)
    ]


def test_the_case_page_runs_the_same_number_of_queries_however_long_the_journey(client, cast):
    case = cast.cases["cic"]
    client.force_login(cast["tm.cic"])
    empty = queries_for(client, f"/cases/{case.pk}/")
    journey(case, visits=40, placements=12)
    assert_queries(empty, queries_for(client, f"/cases/{case.pk}/"), "the case page with a long journey")
