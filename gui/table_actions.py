"""File ▸ Export table…: the tables of the run shown (metrics per epoch, per-class accuracy) and of Compare cells,
as CSV or markdown, copied to the clipboard or saved (gui.views.table_dialog). The runs browser's comparison
has its own CSV / markdown / Copy buttons (gui/runs_compare.py)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from gui.exports import check_single_file
from gui.views.table_dialog import TableDialog
from gui.views.table_text import FORMATS, SUFFIXES, Table, text


class TableExports(QObject):
    def __init__(self, dialogs, spec: Callable[[], str], parent=None):
        """`spec()`: the loaded data's spec (nothing of it is ever written over)."""
        super().__init__(parent)
        self.dialogs, self.spec = dialogs, spec
        self.sources: dict[str, Callable[[], Table]] = {}
        self.kind = "markdown"
        self.dialog: TableDialog | None = None

    def add(self, name: str, table: Callable[[], Table]) -> None:
        self.sources[name] = table

    def available(self) -> dict[str, Callable[[], Table]]:
        return {name: table for name, table in self.sources.items() if not table().empty}

    def choose(self, chosen: str = "") -> None:
        tables = self.available()
        if not tables:
            self.dialogs.error("No table yet", "There are no figures to tabulate yet.",
                               "Train a model (or open a run), then export its tables.")
            return
        owner = self.parent() if isinstance(self.parent(), QWidget) else self.dialogs.parent()
        self.dialog = TableDialog(tables, chosen, self.kind, owner)
        self.dialog.copied.connect(self.on_copied)
        self.dialog.saveRequested.connect(self.save)
        self.dialog.open()

    @Slot(str, str)
    def on_copied(self, name: str, kind: str) -> None:
        self.kind = kind
        self.dialogs.status(f"Copied the {name.lower()} to the clipboard as {FORMATS[kind]}.", 5000)

    @Slot(str, str)
    def save(self, name: str, kind: str, path: str = "") -> bool:
        self.kind = kind
        suffix = SUFFIXES[kind]
        path = path or self.dialogs.save_file(f"Export the {name.lower()}", name.lower().replace(" ", "_") + suffix,
                                              f"{FORMATS[kind]} (*{suffix})")
        if not path:
            return False
        if not path.lower().endswith(suffix):
            path += suffix
        if not check_single_file(self.dialogs.error, path, self.spec()):
            return False
        try:
            Path(path).write_text(text(self.sources[name](), kind), encoding="utf-8")
        except OSError as error:
            self.dialogs.error("Export failed", f"Could not write {path} ({error.strerror or error}).",
                               "Check the folder exists and is writable.")
            return False
        self.dialogs.written(path, f"Exported the {name.lower()} ({FORMATS[kind]}): {path}")
        return True


def epoch_table(run) -> Table:
    """The run's metrics per epoch: its run folder's metrics.csv (every metric), else its curve points (loss and
    the task's metric per split, the training loss as the mean of its epoch's points)."""
    if run is None:
        return Table([])
    from engine.runs.catalog import read_history  # torch-free

    rows = read_history(Path(run.folder)) if run.folder else []
    if rows:
        header = list(dict.fromkeys(key for row in rows for key in row))
        return Table(header, [[row.get(key, "") for key in header] for row in rows],
                     f"{run.label}: metrics per epoch ({Path(run.folder).name}/metrics.csv)")
    metric = run.spec.selection_metric
    columns: dict[str, dict[int, list[float]]] = {}
    for plot, split, _step, epoch, value in run.curve_points:
        name = f"{split}_{'loss' if plot == 'loss' else metric}"
        columns.setdefault(name, {}).setdefault(max(1, int(-(-epoch // 1))), []).append(float(value))
    epochs = sorted({e for values in columns.values() for e in values})
    header = ["epoch", *columns]
    body = [[e, *[(sum(v[e]) / len(v[e])) if e in v else "" for v in columns.values()]] for e in epochs]
    return Table(header, body, f"{run.label}: metrics per epoch (as plotted)")
