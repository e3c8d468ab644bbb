"""Duplicate-header check and CSV reader of core.uploads: 40,000 columns against 40 (issue 15:
the old check was quadratic, 23.7 s of CPU for 40,000 columns). Prints figures; no asserts.

    ./dev python benchmarks/upload_limits.py
"""

from __future__ import annotations

import time

from samverkan.core.uploads import Limits, UploadError, csv_rows, duplicates


def _time(names: list[str], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        duplicates(names)
    return (time.perf_counter() - started) / repeat


def main() -> None:
    small = [f"k{i}" for i in range(40)]
    large = [f"k{i}" for i in range(40_000)]
    t_small, t_large = _time(small, 2000), _time(large, 20)
    print(f"duplicates, 40 columns:     {t_small * 1e6:10.1f} µs")
    print(f"duplicates, 40,000 columns: {t_large * 1e6:10.1f} µs")
    print(f"ratio: {t_large / t_small:.0f} for 1000 times the columns (linear: about 1000)")
    text = ",".join(large) + "\n"
    started = time.perf_counter()
    try:
        list(csv_rows(text, Limits(max_columns=64)))
    except UploadError as exc:
        print(
            f"csv_rows refuses the 40,000-column header ({exc.code}) in "
            f"{(time.perf_counter() - started) * 1e3:.1f} ms"
        )


if __name__ == "__main__":
    main()
