"""A chart's row labels stay inside the chart: a long one (a consent ground, an outcome) wraps
onto further lines and pushes the rows below down, rather than running off the edge."""

from django.template.loader import render_to_string

from reporting.charts import LABEL_CHARS, WIDTH, bar_chart
from reporting.tables import Column, Table

LONG = (
    "Consent not sought: seeking it would place the child or another person at risk of "
    "significant harm, or would prejudice a police investigation"
)


def _table(*labels: str) -> Table:
    return Table(
        key="grounds",
        title="Consent grounds",
        columns=(Column("ground", "Ground"), Column("count", "Contacts", numeric=True)),
        rows=[{"ground": label, "count": n + 1} for n, label in enumerate(labels)],
        label_key="ground",
        value_key="count",
    )


def test_a_short_label_is_one_line():
    chart = bar_chart(_table("Given"))
    (group,) = chart.groups
    assert [line.text for line in group.lines] == ["Given"]
    assert group.lines[0].y == group.y


def test_a_long_label_wraps_every_word_kept_and_the_next_row_moves_down():
    short, long = bar_chart(_table("Given", "Refused")), bar_chart(_table(LONG, "Refused"))
    lines = long.groups[0].lines
    assert len(lines) == 2
    assert all(len(line.text) <= LABEL_CHARS for line in lines)
    assert " ".join(line.text for line in lines) == LONG
    # Each line below the last; the bar below the label; the next row below that bar.
    assert lines[0].y < lines[1].y < long.groups[0].bars[0].y
    extra = long.groups[1].y - short.groups[1].y
    assert extra == lines[1].y - lines[0].y
    assert long.height == short.height + extra


def test_a_word_longer_than_a_line_is_broken_not_left_to_run_off():
    word = "x" * (LABEL_CHARS * 2 + 5)
    lines = bar_chart(_table(word)).groups[0].lines
    assert [len(line.text) for line in lines] == [LABEL_CHARS, LABEL_CHARS, 5]


def test_the_svg_draws_each_line_of_the_label():
    chart = bar_chart(_table(LONG))
    html = render_to_string("reporting/includes/_bar_chart.html", {"chart": chart})
    for line in chart.groups[0].lines:
        assert f'y="{line.y}" font-size="14"' in html
        assert f">{line.text}</text>" in html
    assert f'viewBox="0 0 {WIDTH} {chart.height}"' in html
    # The description names the row by its whole label once.
    assert html.count(LONG) == 1
