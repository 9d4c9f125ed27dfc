"""Every management information figure, on a small quarter worked out by hand (mi_data)."""

import pytest

from referrals.models import Contact, ContactPerson
from reporting.figures import contacts_behind, sections_for
from reporting.stats import percentile_cont
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.reporting.mi_data import NOW, QUARTER, at, make_quarter


@pytest.fixture
def quarter(db, camden, social_work_team):
    return make_quarter(social_work_team, TeamFactory(name="Other team"))


@pytest.fixture
def tables(quarter, camden):
    return {t.key: t for s in sections_for(QUARTER, camden, now=NOW) for t in s.tables}


def counts(table, value="count"):
    return {row["label"]: row[value] for row in table.rows}


def test_contacts_by_source_referral_source_and_outcome(tables):
    assert counts(tables["contacts_by_source"])["Phone call"] == 3
    assert counts(tables["contacts_by_source"])["Police MERLIN report"] == 1
    assert counts(tables["contacts_by_source"])["e-CAF or early help assessment"] == 1
    assert sum(counts(tables["contacts_by_source"]).values()) == 5
    assert counts(tables["contacts_by_referral_source"]) == {
        "1A: Individual: family member, relative or carer": 1,
        "2A: School": 2,
        "6: Police": 1,
        "Not recorded": 1,
    }
    assert counts(tables["contacts_by_outcome"]) == {
        "Referred to a social work team": 1,
        "With the MASH manager": 1,
        "Closed: no further action": 1,
        "Provision of information and advice": 1,
        "With the early help duty manager": 1,
    }


def test_conversion_counts_each_step_a_contact_reached(tables):
    assert counts(tables["conversion"]) == {
        "All contacts": 5,
        "Referred to a social work team": 1,
        "MASH enquiry": 1,
        "Early help referral decision": 2,
        "Provision of information and advice": 1,
        "Closed: no further action": 1,
        "Closed: information only": 0,
    }
    assert counts(tables["conversion"], "percent")["Early help referral decision"] == 40.0


def test_timeliness_by_clock_counts_breaches_and_times_taken(tables):
    rows = {r["code"]: r for r in tables["timeliness_by_kind"].rows}
    assert rows["contact_record"] | {} == rows["contact_record"]
    assert (rows["contact_record"]["started"], rows["contact_record"]["on_time"]) == (1, 1)
    assert rows["contact_record"]["percent_on_time"] == 100.0
    assert rows["contact_record"]["median"] == 2.0
    partner = rows["partner_check"]
    assert (partner["started"], partner["on_time"], partner["breaches"]) == (3, 2, 1)
    assert partner["percent_on_time"] == 66.7
    assert (partner["median"], partner["p90"]) == (3.0, 5.4)  # of 1, 3 and 6 hours
    red = rows["red_checks"]
    assert (red["started"], red["on_time"], red["breaches"], red["median"]) == (1, 0, 1, None)
    # Every clock the profile runs has a row, started or not.
    assert rows["early_help_decision"]["started"] == 0


def test_timeliness_by_team_and_worker(tables, quarter):
    teams = {r["label"]: r for r in tables["timeliness_by_team"].rows}
    assert teams["Test children in need team"]["started"] == 1
    nobody = teams["No team (a role answers)"]
    assert (nobody["started"], nobody["on_time"], nobody["breaches"]) == (4, 2, 2)
    assert nobody["median"] == 3.0
    workers = {r["label"]: r for r in tables["timeliness_by_worker"].rows}
    assert workers["Wendy Worker"]["started"] == 1
    assert workers["No named worker"]["started"] == 4


def test_mash_records_consent_and_partner_responses(tables):
    assert counts(tables["mash"]) == {
        "MASH enquiries": 1,
        "MASH records (3 or more agencies gave information)": 1,
        "Decided by the MASH manager": 0,
    }
    assert counts(tables["consent"])["Refusal overridden"] == 1
    assert counts(tables["consent"])["Sought and refused"] == 0  # overridden later
    grounds = {r["label"]: r for r in tables["consent_ground"].rows}
    assert grounds["The child is in immediate danger"]["overridden"] == 1
    partner = {r["label"]: r for r in tables["partner"].rows}
    assert partner["Agency health"]["median"] == 1.0
    assert (partner["Agency school"]["answered"], partner["Agency school"]["met_late"]) == (1, 1)
    assert partner["Agency police"]["met_late"] == 0


