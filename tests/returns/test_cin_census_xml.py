"""The census XML: who is in it, element order, dates, booleans, no default namespace."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals.models import CinEpisode
from returns.cin_census import CollectionYear, build_census, collection_year_of
from tests.returns.helpers import OPEN_N4, nfa_closed

pytestmark = pytest.mark.django_db

CHILD_ORDER = ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]
IDENTIFIER_ORDER = ["LAchildID", "UPNunknown", "PersonBirthDate", "Sex"]


def _year_of(episode) -> CollectionYear:
    return collection_year_of(episode.referral_date)


def test_collection_year_runs_april_to_march_and_is_named_by_its_end():
    year = CollectionYear(2027)
    assert (year.start, year.end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert collection_year_of(dt.date(2026, 11, 30)).year == 2027
    assert collection_year_of(dt.date(2027, 3, 31)).year == 2027
    assert collection_year_of(dt.date(2027, 4, 1)).year == 2028


def test_census_has_no_default_namespace_and_its_header_in_xsd_order(camden, referred):
    episode = referred(episode=OPEN_N4)
    year = _year_of(episode)
    root = ET.fromstring(build_census(year=year, profile=camden).xml)
    assert root.tag == "Message"  # no {namespace}: the validator's root.find("Header") works
    assert [e.tag for e in root] == ["Header", "Children"]
    header = root.find("Header")
    details = header.find("CollectionDetails")
    assert [(e.tag, e.text) for e in details] == [
        ("Collection", "CIN"),
        ("Year", str(year.year)),
        ("ReferenceDate", f"{year.year}-03-31"),
    ]
    source = header.find("Source")
    assert [e.tag for e in source] == [
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
    ]
    assert source.findtext("LEA") == "202"
    assert source.findtext("SerialNo") == "001"


def test_child_elements_in_xsd_order_with_iso_dates_and_lowercase_booleans(camden, referred):
    nfa = referred(episode=nfa_closed())
    year = _year_of(nfa)
    child = ET.fromstring(build_census(year=year, profile=camden).xml).find("Children/Child")
    assert [e.tag for e in child] == CHILD_ORDER
    ids = child.find("ChildIdentifiers")
    assert [e.tag for e in ids] == IDENTIFIER_ORDER
    assert ids.findtext("LAchildID") == nfa.person.case_number
    assert ids.findtext("PersonBirthDate") == nfa.person.date_of_birth.isoformat()
    assert [e.tag for e in child.find("ChildCharacteristics")] == ["Ethnicity", "Disabilities"]
    assert child.findtext("ChildCharacteristics/Disabilities/Disability") == "NONE"
    details = child.find("CINdetails")
    assert [e.tag for e in details] == [
        "CINreferralDate",
        "ReferralSource",
        "CINclosureDate",
        "ReasonForClosure",
        "ReferralNFA",
    ]
    assert details.findtext("CINreferralDate") == nfa.referral_date.isoformat()
    assert details.findtext("ReferralSource") == "2A"
    assert details.findtext("ReferralNFA") == "true"


def test_assessment_sits_between_closure_and_the_nfa_flag(camden, referred):
    day = referred().referral_date
    episode = referred(
        episode={
            "primary_need": "N1",
            "assessment_started_on": day,
            "assessment_authorised_on": day,
            "closed_on": day,
            "closure_reason": "RC8",
        }
    )
    root = ET.fromstring(build_census(year=_year_of(episode), profile=camden).xml)
    child = next(
        c
        for c in root.iter("Child")
        if c.findtext("ChildIdentifiers/LAchildID") == episode.person.case_number
    )
    details = child.find("CINdetails")
    assert [e.tag for e in details] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "Assessments",
        "ReferralNFA",
    ]
    assert [e.tag for e in details.find("Assessments")] == [
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
    ]
    assert details.findtext("ReferralNFA") == "false"


def test_census_counts_episodes_open_in_the_year_and_not_those_closed_before_it(camden, referred):
    inside = referred(episode=OPEN_N4)
    year = _year_of(inside)
    # Referred before the year and still open at its start: counted.
    carried = referred(episode=OPEN_N4)
    CinEpisode.objects.filter(pk=carried.pk).update(
        referral_date=year.start - dt.timedelta(days=30)
    )
    # Referred and closed before the year began: not counted.
    gone = referred(episode=nfa_closed())
    CinEpisode.objects.filter(pk=gone.pk).update(
        referral_date=year.start - dt.timedelta(days=60),
        closed_on=year.start - dt.timedelta(days=1),
    )
    census = build_census(year=year, profile=camden)
    ids = {
        c.findtext("ChildIdentifiers/LAchildID") for c in ET.fromstring(census.xml).iter("Child")
    }
    assert ids == {inside.person.case_number, carried.person.case_number}
    assert set(census.person_ids) == {inside.person_id, carried.person_id}


def test_what_happened_after_31_march_is_left_for_next_year(camden, referred):
    episode = referred(episode=nfa_closed())
    year = CollectionYear(_year_of(episode).year)
    CinEpisode.objects.filter(pk=episode.pk).update(
        referral_date=year.end - dt.timedelta(days=3), closed_on=year.end + dt.timedelta(days=2)
    )
    details = ET.fromstring(build_census(year=year, profile=camden).xml).find(
        "Children/Child/CINdetails"
    )
    assert details.find("CINclosureDate") is None
    assert details.find("ReasonForClosure") is None


def test_census_is_built_in_a_constant_number_of_queries(camden, referred):
    year = _year_of(referred(episode=OPEN_N4))
    with CaptureQueriesContext(connection) as one:
        build_census(year=year, profile=camden)
    for _ in range(3):
        referred(episode=nfa_closed())
    with CaptureQueriesContext(connection) as four:
        build_census(year=year, profile=camden)
    assert len(four) == len(one) == 1


def test_a_profile_without_an_la_code_cannot_make_a_census(camden):
    camden.la_code = ""
    with pytest.raises(ValueError, match="local authority code"):
        build_census(year=CollectionYear(2027), profile=camden)
