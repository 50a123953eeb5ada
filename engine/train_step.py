"""One optimisation step, the same for the Trainer and for bench/throughput.py's bare loop.

forward (autocast to float16 on CUDA), the task's loss, backward (through the gradient scaler on CUDA),
gradient clipping, the optimiser's (or the scaler's) step and, for a per-step schedule (cosine), the
schedule's step. The batch arrives on the device, already augmented.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch

from engine.optim import make_optimizer, make_scheduler


@dataclass
class Optimisation:
    """Everything a step changes or needs besides the model and the batch."""

    optimizer: torch.optim.Optimizer
    scheduler: object  # engine.optim's schedule: .step() and .per_step
    scaler: torch.amp.GradScaler | None  # mixed precision (CUDA only)
    clip: float  # the gradients' largest norm; 0: no clipping
    device_type: str  # for autocast
    amp: bool

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    def end_epoch(self) -> None:
        """A per-epoch schedule (step) steps here; a per-step one (cosine) already did in train_step."""
        if not self.scheduler.per_step:
            self.scheduler.step()


def make_optimisation(cfg, model: torch.nn.Module, policy, steps_per_epoch: int) -> Optimisation:
    """The optimiser and schedule that `cfg` names for `model`, on the device of `policy` (engine.device)."""
    optimizer = make_optimizer(cfg, model.parameters())
    return Optimisation(optimizer, make_scheduler(cfg, optimizer, steps_per_epoch),
                        torch.amp.GradScaler("cuda") if policy.amp else None, cfg.clip, policy.device.type,
                        policy.amp)


def train_step(model: torch.nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, opt: Optimisation):
    """One step on the batch (x, y); returns (loss, output), both still on the device and attached."""
    with torch.autocast(opt.device_type, enabled=opt.amp):
        output = model(x)
        loss = loss_fn(output, y)
    opt.optimizer.zero_grad(set_to_none=True)
    if opt.scaler:
        opt.scaler.scale(loss).backward()
        opt.scaler.unscale_(opt.optimizer)  # clipping must see the true gradients
    else:
        loss.backward()
    if opt.clip > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), opt.clip)
    if opt.scaler:
        opt.scaler.step(opt.optimizer)
        opt.scaler.update()
    else:
        opt.optimizer.step()
    if opt.scheduler.per_step:
        opt.scheduler.step()
    return loss, output


def seed_everything(seed: int) -> None:
    """Python's, NumPy's and torch's random streams, so a run with the same seed repeats exactly."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
