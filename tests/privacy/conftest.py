"""Fixtures for tests/privacy: the case and the request (tests/privacy/cases.py builds them)."""

import datetime as dt

import pytest

from tests.privacy.records import closed_nfa

from .cases import SECRET, SHAREABLE, make_case, open_request, people  # noqa: F401


@pytest.fixture
def parties(db):
    return people()


@pytest.fixture
def child(parties):
    return parties[0]


@pytest.fixture
def adult(parties):
    return parties[1]


@pytest.fixture
def case(
    havering, child, adult, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    return make_case(
        havering=havering,
        child=child,
        adult=adult,
        screening_officer=screening_officer,
        senior_practitioner=senior_practitioner,
        mash_manager=mash_manager,
        mash_social_worker=mash_social_worker,
    )


@pytest.fixture
def sar(case, child, service_manager):
    return open_request(child=child, by=service_manager)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


NFA_ON = dt.date(2015, 3, 10)


@pytest.fixture
def in_islington(settings, islington):
    """Islington closes contacts with no further action at rating (Camden has no such outcome)."""
    settings.COUNCIL_PROFILE = "islington"
    return islington


@pytest.fixture
def old_nfa(in_islington, screening_officer, senior_practitioner):
    """A contact closed with no further action on 10 March 2015."""
    return closed_nfa(
        officer=screening_officer, senior=senior_practitioner, profile=in_islington, on=NFA_ON
    )