def test_repeat_contacts_and_re_referrals_within_twelve_months(tables):
    assert counts(tables["repeats"]) == {
        "Contacts received": 5,
        "Repeat contacts: a child on it had another contact in the 12 months before": 4,
        "Re-referrals: a child on it was referred within 12 months of an earlier referral": 1,
    }
    assert [r["count"] for r in tables["re_referral_children"].rows] == [1, 1]


def test_merlins_early_help_panel_and_workload(tables):
    assert counts(tables["merlin"]) == {"Red": 1, "Amber": 0, "Green": 0}
    assert counts(tables["early_help"]) == {
        "The weekly Early Help Panel": 1,
        "No further action": 1,
    }
    assert counts(tables["panel"]) == {"Awaiting the panel's decision": 1}
    workload = {r["label"]: r for r in tables["workload"].rows}
    assert (workload["No team"]["contacts"], workload["No team"]["enquiries"]) == (2, 1)


def test_each_link_lists_exactly_the_contacts_its_row_counts(tables):
    from urllib.parse import parse_qs, urlsplit

    checked = 0
    for table in tables.values():
        for index, url in table.links.items():
            query = {
                k: v[0] if v else ""
                for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()
            }
            _title, _label, contacts = contacts_behind(
                query["figure"], query["row"], QUARTER, now=NOW
            )
            row = table.rows[index]
            expected = row.get("count", row.get("total", row.get("breaches", row.get("requests"))))
            if table.key.startswith("timeliness"):
                continue  # a row counts clocks; its link lists the contacts with a breach
            if table.key == "workload":
                expected = row["contacts"]
            if table.key == "partner":
                expected = 1  # one contact asked every agency
            assert contacts.count() == expected, (table.key, row)
            checked += 1
    assert checked > 20


def test_unknown_figures_and_rows_have_no_contacts(quarter):
    assert contacts_behind("nonsense", "x", QUARTER) is None
    assert contacts_behind("contacts_by_source", "not-a-source", QUARTER) is None
    assert contacts_behind("workload", "99999999999999999999", QUARTER) is None
    assert contacts_behind("partner", "none", QUARTER) is None


def test_percentile_matches_postgresql_interpolation():
    assert percentile_cont([1.0, 3.0, 6.0], 0.9) == pytest.approx(5.4)
    assert percentile_cont([2.0], 0.5) == 2.0
    assert percentile_cont([], 0.5) is None


def test_the_sqlite_fallback_gives_the_same_percentiles_as_postgresql(quarter, camden, monkeypatch):
    from reporting import stats
    from reporting.figures import clocks

    in_sql = [t.rows for s in sections_for(QUARTER, camden, now=NOW) for t in s.tables]
    # The code path the embedded demo (SQLite) takes, run here on PostgreSQL's rows.
    monkeypatch.setattr(stats, "supports_percentiles", lambda queryset: False)
    monkeypatch.setattr(clocks, "supports_percentiles", lambda queryset: False)
    in_python = [t.rows for s in sections_for(QUARTER, camden, now=NOW) for t in s.tables]
    assert in_python == in_sql


def test_a_contact_at_the_same_instant_is_no_repeat_but_one_exactly_a_year_before_is(db, camden):
    by = UserFactory()
    twin, yearly = PersonFactory(), PersonFactory()
    serial = iter(range(1, 10))

    def contact(received_at, child):
        made = Contact.objects.create(
            reference=f"TIE{next(serial)}",
            source="phone",
            referral_source="2A",
            received_at=received_at,
            status="closed_nfa",
            created_by=by,
        )
        ContactPerson.objects.create(contact=made, person=child, role="child")
        return made

    contact(at(2026, 8, 3, 9), twin)
    contact(at(2026, 8, 3, 9), twin)  # the same call logged twice: neither came before
    again = contact(at(2026, 9, 1, 9), yearly)
    contact(at(2025, 9, 1, 9), yearly)  # 365 days before, to the minute

    _title, _label, repeats = contacts_behind("repeats", "repeat", QUARTER, now=NOW)
    tables = {t.key: t for s in sections_for(QUARTER, camden, now=NOW) for t in s.tables}

    assert list(repeats) == [again]
    assert tables["repeats"].rows[1]["count"] == 1
