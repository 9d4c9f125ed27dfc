import datetime as dt

import pytest

from tests.privacy.records import closed_nfa

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
