"""What the window costs training: the same run headless and in the window with its live views on.

Prints one JSON line:
  throughput_ratio   window samples/s / headless samples/s, same RunConfig (the Trainer's samples_per_s;
                     headless runs in a child process, `python bench/gui_overhead.py --headless CONFIG`,
                     so neither run inherits the other's threads, caches or memory)
  lateness_ms        p50 / p99 / max of (actual interval - 10 ms) of a 10 ms QTimer in the GUI thread,
                     from Train until runFinished, while the Training and Inside tabs take turns on screen
  first_paint_s      `python main.py` (offscreen) from Popen to its "first paint after" line (median of 3)
  rss_growth_mb      resident memory at the end of a 20-epoch run with live views minus after its first epoch
and context: both rates, each run's figures, the GUI thread's CPU time per wall second during the window
run (gui_thread_cpu_fraction: what the views cost, less sensitive to other load than the rates), the
cores other processes kept busy during each run (other_processes_cores: above ~0.2 on a 2-core machine
the rates are not comparable), the config, the device, the torch threads and the load average.

Usage: QT_QPA_PLATFORM=offscreen python bench/gui_overhead.py [--data SPEC] [--epochs N] [--repeat N] [--load N]
(--load 1: a background process keeps one core busy throughout, as another program beside the window would)
Targets (the issue): ratio >= 0.90, lateness p99 <= 20 ms and max <= 100 ms, first paint <= 3 s, RSS <= 100 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USPS = ROOT.parent / "shared" / "data" / "usps"
PROBE_MS = 10
TAB_SWITCH_MS = 2000


def headless_child(config_json: str) -> None:
    """Child mode: train the config with no window and print the Trainer's result as JSON."""
    import torch

    from engine.config import RunConfig
    from engine.training import Trainer

    result = Trainer(RunConfig.from_dict(json.loads(config_json))).run()
    print(json.dumps({"samples_per_s": result["samples_per_s"], "device": result["device"],
                      "threads": torch.get_num_threads(), "reason": result["reason"]}))


def run_headless(config: dict) -> dict:
    others = OtherLoad(children=True)
    out = subprocess.run([sys.executable, __file__, "--headless", json.dumps(config)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "other_cores": others.cores()}


class OtherLoad:
    """CPU cores that other processes kept busy since creation: with 2 cores and torch's spinning OpenMP
    threads, another busy process can cut a run's rate tenfold, so each rate comes with this figure."""

    def __init__(self, children: bool = False):
        self.children = children
        self.start = self._sample()

    def _sample(self) -> tuple[float, float, float]:
        with open("/proc/stat") as f:
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
        busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
        if self.children:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            own = usage.ru_utime + usage.ru_stime
        else:
            own = sum(os.times()[:2])
        return busy, own, time.perf_counter()

    def cores(self) -> float | None:
        try:
            busy, own, wall = self._sample()
        except (OSError, ValueError):
            return None
        return round(max(0.0, (busy - self.start[0]) - (own - self.start[1])) / (wall - self.start[2]), 2)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def first_paint_s(runs: int = 3) -> list[float]:
    """Seconds from Popen of `python main.py` to its "first paint after" stderr line, each run."""
    times = []
    with tempfile.TemporaryDirectory() as config_home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RNN_LAB_TIMING": "1",
               "RNN_LAB_QUIT_AFTER_MS": "60000", "XDG_CONFIG_HOME": config_home}
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            seen = None
            for line in proc.stderr:
                if line.startswith("first paint after"):
                    seen = time.perf_counter() - start
                    proc.terminate()  # measured; do not wait for the window to close itself
                    break
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if seen is None:
                raise RuntimeError("main.py never reported its first paint")
            times.append(seen)
    return times


