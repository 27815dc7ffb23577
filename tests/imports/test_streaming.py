"""Imports are streamed: peak memory does not grow with the number of rows."""

import tracemalloc

from lms.imports import services


def test_peak_memory_is_flat_in_file_size(make_area, run_import, monkeypatch):
    make_area("V", "village")
    monkeypatch.setattr(services, "CHUNK_ROWS", 5000)  # memory is bounded by a chunk: files of 2 and 8 chunks

    def peak(rows: int) -> int:
        header = "person_code,full_name,birth_year,gender,village_code\n"
        data = (header + "".join(f"P{i:07d},Nguyễn Văn Ánh {i},1980,nam,V\n" for i in range(rows))).encode()
        tracemalloc.start()
        report = run_import("people", data, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert report.ok and report.created == rows
        return peak

    small, large = peak(10_000), peak(40_000)
    assert large < small * 1.3, (small, large)
