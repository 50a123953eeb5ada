"""Whether training a model fits in memory, judged before its weights exist.

The model is built once on PyTorch's meta device (shapes only, no memory), which gives the exact size of
its parameters and buffers. Training then holds, per weight: the weight, its gradient, the optimiser's
state (Adam / AdamW two running averages, SGD with momentum and RMSprop one), the copy of the best epoch's
weights, and, for a task that measures gradients through time, a float64 copy (twice the size). For an
image read as a sequence (the classify task: `image_shape` and `read` in the data's info) the activations
kept for the backward pass are estimated too, per sample, step, layer and direction: the cell's gate
values and its state, and as much again for their gradients. Other tasks' activations (2-D sweeps,
convolutions) are not estimated here: what cannot be estimated honestly is left out rather than guessed.
"""
from __future__ import annotations

import logging

import torch

from engine import resources
from engine.errors import UserError
from engine.models.sequence_shape import sequence_length
from engine.resources import ResourceError, human_bytes
from engine.tasks.base import Task
from engine.train_guards import MEMORY_ADVICE

log = logging.getLogger(__name__)
GATES = {"rnn": 1, "gru": 3, "lstm": 4}  # values per hidden unit a cell computes at each step
OPTIMISER_COPIES = {"adam": 2, "adamw": 2, "sgd": 1, "rmsprop": 1}


def check_training_fits(task: Task, config, info: dict, device: torch.device, measure_gradients: bool) -> None:
    """ResourceError (with what to change) when the estimate does not fit; nothing when it fits or when the
    model cannot be built on the meta device (then the real build is the only judge)."""
    try:
        with torch.device("meta"):
            model = task.build_model(config, info)
    except UserError:
        raise
    except Exception as error:  # a model that needs real numbers while it is built
        log.debug("no memory estimate: the model cannot be built on the meta device (%s)", error)
        return
    weights = sum(t.numel() * t.element_size() for t in (*model.parameters(), *model.buffers()))
    parameters = sum(p.numel() for p in model.parameters())
    need = training_bytes(weights, config, info, measure_gradients and _measures_gradients(task))
    what = (f"Training this model ({config.cell.upper()}, hidden {config.hidden} x {config.layers} layers: "
            f"{parameters:,} parameters) with batch {config.batch}")
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        if need > free:
            raise ResourceError(f"{what} would need about {human_bytes(need)} of GPU memory; {device} has about "
                                f"{human_bytes(free)} free.", MEMORY_ADVICE)
        need = weights  # what the host still holds: the checkpoint's copy on its way to the file
    resources.check_fits(need, what, MEMORY_ADVICE)


def training_bytes(weight_bytes: int, config, info: dict, float64_copy: bool) -> int:
    copies = 1 + 1 + OPTIMISER_COPIES.get(config.optimizer, 2) + 1  # weights, gradients, optimiser, best epoch
    need = weight_bytes * copies + (2 * weight_bytes if float64_copy else 0)
    return need + activation_bytes(config, info)


def activation_bytes(config, info: dict) -> int:
    """Forward values kept for backward, and their gradients, for an image read as a sequence (else 0)."""
    if "image_shape" not in info or "read" not in info or config.cell not in GATES:
        return 0
    c, h, w = (int(v) for v in info["image_shape"])
    steps, _ = sequence_length(h, w, c, info["read"])
    directions = 2 if config.bidirectional else 1
    per_sample = steps * config.layers * directions * config.hidden * (GATES[config.cell] + 1)
    return 2 * config.batch * per_sample * 4  # float32, values and gradients


def _measures_gradients(task: Task) -> bool:
    return type(task).grad_norms is not Task.grad_norms
