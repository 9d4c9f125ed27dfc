"""Fixtures shared by the MASH tests."""

import pytest

from tests.mash.reopening import disagreed_case


@pytest.fixture
def disagreed(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    """Make a decided case (`next_step`, referring to `team`) the police disagree with: the
    enquiry, the disagreement and the police user."""

    def make(next_step="social_work_referral", team=None):
        return disagreed_case(
            next_step=next_step,
            profile=havering,
            officer=screening_officer,
            senior=senior_practitioner,
            manager=mash_manager,
            worker=mash_social_worker,
            team=team,
        )

    return make
