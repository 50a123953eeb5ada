"""Screenshots of every tab for every task's demo after a short training, at a projector's 1280x720.

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python tools/task_screenshots.py /tmp/shots

For each registered task (engine/tasks/registry.py; or --tasks a,b) it chooses the task in the model panel,
presses Demo data, trains with small settings (--epochs, --hidden, --threads) and, once the run has ended and
its model is loaded, saves OUT/<task>-training.png, OUT/<task>-inside-<page>.png for each page of the Inside
tab, OUT/<task>-results.png and OUT/<task>-live.png: the Live tab given what its mode takes, as a user gives
it (a digit drawn on the canvas; a photo or a clip dropped on the window: a BSDS500 or Weizmann photo from
../shared/data when there, else one drawn here; a clip of the moving-digits demo). The window is --size WxH
(default 1280x720; the X screen should be as large); --settle MS before each shot lets the views repaint.

Exits 1 when a run fails or times out, or a tab's page is blank (nearly all one colour); pages that look
mostly empty are listed as warnings. The pictures are for a person to look at: the tool cannot tell a stale
or cut-off view.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BLANK = 0.995  # share of one colour above which a page is blank: nothing was painted
MOSTLY_EMPTY = 0.97  # above which a page is worth a look (a placeholder line on an empty page)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="folder for the PNGs")
    parser.add_argument("--tasks", default="", help="comma-separated task names (default: every registered task)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--size", default="1280x720", help="window size WxH")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per task before giving up")
    parser.add_argument("--settle", type=int, default=400, help="ms to let the views repaint before each shot")
    args = parser.parse_args(argv)
    try:
        args.width, args.height = (int(n) for n in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size wants WxH, e.g. 1280x720, not {args.size!r}")
    return args


class TaskShots:
    """Drives one window through the tasks; `problems` and `warnings` collect what it found."""

    def __init__(self, shots, out: Path, args):
        self.shots, self.window, self.out, self.args = shots, shots.window, out, args
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.failures: list[str] = []
        self.window.session.runFailed.connect(self.on_run_failed)  # a method: runs in the GUI thread

    def on_run_failed(self, message: str, hint: str) -> None:
        self.failures.append(f"{message} {hint}".strip())

    def run(self, task: str) -> None:
        self.shots.deadline = time.monotonic() + self.args.timeout
        if not self.train(task):
            return
        window = self.window
        window.tabs.setCurrentWidget(window.curves)
        self.shot(task, "training", window.curves)
        inside = window.gates.inside
        window.tabs.setCurrentWidget(window.gates.inside)
        for index in range(inside.count()):
            inside.setCurrentIndex(index)
            self.shot(task, f"inside-{page_name(inside.tabText(index))}", inside.currentWidget())
        window.tabs.setCurrentWidget(window.results)
        self.shot(task, "results", window.results.currentWidget())
        window.tabs.setCurrentWidget(window.live_tab)
        self.try_live(task)
        self.shot(task, "live", window.live_tab)

    def train(self, task: str) -> bool:
        """Demo data of `task`, then a short run to its end with its model loaded. False when it failed."""
        window, panel, session = self.window, self.window.model_panel, self.window.session
        panel.set_task(task)
        window.data_panel.demoRequested.emit()
        self.shots.wait_for(f"the {task} demo data", lambda: session.data is not None and session.data.task == task
                            and session.state == "idle")
        panel.set_config({**panel.config(), "epochs": self.args.epochs, "hidden": self.args.hidden,
                          "threads": self.args.threads})
        finished, failed_before = [], len(self.failures)
        session.runFinished.connect(finished.append)
        started = time.monotonic()
        try:
            window.actions_by_name["train"].trigger()
            self.shots.wait_for(f"the end of the {task} run", lambda: finished or len(self.failures) > failed_before)
            self.shots.wait_for(f"the {task} model", lambda: session.state == "idle" and not session.loading_model())
        finally:
            session.runFinished.disconnect(finished.append)
        reason = finished[0].reason if finished else "failed"
        print(f"{task}: {reason} in {time.monotonic() - started:.0f} s: {window.progress_label.text()}",
              file=sys.stderr, flush=True)
        if reason == "failed" or len(self.failures) > failed_before:
            self.problems.append(f"{task}: the run failed: {'; '.join(self.failures[failed_before:]) or reason}")
            return False
        return True

    def try_live(self, task: str) -> None:
        """Give the Live tab's mode what it takes: a drawing, or a dropped photo or clip."""
        mode, window = self.window.live_tab.mode(), self.window
        if mode == "draw":
            self.try_drawing()
            return
        path = live_input(mode, self.out / "inputs")
        if path is None:
            return
        window.controller.open_dropped(str(path))
        self.shots.wait(500)
        busy = [line for line in window.live_tab.findChildren(QWidget) if type(line).__name__ == "BusyLine"]
        try:
            self.shots.wait_for(f"the {task} Live answer", lambda: not any(b.isVisible() for b in busy))
        except TimeoutError as error:
            self.problems.append(f"{task} live: {error}")
        self.shots.wait(1500)  # a played clip or video moves on a few frames

    def try_drawing(self) -> None:
        """A digit on the Live tab's canvas, where it offers one for a model that classifies drawings."""
        from shot_window import draw_digit

        window = self.window
        canvas = getattr(window.live, "canvas", None)
        predictor = window.session.predictor
        if canvas is None or not canvas.isVisible() or "classify_image" not in getattr(predictor, "capabilities", ()):
            return
        draw_digit(canvas)
        try:
            self.shots.wait_for("a prediction", lambda: len(window.live.bars.probabilities()) > 0)
        except TimeoutError as error:
            self.problems.append(f"live drawing: {error}")

    def shot(self, task: str, name: str, page) -> None:
        from shot_window import plain_share, save_shot

        self.shots.wait(self.args.settle)  # the 10 Hz router and the plots repaint
        save_shot(self.window, self.out / f"{task}-{name}.png")
        share = plain_share(page)
        if share > BLANK:
            self.problems.append(f"{task}-{name}: the page is blank ({share:.1%} one colour)")
        elif share > MOSTLY_EMPTY:
            self.warnings.append(f"{task}-{name}: mostly one colour ({share:.1%}): an empty view?")


