"""The matching benchmark still runs (at a small size) with either population's names, so it
cannot rot between the runs that matter (a new column once broke its COPY unnoticed)."""

import pytest

from tests.benchmarks.running import run_benchmark


@pytest.mark.parametrize("names", ["london", "en_GB"])
def test_matching_benchmark_runs_and_finds_the_people_it_searches_for(names):
    done = run_benchmark(
        "matching_benchmark.py",
        *("--people", "20000", "--searches", "28", "--names", names),
        db_suffix="match_bench",
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"names ({names}):" in done.stdout
    assert "names_only       4" in done.stdout
    assert "EXPLAIN (ANALYZE, BUFFERS) for a names_only search" in done.stdout
