"""Screenshots of the segment and predict Results pages after a short real training in the window.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/task_screenshots.py /tmp/shots/wire

Picks the task in the model panel, presses Demo (shapes / moving digits), sets a short run, presses Train,
and when it has finished saves PREFIX_segment_training.png and PREFIX_segment_results.png (the worst test
image shown) and PREFIX_segment_overlay.png; for predict PREFIX_predict_results.png (the live probe at the
third predicted frame), then rolls out 30 frames and saves PREFIX_predict_rollout.png. Options: --tasks,
--epochs N, --threads N, --timeout S.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = {  # short, real runs on the demos (a few minutes on two busy CPU cores)
    "segment": {"hidden": 32, "layers": 1, "epochs": 15, "batch": 8, "options": {"side": 96, "width": 16}},
    "predict": {"hidden": 32, "layers": 1, "epochs": 6, "batch": 16, "options": {"context": 10, "horizon": 10}},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix")
    parser.add_argument("--tasks", default="segment,predict")
    parser.add_argument("--epochs", type=int, default=0, help="epochs (0: the RUNS table's)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from shot_window import ShotWindow

    shots = ShotWindow(args.timeout)
    window, wait, wait_for = shots.window, shots.wait, shots.wait_for

    def shot(name: str) -> None:
        wait(400)
        path = Path(f"{args.prefix}_{name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(path), "PNG")
        print(f"saved {path}", file=sys.stderr, flush=True)

    try:
        window.show()
        for task in args.tasks.split(","):
            loaded, finished = [], []
            window.model_panel.set_task(task)
            def on_loaded(*a, loaded=loaded):
                loaded.append(a)

            window.session.dataLoaded.connect(on_loaded)
            window.session.runFinished.connect(finished.append)
            window.data_panel.demoRequested.emit()
            wait_for("the demo data", lambda loaded=loaded, task=task: loaded and window.session.data.task == task)
            panel = window.model_panel
            run = dict(RUNS[task], threads=args.threads, **({"epochs": args.epochs} if args.epochs else {}))
            panel.set_config({**panel.config(), **run})
            started = time.monotonic()
            window.actions_by_name["train"].trigger()
            wait_for("the end of training", lambda finished=finished: finished and window.session.state == "idle")
            print(f"{task}: trained in {time.monotonic() - started:.0f} s: {window.progress_label.text()}",
                  file=sys.stderr, flush=True)
            shot(f"{task}_training")
            window.tabs.setCurrentWidget(window.results)
            if task == "segment":
                shot("segment_results")
                window.segment_page.view.overlay_button.setChecked(True)
                shot("segment_overlay")
            else:
                pages = window.frames_page
                pages.player.set_step(RUNS["predict"]["options"]["context"] + 2)  # t+3: still sharp after a short run
                shot("predict_results")
                shown = []
                pages.rolloutShown.connect(shown.append)
                pages.player.length_spin.setValue(30)
                pages.player.rollout_button.click()
                wait_for("the rollout", lambda shown=shown: shown)
                pages.player.set_step(pages.player.step_count() - 1)
                shot("predict_rollout")
            window.session.dataLoaded.disconnect(on_loaded)
            window.session.runFinished.disconnect(finished.append)
        return 0
    except TimeoutError as error:
        print(f"task_screenshots: {error}", file=sys.stderr)
        return 1
    finally:
        shots.close()


if __name__ == "__main__":
    sys.exit(main())
