"""What this machine can hold: a memory estimate checked before anything large is allocated.

Sizes and counts a user types (a million generated sequences, 20,000-pixel images, 4096 x 8 layers)
are refused here with a message saying what fits, instead of exhausting memory and ending in a
traceback or the kernel's OOM killer. Pure Python (no torch, no Qt): the window may call it too.
"""
from __future__ import annotations

import os

try:
    import resource  # Unix only
except ImportError:  # Windows: no address-space limits to honour
    resource = None

from engine.errors import UserError

# what is kept back for the interpreter, torch, Qt and the OS when judging what a run may use
_RESERVE_BYTES = 1 << 30


class ResourceError(UserError):
    """A size, count or length that this machine cannot hold."""


def available_bytes() -> int:
    """Memory this process may still allocate: the system's available memory, lowered by an address-space
    limit (`ulimit -v`) when one is set, less a reserve."""
    free = _meminfo_available()
    limit = resource.getrlimit(resource.RLIMIT_AS)[0] if resource else -1
    if resource and limit != resource.RLIM_INFINITY:
        free = min(free, max(0, limit - _address_space_used()))
    return max(0, free - _RESERVE_BYTES)


def check_fits(need_bytes: int, what: str, advice: str) -> None:
    """ResourceError when `need_bytes` (an estimate) does not fit in available_bytes().

    `what` names the thing ("2,000,000 generated 64x64 sequences of 20 frames"), `advice` says what to change."""
    have = available_bytes()
    if need_bytes > have:
        raise ResourceError(f"{what} would need about {human_bytes(need_bytes)} of memory; "
                            f"this machine has about {human_bytes(have)} free for it.", advice)


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def cap_threads(threads: int) -> int:
    """A thread count no larger than the machine's cores (more only makes torch's threads wait on each other)."""
    return max(1, min(int(threads), os.cpu_count() or 1))


def _meminfo_available() -> int:
    try:
        with open("/proc/meminfo") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:  # other Unixes: physical pages (an upper bound, better than no check)
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def _address_space_used() -> int:
    try:
        with open("/proc/self/status") as file:
            for line in file:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