class WindowBench:
    """Drives one MainWindow: load data, press Train, switch tabs, probe GUI-thread lateness."""

    def __init__(self, settings_path: str):
        from PySide6.QtCore import QSettings, Qt, QTimer

        from gui.app import collect_garbage_in_the_gui_thread, create_app
        from gui.main_window import MainWindow

        self.app = create_app([])
        self.window = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
        collect_garbage_in_the_gui_thread(self.app, self.window)  # as gui.app.main does
        self.window.show()
        controller = self.window.controller
        controller.warm_up()
        if not controller.device_description:  # torch imported, as when a user has seen "device: ..."
            self.wait(controller.devicesFound, 120)
        controller.join_warm_up()  # and the rest of the start-up warm-up: the runs measure training
        self.probe = QTimer()
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self._tick)
        self.tab_timer = QTimer()
        self.tab_timer.setInterval(TAB_SWITCH_MS)
        self.tab_timer.timeout.connect(self._switch_tab)
        self.ticks: list[float] = []

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def _switch_tab(self) -> None:
        w = self.window
        w.tabs.setCurrentWidget(w.hidden_view if w.tabs.currentWidget() is w.curves else w.curves)

    def wait(self, signal, timeout_s: float):
        """Run the event loop until `signal` fires; its arguments."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop, got = QEventLoop(), []
        def on_signal(*args):
            got.append(args)
            loop.quit()
        signal.connect(on_signal)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()
        signal.disconnect(on_signal)
        if not got:
            raise TimeoutError(f"no {signal} within {timeout_s} s")
        return got[0]

    def load(self, spec: str) -> None:
        s = self.window.session
        if s.spec != spec:
            s.load(spec)
            self.wait(s.dataLoaded, 300)

    def train(self, config: dict, timeout_s: float = 1800, on_metrics=None) -> dict:
        """One run from the Controller's train(); the Finished event, the lateness list and the Started event."""
        w = self.window
        w.model_panel.set_config(config)
        started = []
        w.session.runStarted.connect(started.append)
        if on_metrics is not None:
            w.session.metrics.connect(on_metrics)
        self.ticks = []
        cpu, wall, others = time.thread_time(), time.perf_counter(), OtherLoad()
        self.probe.start()
        self.tab_timer.start()
        w.controller.train()
        (finished,) = self.wait(w.session.runFinished, timeout_s)
        while w.session.state != "idle":  # the run's end (thread joined) is part of what a user sees
            self.wait(w.session.stateChanged, 30)
        self.probe.stop()
        self.tab_timer.stop()
        gui_cpu = (time.thread_time() - cpu) / (time.perf_counter() - wall)
        w.session.runStarted.disconnect(started.append)
        if on_metrics is not None:
            w.session.metrics.disconnect(on_metrics)
        late = [(b - a) * 1000 - PROBE_MS for a, b in zip(self.ticks, self.ticks[1:])]
        return {"finished": finished, "lateness": late, "started": started[0] if started else None,
                "gui_cpu": gui_cpu, "other_cores": others.cores()}

    def close(self) -> None:
        self.window.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=f"usps:{USPS}" if USPS.exists() else "demo",
                        help="data spec for the throughput run (default: the shared USPS, else demo)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the throughput runs (default 3)")
    parser.add_argument("--repeat", type=int, default=1, help="headless/window pairs, alternated; medians reported")
    parser.add_argument("--rss-data", default="demo", help="data spec of the 20-epoch memory run (default demo)")
    parser.add_argument("--rss-epochs", type=int, default=20)
    parser.add_argument("--skip", default="", help="comma list of parts to skip: paint,rss")
    parser.add_argument("--load", type=int, default=0,
                        help="background processes that each keep one core busy for the whole bench (another "
                        "program a user runs beside the window)")
    parser.add_argument("--headless", metavar="CONFIG_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.headless:
        headless_child(args.headless)
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    skip = set(filter(None, args.skip.split(",")))

    from engine.config import RunConfig

    config = RunConfig(data=args.data, epochs=args.epochs).to_dict()  # a user's defaults but the epochs
    paint = first_paint_s() if "paint" not in skip else []

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    try:
        result = measure(args, config, paint, skip)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    print(json.dumps({**result, "load": args.load}))


def measure(args, config: dict, paint: list, skip: set) -> dict:
    """The throughput pairs, the lateness and the memory run; the JSON line's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = WindowBench(str(Path(tmp) / "settings.ini"))
        bench.load(args.data)
        headless, window, lateness, gui_cpu, window_others, started = [], [], [], [], [], None
        for _ in range(args.repeat):
            headless.append(run_headless(config))
            run = bench.train(config)
            window.append(run["finished"].samples_per_s)
            lateness += run["lateness"]
            gui_cpu.append(run["gui_cpu"])
            window_others.append(run["other_cores"])
            started = run["started"]
        rss = {}
        if "rss" not in skip:
            bench.load(args.rss_data)
            def on_metrics(event):
                if event.split == "val" and event.epoch == 1:
                    rss["first_epoch"] = rss_mb()
            bench.train({**config, "data": args.rss_data, "epochs": args.rss_epochs}, on_metrics=on_metrics)
            rss["end"] = rss_mb()
        bench.close()

    head_rate = statistics.median(h["samples_per_s"] for h in headless)
    win_rate = statistics.median(window)
    return {
        "throughput_ratio": round(win_rate / head_rate, 3),
        "lateness_ms": {"p50": round(percentile(lateness, 50), 2), "p99": round(percentile(lateness, 99), 2),
                        "max": round(max(lateness), 2)},
        "first_paint_s": round(statistics.median(paint), 3) if paint else None,
        "rss_growth_mb": round(rss["end"] - rss["first_epoch"], 1) if rss else None,
        "headless_samples_per_s": round(head_rate, 1),
        "window_samples_per_s": round(win_rate, 1),
        "runs": {"headless": [round(h["samples_per_s"], 1) for h in headless], "window": [round(r, 1) for r in window],
                 "first_paint_s": [round(p, 3) for p in paint], "rss_mb": {k: round(v, 1) for k, v in rss.items()},
                 "probe_ticks": len(lateness), "gui_thread_cpu_fraction": [round(c, 3) for c in gui_cpu],
                 "other_processes_cores": {"headless": [h["other_cores"] for h in headless], "window": window_others}},
        "config": {k: v for k, v in config.items() if k not in ("out", "options")},
        "device": headless[-1]["device"],
        "threads": {"headless": headless[-1]["threads"], "window": _threads(started)},
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def _threads(started) -> int | None:
    """Torch threads of the window's run, read from its Started event's device line "CPU (N threads)"."""
    import re

    found = re.search(r"\((\d+) threads?\)", started.device) if started is not None else None
    return int(found.group(1)) if found else None


if __name__ == "__main__":
    main()
