"""The run library in the window: the Runs browser (gui/views/runs_browser.py) filled from the runs folder and
kept current, and what its buttons do: open a run (gui/run_reader.py), resume or extend it, compare several
(gui/runs_compare.py), rename, tag, delete to the trash with Undo (gui/run_edits.py), choose the runs folder.

The folder is read off the GUI thread (gui/run_scan.py, one scan at a time, run.json read again only where it
changed): when the folder's entries change (QFileSystemWatcher) and every REFRESH_MS while the browser is shown,
so runs that start, progress and end elsewhere appear without a click. The runs folder is a setting
("runs/folder"); the session trains into it (Session.runs_dir).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog

from engine.errors import UserError
from engine.runs import catalog
from engine.runs import folder as runs
from gui import run_edits
from gui.jobs import Jobs
from gui.run_reader import RunReader
from gui.run_scan import scan
from gui.views.runs_browser import RESUMABLE, RunsBrowser

REFRESH_MS = 3000
SETTING = "runs/folder"


class RunLibrary(QObject):
    def __init__(self, session, runs_book, presenter, dialogs, settings, train_action, show_task, parent=None):
        super().__init__(parent)
        self.session, self.runs, self.dialogs, self.settings = session, runs_book, dialogs, settings
        self.train_action = train_action  # disabled while anything trains (a training, a comparison of cells)
        self.browser = RunsBrowser()
        self.reader = RunReader(session, runs_book, presenter, dialogs, show_task, self)
        self.jobs = Jobs(self, dialogs.error)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._soon)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self._soon_timer = QTimer(self)  # a burst of changes (a run writing its files) gives one scan
        self._soon_timer.setSingleShot(True)
        self._soon_timer.setInterval(300)
        self._soon_timer.timeout.connect(self.refresh)
        self._cache: dict = {}
        self._scanning = self._again = False
        self.scans = 0  # finished scans (tests wait for them)
        self.undo: list[tuple[Path, Path]] = []  # (in the trash, where it was) of the last delete
        self.comparison = None  # gui.runs_compare.RunsCompareDialog, made on first use
        self._connect()
        saved = str(settings.value(SETTING, "") or "")
        self.set_folder(Path(saved) if saved else session.runs_dir, remember=False)
        self.timer.start()

    def _connect(self) -> None:
        b = self.browser
        b.openRequested.connect(self.open)
        b.resumeRequested.connect(self.ask_resume)
        b.compareRequested.connect(self.compare)
        b.renameRequested.connect(self.ask_rename)
        b.tagsRequested.connect(self.ask_tags)
        b.deleteRequested.connect(self.delete)
        b.undoRequested.connect(self.undo_delete)
        b.folderRequested.connect(self.ask_folder)
        b.shown.connect(self.refresh)
        b.set_undo("")
        for signal in (self.session.runStarted, self.session.runFinished):  # the window's own run, at once
            signal.connect(self._soon)

    # ---- the runs folder ----
    @property
    def home(self) -> Path:
        return Path(self.session.runs_dir)

    def set_folder(self, path: Path, remember: bool = True) -> None:
        """Keep runs in `path` from now on (the next training's folder goes there) and list its runs."""
        path = Path(path).expanduser()
        self.session.runs_dir = path
        if remember:
            self.settings.setValue(SETTING, str(path))
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        if path.is_dir():
            self.watcher.addPath(str(path))
        self.browser.set_folder(str(path))
        self._cache = {}
        self.browser.set_rows([])
        self.undo = []
        self.browser.set_undo("")
        self.refresh()

    def ask_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self.browser, "Runs folder", str(self.home))
        if chosen:
            self.set_folder(Path(chosen))

    # ---- reading it ----
    @Slot()
    def _soon(self, *_args) -> None:
        self._soon_timer.start()

    @Slot()
    def _tick(self) -> None:
        if self.browser.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the runs folder again, off the GUI thread (once more after the scan running now, if one is)."""
        if self._scanning:
            self._again = True
            return
        self._scanning, self._again = True, False
        home, cache = self.home, dict(self._cache)
        self.jobs.start(lambda _cancel: (home, *scan(home, cache)), self._scanned, "Cannot read the runs folder",
                        after=self._scan_done)

    def _scan_done(self) -> None:
        self._scanning = False
        if self._again:
            self.refresh()

    def _scanned(self, result) -> None:
        home, rows, cache = result
        if home != self.home:
            return  # another folder was chosen meanwhile
        if not self.watcher.directories() and home.is_dir():
            self.watcher.addPath(str(home))  # made by the first run trained into it
        self._cache = cache
        self.browser.set_rows(rows)
        self.scans += 1

    # ---- acting on runs ----
    def open(self, path: str) -> None:
        self.reader.open(path)

    def ask_resume(self, path: str) -> None:
        row = self.browser.model.row_of(path) or {}
        if row.get("status") != "finished":
            self.resume(path)
            return
        done = int(row.get("epochs_done") or 0)
        epochs, ok = QInputDialog.getInt(self.browser, "Extend the run", f"{row.get('name_text')} has finished its "
                                         f"{done} epochs. Train it on to epoch:", done + max(done, 1), done + 1,
                                         100000)
        if ok:
            self.resume(path, epochs)

    def resume(self, path: str, epochs: int | None = None) -> bool:
        """Train the run of `path` on from its resume point (to `epochs`, else its planned ones); False with a
        message when it cannot."""
        try:
            config = self._resume_config(Path(path), epochs)
        except UserError as error:
            self.dialogs.error("Cannot resume this run", error.message, error.hint)
            return False
        self.reader.open(path, then=lambda _run: self.session.start_resume(config))
        return True

    def _resume_config(self, folder: Path, epochs: int | None) -> dict:
        if self.session.running or not self.train_action.isEnabled():
            raise UserError("The window is training already (one training at a time).",
                            "Resume this run when that training has ended, or stop it.")
        record = runs.read_record(folder) or {}
        status, done = record.get("status", ""), int(record.get("epochs_done") or 0)
        if status == "running":
            raise UserError(f"{folder.name} is being trained ({record.get('pid')} on {record.get('host')}).",
                            "Open it to watch it; a run has one writer.")
        if not (folder / runs.LAST).is_file() and done > 0:
            raise UserError(f"{folder.name} has no resume point ({runs.LAST}).", "Train it again as a new run.")
        config = catalog.read_config(folder)
        if not config:
            raise UserError(f"{folder.name} has no settings ({runs.CONFIG}).", "Train it again as a new run.")
        config = {**config, "out": str(folder), "epochs": int(epochs or config.get("epochs") or 0)}
        if status == "finished" and config["epochs"] <= done:
            raise UserError(f"{folder.name} has finished all its {done} epochs.",
                            f"Extend it to more than {done} epochs.")
        if status not in (*RESUMABLE, "finished"):
            raise UserError(f"{folder.name} cannot be resumed (its status: {status or 'unknown'}).", "")
        self._check_data(config)
        return config

    def _check_data(self, config: dict) -> None:
        """The run trains on its own data: the loaded data when it is that, else the engine reads the run's data
        spec, which must name data found on this machine."""
        spec = str(config.get("data") or "")
        if spec == self.session.spec:
            return
        from engine.data.base import DataSpec

        try:
            place = DataSpec.parse(spec).path
        except Exception:  # noqa: BLE001 (an unreadable spec is said below by the engine itself)
            return
        is_path = any(sep in place for sep in "/\\")  # shapes:24, moving:500 name no path
        if is_path and "," not in place and not Path(place).expanduser().exists():
            loaded = f" (the window has {self.session.spec} loaded)" if self.session.spec else ""
            raise UserError(f"This run was trained on {spec}, which is not on this machine{loaded}.",
                            "Resume it where its data is, or put the data at that path.")
        if self.session.spec:
            self.dialogs.status(f"Resuming on the run's own data, {spec}: the loaded {self.session.spec} is other "
                                "data.", 10000)

    def ask_rename(self, path: str) -> None:
        row = self.browser.model.row_of(path) or {}
        name, ok = QInputDialog.getText(self.browser, "Rename the run", "Name:", text=row.get("name", ""))
        if ok:
            self.edit(path, "rename", name)

    def ask_tags(self, path: str) -> None:
        row = self.browser.model.row_of(path) or {}
        text, ok = QInputDialog.getText(self.browser, "Tag the run", "Tags (comma-separated):",
                                        text=", ".join(row.get("tags") or []))
        if ok:
            self.edit(path, "tags", text)

    def edit(self, path: str, what: str, text: str) -> bool:
        """Rename ("rename") or tag ("tags") the run of `path`; False with a message when refused."""
        try:
            (run_edits.rename if what == "rename" else run_edits.set_tags)(Path(path), text)
        except UserError as error:
            self.dialogs.error("Cannot change this run", error.message, error.hint)
            return False
        self.refresh()
        return True

    def delete(self, paths: list[str]) -> list[str]:
        """Move the runs of `paths` to the trash (Undo brings them back); the paths moved."""
        moved, refused = [], []
        for path in paths:
            try:
                moved.append((run_edits.trash(self.home, Path(path)), Path(path)))
                self.reader.forget(path)
            except UserError as error:
                refused.append(error.message)
        if moved:
            self.undo = moved
            names = ", ".join(original.name for _, original in moved)
            self.browser.set_undo(f"Bring back {names}")
            self.browser.say(f"Deleted {len(moved)} run(s) to {self.home / run_edits.TRASH}.")
        if refused:
            self.dialogs.error("Some runs were not deleted", "\n".join(refused), "Stop a run before deleting it.")
        self.refresh()
        return [str(original) for _, original in moved]

    def undo_delete(self) -> None:
        problems = []
        for moved, original in self.undo:
            try:
                run_edits.restore(moved, original)
            except UserError as error:
                problems.append(error.message)
        self.undo = []
        self.browser.set_undo("")
        self.browser.say("Brought the deleted runs back." if not problems else "")
        if problems:
            self.dialogs.error("Some runs could not be brought back", "\n".join(problems))
        self.refresh()

    def compare(self, paths: list[str]) -> None:
        from gui.runs_compare import RunsCompareDialog, comparison

        if self.comparison is None:
            self.comparison = RunsCompareDialog(self.dialogs, self.browser.window())
        dialog = self.comparison
        dialog.data = None
        self.jobs.start(lambda _cancel: comparison(paths), dialog.show_comparison, "Cannot compare these runs")
        if dialog.isVisible():  # behind the window: to the front
            dialog.raise_()
        dialog.show()

    def shutdown(self, timeout_ms: int = 0) -> bool:
        self.timer.stop()
        reader = self.reader.shutdown(timeout_ms)
        return self.jobs.shutdown(timeout_ms) and reader
