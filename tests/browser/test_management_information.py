"""A team manager opens the MI page for last quarter: charts with their tables, axe clean, and
a figure row clicks through to the contacts behind it that the manager may open."""

import datetime as dt

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from referrals.models import Contact
from reporting.tables import named_periods
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_manager_reads_last_quarter_and_clicks_through_to_their_contacts(
    pages, camden, settings, social_work_team, team_manager
):
    settings.COUNCIL_PROFILE = "camden"
    quarter = named_periods(timezone.localdate())["last_quarter"]
    received = timezone.make_aware(dt.datetime.combine(quarter.start, dt.time(10)))
    by = UserFactory()
    other_team = TeamFactory(name="Another team")
    made = []
    for n, (team, status) in enumerate(
        [(social_work_team, "referred_to_social_work"), (other_team, "closed_nfa")]
    ):
        contact = Contact.objects.create(
            reference=f"MIB{n}",
            source="phone",
            referral_source="2A",
            received_at=received + dt.timedelta(days=n),
            status=status,
            created_by=by,
            assigned_team=team,
        )
        assign_perm("referrals.view_contact", team.group, contact)
        made.append(contact)
    page = pages.page

    pages.sign_in("teammgr")
    page.get_by_role("link", name="MI", exact=True).click()
    pages.check()
    expect(page.get_by_role("heading", level=2, name="Last quarter")).to_be_visible()
    chart = page.get_by_role("img", name="Contacts by how they arrived")
    expect(chart).to_be_visible()
    expect(chart.locator("text.app-chart__value").first).to_have_text("2")
    table = page.locator("#figure-contacts_by_source table")
    expect(table.locator("caption")).to_contain_text("by the way they came in")
    expect(table.get_by_role("row", name="Phone call")).to_contain_text("2")

    table.get_by_role("link", name="Phone call").click()
    pages.check()
    expect(page.get_by_role("heading", level=1, name="Phone call")).to_be_visible()
    expect(page.get_by_role("link", name=made[0].reference)).to_be_visible()
    expect(page.get_by_text(made[1].reference)).to_have_count(0)
    expect(page.get_by_text("1 contact behind this figure is not listed")).to_be_visible()


def test_a_long_row_label_is_drawn_inside_its_chart(page):
    """Measured by the browser: each line of a chart's row labels ends inside the chart's own
    width (one line of a sentence-long consent ground ran past its edge and was cut off)."""
    from django.template.loader import render_to_string

    from reporting.charts import WIDTH, bar_chart
    from reporting.tables import Column, Table

    ground = (
        "Consent not sought: seeking it would place the child or another person at risk of "
        "significant harm, or would prejudice a police investigation"
    )
    table = Table(
        key="grounds",
        title="Consent grounds",
        columns=(Column("ground", "Ground"), Column("count", "Contacts", numeric=True)),
        rows=[{"ground": ground, "count": 3}, {"ground": "Given", "count": 1}],
        label_key="ground",
        value_key="count",
    )
    chart = render_to_string("reporting/includes/_bar_chart.html", {"chart": bar_chart(table)})
    page.set_viewport_size({"width": 1000, "height": 800})
    page.set_content(f'<div style="width: {WIDTH}px">{chart}</div>')
    right_edges = page.eval_on_selector_all(
        "text.app-chart__label", "labels => labels.map(t => t.getBBox().x + t.getBBox().width)"
    )
    assert len(right_edges) == 3  # the long label on two lines, the short on one
    assert max(right_edges) <= WIDTH, right_edges
    drawn = page.eval_on_selector_all("text.app-chart__label", "ls => ls.map(t => t.textContent)")
    assert " ".join(drawn[:2]) == ground
