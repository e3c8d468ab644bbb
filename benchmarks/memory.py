"""Memory figures for the benchmarks (Linux /proc; None where it is not available)."""

from __future__ import annotations

import resource
import sys


def status_kb(field: str) -> int | None:
    """A ``/proc/self/status`` field in kB (VmRSS, VmHWM, …)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_gb() -> float | None:
    kb = status_kb("VmRSS")
    return kb / 1e6 if kb is not None else None


def peak_gb() -> float | None:
    """Peak RSS since the last :func:`reset_peak` (Linux VmHWM), else since start."""
    kb = status_kb("VmHWM")
    return kb / 1e6 if kb is not None else None


def maxrss_gb() -> float:
    """Peak RSS of the whole process (getrusage; kilobytes on Linux, bytes on macOS)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / 1e9 if sys.platform == "darwin" else value / 1e6


def reset_peak() -> bool:
    """Reset VmHWM so the next peak is the coming step's alone (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False
