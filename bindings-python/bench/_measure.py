"""Memory readings shared by the benchmark scripts (Linux /proc and getrusage)."""

from __future__ import annotations

import resource


def rss_kib() -> int:
    """This process's resident memory now, KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_kib() -> int:
    """This process's peak resident memory so far, KiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
