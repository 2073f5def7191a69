"""The generations benchmark runs without SDLF's layers (baseline skipped with a note) and counts
the requests each warm stage Lambda shape makes on this layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_generations


def test_runs_without_upstream_checkouts_and_counts_warm_requests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(bench_generations.UPSTREAM_DIR_ENV, str(tmp_path / "absent"))
    monkeypatch.setattr(bench_generations, "INVOCATIONS", 3)
    rows = {metric: (value, baseline, note) for metric, value, baseline, note in bench_generations.run()}
    # warm, nothing comes from SSM; the requests are the stage Lambda's own work:
    # <= 2.6: execution put, catalog put, StartExecution, execution get + update (the ACTIVE pipeline is cached)
    assert rows["<= 2.6 (octagon): AWS requests/invocation"][0] == "5"
    # 2.7-2.11.0: execution put, StartExecution, execution get + update
    assert rows["2.7-2.11.0 (sdlf): AWS requests/invocation"][0] == "4"
    # 2.11.x routing: one StartExecution
    assert rows["2.11.x (DataLakeClient): AWS requests/invocation"][0] == "1"
    for label in ("<= 2.6 (octagon)", "2.7-2.11.0 (sdlf)", "2.11.x (DataLakeClient)"):
        value, baseline, note = rows[f"{label}: SSM requests/invocation"]
        assert (value, baseline) == ("0", "-")
        assert note.startswith("baseline skipped: no SDLF") and "absent" in note
