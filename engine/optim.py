"""Optimisers and learning-rate schedules by name."""
from __future__ import annotations

import torch

from engine.config import RunConfig


def make_optimizer(cfg: RunConfig, parameters):
    params = list(parameters)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay or 0.01)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=0.9, nesterov=True, weight_decay=cfg.weight_decay)
    return torch.optim.RMSprop(params, lr=cfg.lr, weight_decay=cfg.weight_decay)


def warm_up() -> None:
    """Build a throwaway optimiser now: torch imports torch._dynamo (about a second, holding the GIL for
    long stretches) the first time one is built. The window calls this on its start-up thread so that
    its first run does not stall the GUI thread with that import."""
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


class _Schedule:
    """A torch scheduler plus whether it steps after every batch (cosine) or every epoch (step)."""

    def __init__(self, scheduler, per_step: bool):
        self.scheduler, self.per_step = scheduler, per_step

    def step(self) -> None:
        if self.scheduler is not None:
            self.scheduler.step()


def make_scheduler(cfg: RunConfig, optimizer, steps_per_epoch: int) -> _Schedule:
    if cfg.schedule == "cosine":
        total = max(1, cfg.epochs * steps_per_epoch)
        return _Schedule(torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, total, eta_min=cfg.lr * 0.01), True)
    if cfg.schedule == "step":  # divide by 10 at one third and two thirds of the run
        milestones = [max(1, cfg.epochs // 3), max(2, 2 * cfg.epochs // 3)]
        return _Schedule(torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, 0.1), False)
    return _Schedule(None, True)
