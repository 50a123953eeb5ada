"""Looking before opening: a path a person names must be a regular file before anything reads it.

A FIFO (named pipe) blocks open() until another process writes to it, and a device such as /dev/zero
never ends, so either would hang the app instead of giving a message. os.stat does not open the file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import UserError

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def require_regular_file(path: str | Path, error: type[UserError], what: str, hint: str) -> os.stat_result:
    """The stat of `path` when it is a regular file; `error(message, hint)` naming `what` and the path
    when it is missing, a folder, or anything that cannot be read to its end (a pipe, a device)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist.", hint) from None
    except OSError as problem:  # permission denied, a name too long, a loop of links
        raise error(f"Cannot look at {what} {path}: {problem.strerror or problem}.", hint) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{what} {path} is a folder, not a file.", hint)
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise error(f"{what} {path} is {kind}, not a regular file: reading it could wait forever.", hint)
    return info


def is_special(path: str | Path) -> bool:
    """True for something that exists but is neither a regular file nor a folder (a pipe, a device, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
