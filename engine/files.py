"""Looking before opening: a path a person names must be a regular file before anything reads it.

A FIFO (named pipe) blocks open() until another process writes to it, and a device such as /dev/zero
never ends, so either would hang the app instead of giving a message. os.stat does not open the file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import UserError

_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def kind_of(mode: int) -> str:
    """What a stat mode that is not a regular file is, in words ("a named pipe", "a folder", ...)."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def file_problem(path: str | Path) -> str | None:
    """Why `path` is not a regular file one can read ("does not exist", "not a regular file (a named pipe)"),
    or None when it is one. Uses stat only: never opens the file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "does not exist" + (" (a broken link)" if os.path.islink(path) else "")
    except OSError as error:
        return f"cannot be looked at ({error.strerror or error})"
    return None if stat.S_ISREG(mode) else f"not a regular file ({kind_of(mode)})"


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
        kind = kind_of(info.st_mode)
        raise error(f"{what} {path} is {kind}, not a regular file: reading it could wait forever.", hint)
    return info


def is_special(path: str | Path) -> bool:
    """True for something that exists but is neither a regular file nor a folder (a pipe, a device, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
