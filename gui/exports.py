"""Where the window may write: never over the data the user loaded, and not over other files unasked.

Single-file exports ask through the save dialog itself (it confirms replacing a file); what they must not do is
replace a file of the loaded data. Exports that write many files into a chosen folder (masks, ...) may not
write into the loaded data's folders at all (their PNGs would be read as data next time) and ask before
replacing files already there.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

SHOWN_NAMES = 8  # at most this many file names in the question


def data_roots(spec: str) -> list[Path]:
    """The files and folders a data spec reads (`folder:DIR`, `pairs:A,B`, `video:FILE` ...) that exist."""
    head = (spec or "").partition("?")[0]
    kind, sep, path = head.partition(":")
    if not sep or not path:
        return []  # demo and other built-in data: nothing on disk
    parts = [path] + ([p for p in path.split(",") if p.strip()] if "," in path else [])
    roots = []
    for part in parts:
        candidate = Path(part.strip()).expanduser()
        if candidate.exists():
            roots.append(candidate.resolve())
    return roots


def is_inside(path: str | Path, roots: list[Path]) -> bool:
    """Whether `path` is one of `roots` or lies inside one of them."""
    target = Path(path).expanduser().resolve()
    return any(target == root or root in target.parents for root in roots)


def check_single_file(report, target: str | Path, *specs: str) -> bool:
    """True when `target` may be written: it is no existing file of the data `specs` name. Otherwise tells the
    user (report(title, message, hint)) and returns False."""
    roots = [root for spec in specs for root in data_roots(spec)]
    if Path(target).exists() and is_inside(target, roots):
        report("Not written", f"{target} is part of the loaded data ({', '.join(map(str, roots))}), so it was "
                              "not replaced.", "Choose another file name or a folder outside the loaded data.")
        return False
    return True


def check_folder(parent, report, folder: str | Path, targets: list[Path], spec: str) -> bool:
    """True when the files `targets` may be written into `folder`: the folder is not (inside) the loaded data,
    and the user agreed to replace the files that already exist there (a question; No is the default)."""
    roots = data_roots(spec)
    if is_inside(folder, roots) or any(is_inside(target, roots) for target in targets):
        report("Choose another folder", f"{folder} holds the loaded data ({', '.join(map(str, roots))}); the "
                                        "exported files would mix with it or replace it.",
               "Choose an empty folder, or one outside the loaded data.")
        return False
    existing = [t for t in targets if t.exists()]
    if not existing:
        return True
    names = "\n".join(t.name for t in existing[:SHOWN_NAMES]) + (
        f"\n… and {len(existing) - SHOWN_NAMES} more" if len(existing) > SHOWN_NAMES else "")
    answer = QMessageBox.question(
        parent, "Replace files?",
        f"{len(existing)} of the {len(targets)} files to write already exist in {folder}:\n{names}\n\n"
        "Replace them?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
