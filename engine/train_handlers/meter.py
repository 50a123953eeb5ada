"""The running sums of one training epoch: since the last log point, and over the whole epoch."""
from __future__ import annotations

import torch


class TrainMeter:
    """Losses and the task's batch statistics, summed on the device between log points (no wait for the
    device at every step: the sums are read, and checked, only at a log point)."""

    def __init__(self, device: torch.device):
        self.device = device
        self._start_point()
        self.loss = 0.0  # sum of the log points' mean losses x their sample counts
        self.count = 0
        self.all_sums: dict = {}

    def _start_point(self) -> None:
        self.loss_sum = torch.zeros((), device=self.device)
        self.seen = 0
        self.sums: dict = {}

    def add(self, loss: torch.Tensor, samples: int, batch_stats: dict) -> None:
        self.loss_sum += loss.detach() * samples
        self.seen += samples
        for key, value in batch_stats.items():
            self.sums[key] = self.sums.get(key, 0) + value

    def point_loss(self) -> float:
        """The mean loss since the last log point (may be NaN: the divergence guard looks at it)."""
        return float(self.loss_sum) / self.seen

    def end_point(self, task, mean_loss: float, lr: float) -> dict:
        """The train Metrics values of this log point; its sums join the epoch's, and a new point begins."""
        metrics = {"loss": mean_loss, **task.train_metrics(self.sums, self.seen), "lr": lr}
        self.loss += mean_loss * self.seen
        self.count += self.seen
        for key, value in self.sums.items():
            self.all_sums[key] = self.all_sums.get(key, 0) + float(value)
        self._start_point()
        return metrics

    def epoch_row(self, task, epoch: int, lr: float) -> dict:
        """The epoch's metrics.csv row, before grad_ratio and validation join it ("seconds" set later)."""
        return {"epoch": epoch, "seconds": 0.0, "lr": lr, "train_loss": self.loss / max(self.count, 1),
                **{f"train_{k}": v for k, v in task.train_metrics(self.all_sums, self.count).items()}}
