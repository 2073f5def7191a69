"""The state-machine benchmark compares like with like: the three readers see the same records."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_state_machine
from examples.data.generate_commoncrawl_samples import write_segment


@pytest.mark.parametrize("gzipped", [False, True])
def test_the_three_readers_count_the_same_records(tmp_path: Path, gzipped: bool) -> None:
    paths = write_segment(tmp_path, 20, text_size=3000, gzip_records=gzipped)
    warc = paths["WARC"]
    # 1 warcinfo + 20 pages x (request, response, metadata)
    assert bench_state_machine._ours(warc) == 61
    assert bench_state_machine._warcio(warc) == 61
    assert bench_state_machine._fastwarc(warc) == 61