SHARED = ROOT.parent / "shared" / "data"


def live_input(mode: str, folder: Path) -> Path | None:
    """A file for a Live mode: a photo for photo edges and masks, a clip for the clip modes; None otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    if mode in ("photo", "masks"):
        found = sorted((SHARED / "bsds500" / "images" / "test").glob("*.jpg"))[:1] if mode == "photo" else \
            sorted((SHARED / "weizmann_horse" / "rgb").glob("*.jpg"))[:1]
        return found[0] if found else drawn_photo(folder / "photo.png")
    if mode in ("rollout", "clip"):
        from engine.data.sequences import load_sequences
        from engine.data.video import write_video

        frames = load_sequences("moving:4?seed=11", 20).train.frames[0, :, 0]  # (T, H, W): digits bouncing
        path = folder / "moving-digits.gif"
        write_video(path, list(frames), 8)
        return path
    return None


def drawn_photo(path: Path) -> Path:
    import cv2
    import numpy as np

    image = np.full((240, 320, 3), 120, np.uint8)
    image[40:130, 30:170] = (230, 190, 40)
    cv2.circle(image, (230, 160), 50, (40, 70, 210), -1)
    cv2.imwrite(str(path), image)
    return path


def page_name(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.replace("&", "").lower()).strip("-")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from engine.tasks import registry  # torch-free
    from shot_window import ShotWindow

    tasks = [t for t in args.tasks.split(",") if t] or registry.names()
    unknown = [t for t in tasks if t not in registry.names()]
    if unknown:
        print(f"task_screenshots: unknown task(s) {', '.join(unknown)}; known: {', '.join(registry.names())}",
              file=sys.stderr)
        return 2
    shots = ShotWindow(args.timeout)
    driver = TaskShots(shots, Path(args.out), args)
    try:
        shots.window.show()
        shots.window.resize(args.width, args.height)
        shots.window.controller.warm_up()  # the device list, as at a real start
        for task in tasks:
            try:
                driver.run(task)
            except TimeoutError as error:
                driver.problems.append(f"{task}: {error}")
    except OSError as error:
        driver.problems.append(str(error))
    finally:
        shots.window.close()
        shots.window.controller.join_warm_up()
        shots.close()
    for line in driver.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in driver.problems:
        print(f"problem: {line}", file=sys.stderr)
    return 1 if driver.problems else 0


if __name__ == "__main__":
    sys.exit(main())
