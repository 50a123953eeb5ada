"""A one-line progress bar on stderr for the command line, fed by the Trainer's events."""
from __future__ import annotations

import sys

from engine.events import Failed, Finished, Metrics, Phase, Progress, Started


def _clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    def __init__(self, stream=None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self.last_val = ""
        self.last_detail = ""

    def __call__(self, event) -> None:
        if isinstance(event, Started):
            self._line(f"device: {event.device}\nmodel: {event.config['cell'].upper()} h{event.config['hidden']}"
                       f" x{event.config['layers']}, {event.parameters:,} parameters; data: {event.train_size} train"
                       f" / {event.val_size} val / {event.test_size} test\n")
        elif isinstance(event, Progress):
            done = (event.epoch - 1 + event.step / event.steps_per_epoch) / event.epochs
            bar = "█" * int(done * self.width) + "░" * (self.width - int(done * self.width))
            text = (f"epoch {event.epoch}/{event.epochs} {bar} step {event.step}/{event.steps_per_epoch} "
                    f"loss {event.loss:.4f} · {event.samples_per_s:,.0f} samples/s · ETA {_clock(event.eta_s)}"
                    f"{self.last_val}")
            if self.tty:
                self._line("\r" + text + "\x1b[K")
            elif event.step == event.steps_per_epoch:
                self._line(text + "\n")
        elif isinstance(event, Phase) and event.name == "testing" and event.total:
            self._testing(event)
        elif isinstance(event, Metrics) and event.split == "val":
            self.last_val = "".join(f" · val {k} {v:.4f}" for k, v in event.values.items())
        elif isinstance(event, Failed):
            self._line(f"\nerror: {event.message}\n" + (f"hint: {event.hint}\n" if event.hint else ""))
        elif isinstance(event, Finished):
            if self.tty:
                self._line("\n")
            figures = ", ".join(f"{k} {v:.4f}" for k, v in event.metrics.items())
            self._line(f"{event.reason} in {_clock(event.seconds)}" + (f": {figures}" if figures else "") + "\n")

    def _testing(self, event: Phase) -> None:
        """The test of the best weights, which can take minutes (the edges benchmark): counted on a terminal,
        one line a part (maps, each benchmark) in a log."""
        what = event.detail or "batches"
        text = f"testing the best weights: {what} {event.done}/{event.total}"
        if self.tty:
            self._line("\r" + text + "\x1b[K")
        elif what != self.last_detail:
            self._line(text + "\n")
        self.last_detail = what

    def _line(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
