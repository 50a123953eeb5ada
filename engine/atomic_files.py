"""Files that appear whole or not at all: written under a fresh temporary name in the same folder, then
renamed onto their real name in one step.

A crash, a full disk or an encoder error part-way leaves the old file (or none) in place, never half a
picture or half a video. Without `overwrite` the last step refuses to replace a file that appeared at the
target since the command planned its outputs (a hard link fails when the name is taken; os.replace would
silently win).
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

from engine.errors import DataError

_ATTEMPTS = 100  # fresh random names tried before giving up (a clash is already one in four billion)


@contextmanager
def written_atomically(path: str | Path, overwrite: bool = True):
    """Yield a new, empty temporary path beside `path` with the same suffix (encoders choose the format by
    it); when the block ends without an error, the temporary file becomes `path`. It is removed otherwise."""
    path = Path(path)
    temp = _reserve(path)
    try:
        yield temp
        _flush(temp)
        _publish(temp, path, overwrite)
    finally:
        temp.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes, overwrite: bool = True) -> None:
    """`data` into `path`, atomically."""
    with written_atomically(path, overwrite) as temp:
        temp.write_bytes(data)


def _reserve(path: Path) -> Path:
    """A temporary name of our own in `path`'s folder (created here, so no other writer can hold it); the
    mode follows the umask like any new file (mkstemp's would be 0600)."""
    for _ in range(_ATTEMPTS):
        temp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
        try:
            os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return temp
        except FileExistsError:
            continue
        except OSError as error:
            raise DataError(f"Cannot write in {path.parent}: {error.strerror or error}.",
                            "Choose an output folder you can write to (--out).") from None
    raise DataError(f"Cannot find a free temporary name in {path.parent}.", "Remove the .*.partial* files there.")


def _flush(temp: Path) -> None:
    """On disk before the rename, so a power cut cannot leave the new name on an empty file."""
    with open(temp, "ab") as file:
        os.fsync(file.fileno())


def _publish(temp: Path, path: Path, overwrite: bool) -> None:
    try:
        if overwrite:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)  # fails when the name is taken, unlike a rename
        except FileExistsError:
            raise DataError(f"{path} appeared while it was being written; it was left as it is.",
                            "Pass --overwrite to replace it, or choose another --out.") from None
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(path):
                raise DataError(f"{path} already exists; it was left as it is.",
                                "Pass --overwrite to replace it, or choose another --out.") from None
            os.replace(temp, path)
    except DataError:
        raise
    except OSError as error:
        raise DataError(f"Cannot write {path}: {error.strerror or error}.",
                        "Check that the output folder is writable and the name is free.") from None
