"""Gradients through time: how much of the loss's gradient reaches each time step of a sequence.

For a batch, the norm of dLoss/dh_t for every step t, where h_t is the hidden state of the LAST recurrent
layer's FORWARD direction (for a bidirectional stack the backward direction is left out: its "first" step
is the sequence's last). The gradient is the total one: everything that flows back into h_t, through the
later steps (the recurrence) and directly from whatever reads h_t. The loss is the task's own batch loss
(a mean over the batch); each sample's vector dLoss/dh_t is measured with the L2 norm over hidden units,
and those norms are averaged over the batch.

The fused nn.RNN / nn.LSTM / nn.GRU keep their steps inside one kernel, so the measurement is a separate
pass: a float64 copy of the model runs the same weights step by step (RecurrentStack's stepwise path) in
eval mode, and autograd is asked for the gradient with respect to each step's tensor. float64 because a
plain RNN's gradient over hundreds of steps falls below float32's smallest number (1e-45) and would read 0.
The weights' .grad, the optimiser and the random stream are untouched, so training follows exactly the
same path whether it measures or not.

The same for the other recurrences: a frame predictor's convolutional stack (h_t is the top layer's state
map after frame t, its norm over all channels and positions), and the 2-D sweeps of edges / segment
(sweep_grad_norms: along one sweep direction, from the sweep's end; why there, in its doc). What each curve
measures is said in words by the task (Task.grad_source) and shown in the window's caption.

grad_ratio = (mean norm at the first step) / (mean norm at the last step), averaged over the measurements
of one epoch: near 1 the first steps learn as much as the last ones; 1e-6 means they barely learn at all.
"""
from __future__ import annotations

import copy
import math
import time

import numpy as np
import torch
from torch import nn

from engine.models.stepwise import step_direction


def grad_norms_through_time(model: nn.Module, stack, inputs: torch.Tensor, targets: torch.Tensor,
                            loss_fn, float64: bool = True, forward=None) -> np.ndarray:
    """(T,) float64: mean over the batch of |dLoss/dh_t| for each step t (see the module doc for which h_t).

    forward(model, inputs) (default: model(inputs, return_states=True)[0]) must run `stack` step by step and
    hand each step's h_t to its `kept_steps` (a RecurrentStack, a ConvRecurrentStack); loss_fn(output, targets)
    is the task's loss. A state map's norm is taken over all its channels and positions.
    """
    was_training = model.training
    if float64 and inputs.device.type != "mps":  # mps has no float64
        path = [name for name, module in model.named_modules() if module is stack]
        model = copy.deepcopy(model).double()
        stack = model.get_submodule(path[0])
        inputs = inputs.double()
    model.eval()  # no dropout: the measuring pass draws no random numbers
    stack.kept_steps = []
    try:
        with torch.enable_grad():
            output = forward(model, inputs) if forward is not None else model(inputs, return_states=True)[0]
            loss = loss_fn(output, targets)
            steps = list(stack.kept_steps)
            grads = torch.autograd.grad(loss, steps, allow_unused=True)
    finally:
        stack.kept_steps = None
        model.train(was_training)
    return _mean_norms(grads, len(inputs), inputs.device)


def sweep_grad_norms(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn,
                     float64: bool = True) -> np.ndarray:
    """(h,) float64 along the top→bottom column sweep of the last ReNet layer of `model` (its `renet`), one value
    per grid row: the loss's gradient at the sweep's end (dLoss/dh of the last grid row, top→bottom part), carried
    back up every column through the recurrence alone, |dLoss_end/dh_t| over all columns and units, averaged over
    the batch (SWEEP_SOURCE says it in words).

    Every grid position also feeds the loss directly, so the total gradient at a row would mostly measure that
    row's own pixels; the gradient from the sweep's end is what tells whether the sweep carries a signal far.
    The column sweep is the one the decoder reads, so dLoss/dh of its last row passes through no other
    recurrence. The sweep is stepped again in float64 (engine/models/stepwise.py), as for sequences.
    """
    layer = model.renet.layers[-1]
    seen = {}

    def keep(_module, args, output):
        seen["input"], seen["output"] = args[0], output[0]

    handle = layer.cols.register_forward_hook(keep)
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            loss = loss_fn(model(inputs), targets)
            (grad,) = torch.autograd.grad(loss, seen["output"])
    finally:
        handle.remove()
        model.train(was_training)
    module, sequences, end = copy.deepcopy(layer.cols), seen["input"].detach(), grad[:, -1, :layer.hidden]
    if float64 and sequences.device.type != "mps":
        module, sequences, end = module.double(), sequences.double(), end.double()
    with torch.enable_grad():
        steps = step_direction(module, layer.cell, sequences, 0, 0)["hidden"]
        grads = torch.autograd.grad(steps[-1], steps, grad_outputs=end)
    return _mean_norms(grads, len(inputs), inputs.device)


