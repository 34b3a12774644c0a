"""Reduced versions of `make stress`: real processes, SIGKILL during imports, searching during an import."""

from __future__ import annotations

from stress.harness import crash_trials, load_trial


def test_killed_imports_leave_database_and_index_in_step():
    results = crash_trials(articles=30, kills=3, seed=3)
    assert len(results) == 3
    for row in results:
        assert row["index_without_row_when_killed"] == 0, row
        assert row["in_step"] and row["lost"] == 0 and row["duplicated"] == 0 and row["without_mentions"] == 0, row
    assert any(row["articles_when_killed"] < 30 for row in results)  # at least one kill landed mid-import


def test_searching_during_an_import_gets_answers():
    result = load_trial(articles=120, clients=4, requests=10)
    assert result["errors_during_import"] == 0 and result["errors_idle"] == 0, result
    assert result["final_state"]["in_step"] and result["final_state"]["articles"] == 120
