"""Screenshots of the window as a user sees it: the demo data, a training run, each tab.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/screenshot.py resources/screenshot.png

Starts the window as `python main.py` does (with throwaway settings), loads the demo data, presses
Train with the model panel's defaults and, a few seconds into the run, saves the whole window to
PATH (default resources/screenshot.png). When the run has finished it saves PATH-training.png,
PATH-inside.png and PATH-results.png (the window with that tab shown) and, after drawing a digit on
the Live tab's canvas with the mouse, PATH-live.png. Then it quits.

Options (for tests and slow machines): --epochs N, --hidden N, --threads N (0: the app's choice),
--after S (seconds into training for the first shot), --timeout S (give up, exit code 1).
The same can come from RNN_LAB_SHOT_EPOCHS / _HIDDEN / _THREADS / _AFTER / _TIMEOUT.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "resources" / "screenshot.png"))
    parser.add_argument("--epochs", type=int, default=int(env("RNN_LAB_SHOT_EPOCHS", 0)),
                        help="epochs to train (0: the model panel's default)")
    parser.add_argument("--hidden", type=int, default=int(env("RNN_LAB_SHOT_HIDDEN", 0)),
                        help="hidden units (0: the default)")
    parser.add_argument("--threads", type=int, default=int(env("RNN_LAB_SHOT_THREADS", 0)),
                        help="CPU threads for training (0: the app's choice)")
    parser.add_argument("--after", type=float, default=float(env("RNN_LAB_SHOT_AFTER", 4.0)),
                        help="seconds into training for the full-window shot")
    parser.add_argument("--timeout", type=float, default=float(env("RNN_LAB_SHOT_TIMEOUT", 600)),
                        help="give up after this many seconds")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from shot_window import ShotWindow, draw_digit, save_shot

    shots = ShotWindow(args.timeout)
    window, wait, wait_for = shots.window, shots.wait, shots.wait_for

    base = Path(args.path)
    base.parent.mkdir(parents=True, exist_ok=True)

    def shot(suffix: str = "") -> Path:
        wait(300)  # let the 10 Hz presenter and the plots repaint
        return save_shot(window, base.with_name(f"{base.stem}{suffix}{base.suffix}") if suffix else base)

    try:
        window.show()
        window.controller.warm_up()
        loaded = []
        window.session.dataLoaded.connect(lambda *a: loaded.append(a))
        window.session.load("demo")
        wait_for("the demo data", lambda: loaded)
        panel = window.model_panel
        if args.epochs:
            panel.epochs.setValue(args.epochs)
        if args.hidden:
            panel.hidden.setValue(args.hidden)
        if args.threads:
            panel.threads.setValue(args.threads)
        wait_for("the device list", lambda: window.controller.device_description)

        finished, progress = [], []
        window.session.runFinished.connect(finished.append)
        window.session.progress.connect(progress.append)
        window.actions_by_name["train"].trigger()
        wait_for("the first progress report", lambda: progress or finished)
        started = time.monotonic()
        wait_for(f"{args.after:g} s of training", lambda: finished or time.monotonic() - started >= args.after)
        shot()  # mid-run (or at the end, when the run was shorter than --after)

        wait_for("the end of training", lambda: finished)
        wait_for("the model", lambda: window.session.predictor is not None and window.session.state == "idle")
        tabs = window.tabs
        for index, suffix in ((0, "-training"), (1, "-inside"), (2, "-results")):
            tabs.setCurrentIndex(index)
            shot(suffix)

        tabs.setCurrentWidget(window.live_tab)
        window.live_tab.show_mode("draw")
        wait(200)
        draw_digit(window.live.canvas)
        wait_for("a prediction", lambda: len(window.live.bars.probabilities()) > 0)
        shot("-live")
        return 0
    except (TimeoutError, OSError) as error:
        print(f"screenshot: {error}", file=sys.stderr)
        return 1
    finally:
        window.close()
        window.controller.join_warm_up()
        shots.close()


if __name__ == "__main__":
    sys.exit(main())