def _mean_norms(grads, batch: int, device) -> np.ndarray:
    """Each step's gradient (batch-major rows) -> the mean over the batch of each sample's L2 norm."""
    norms = [torch.zeros((), device=device) if g is None else g.reshape(batch, -1).norm(dim=1).mean() for g in grads]
    return torch.stack(norms).detach().cpu().numpy().astype(np.float64)


SWEEP_SOURCE = ("the last ReNet layer's top→bottom column sweep: the loss's gradient at the bottom grid row, carried "
                "back up every column (the other sweep directions are not measured)")
STEP_WORDS = {"rows": "rows top to bottom", "cols": "columns left to right", "pixels": "pixels in reading order",
              "frames": "frames in order"}


def stack_source(layers: int, bidirectional: bool, steps: str) -> str:
    """Which h_t grad_norms_through_time measures in a RecurrentStack, in words for the plot's caption."""
    which = "the recurrent layer" if layers == 1 else f"the last of {layers} recurrent layers"
    if not bidirectional:
        return which
    return (f"{which}, forward direction only (it reads {STEP_WORDS.get(steps, 'the steps first to last')}; "
            "the backward direction is not measured)")


def grad_ratio(norms: np.ndarray) -> float:
    """First step's norm over the last step's: (T,) or (measurements, T) averaged first. nan when undefined."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.size == 0:
        return math.nan
    mean = norms.reshape(-1, norms.shape[-1]).mean(0)
    if not np.isfinite(mean[[0, -1]]).all() or mean[-1] <= 0:
        return math.nan
    return float(mean[0] / mean[-1])


class GradientTracker:
    """When to measure during training, and the per-epoch average of what was measured.

    It measures at the last step of every epoch (so every epoch has a figure) and otherwise at most once
    every `every_s` seconds, and never more often than keeps the measuring within `budget` of the time
    (a 784-step stepwise pass costs far more than a fused training step).
    """

    def __init__(self, every_s: float = 1.0, budget: float = 0.1, samples: int = 32):
        self.every_s, self.budget = every_s, budget
        self.samples = samples  # the first `samples` of a training batch are measured: a float64 pass is dear
        self._next = 0.0
        self._epoch: list[np.ndarray] = []
        self.epoch_means: list[np.ndarray] = []  # one (T,) curve per finished epoch

    def due(self, last_step: bool) -> bool:
        return last_step or time.perf_counter() >= self._next

    def measure(self, measure_fn) -> np.ndarray | None:
        """Run `measure_fn()` (returns (T,) norms or None), time it, keep its result for this epoch."""
        start = time.perf_counter()
        norms = measure_fn()
        cost = time.perf_counter() - start
        self._next = time.perf_counter() + max(self.every_s, cost / self.budget)
        if norms is not None:
            self._epoch.append(np.asarray(norms, np.float64))
        return norms

    def end_epoch(self) -> float:
        """Close the epoch: its mean curve joins epoch_means; returns its grad_ratio (nan if none measured)."""
        if not self._epoch:
            return math.nan
        stacked = np.stack(self._epoch)
        self._epoch = []
        self.epoch_means.append(stacked.mean(0))
        return grad_ratio(stacked)

    @property
    def last_curve(self) -> np.ndarray | None:
        return self.epoch_means[-1] if self.epoch_means else None
