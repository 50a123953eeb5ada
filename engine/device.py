"""Choosing where training runs: CUDA, then Apple MPS, then the CPU, and saying why."""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from engine.errors import ConfigError
from engine.resources import cap_threads


@dataclass(frozen=True)
class DevicePolicy:
    device: torch.device
    amp: bool  # autocast to float16 (CUDA only)
    pin_memory: bool  # pinned host memory + non_blocking copies (CUDA only)
    description: str  # one line for the status bar / CLI


def available() -> list[str]:
    """Device names a user can pick: "auto", "cpu", each "cuda:N", and "mps" when present."""
    names = ["auto", "cpu"]
    if torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if _mps_available():
        names.append("mps")
    return names


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def why_no_gpu() -> str:
    """The reason training falls back to the CPU, in words a user can act on ("" when a GPU is usable)."""
    if torch.cuda.is_available() or _mps_available():
        return ""
    if torch.version.cuda is None:
        return f"this torch {torch.__version__} was built without CUDA (a CPU-only wheel)"
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1"):
        return f"CUDA_VISIBLE_DEVICES={visible!r} hides every GPU"
    return f"torch has CUDA {torch.version.cuda} but sees no CUDA device (no GPU, or no driver)"


def default_threads() -> int:
    """One core fewer than the machine has: the window (or the OS) keeps one.

    On a 2-core machine torch with 2 threads next to any other busy thread ran 5-50x slower than with
    one (its threads wait for each other at every operation), so the spare core is worth more than
    the extra thread.
    """
    return max(1, (os.cpu_count() or 1) - 1)


def set_threads(threads: int = 0) -> int:
    """Set torch's CPU threads and return how many it uses: 0 means automatic, default_threads(); more
    than the machine's cores are capped at the cores (100,000 threads would each reserve a stack: the run
    would die before it started; more threads than cores only wait on each other)."""
    threads = int(threads)
    if threads < 0:
        raise ConfigError(f"{threads} CPU threads is not a thread count.",
                          "Give --threads 0 (automatic: one core fewer than the machine has) or 1 and up.")
    used = cap_threads(threads or default_threads())
    torch.set_num_threads(used)
    return used


AMP_ENV = "RNN_VISION_LAB_AMP"  # "0": train on CUDA in float32, without autocast


def resolve(name: str = "auto", threads: int | None = None) -> DevicePolicy:
    """The device `name` stands for. `threads` sets torch's CPU threads first (set_threads: 0 = automatic,
    capped at the cores; the description says when the cap applied); None leaves them as they are."""
    name = (name or "auto").strip().lower()
    capped = ""
    if threads is not None:
        used = set_threads(threads)
        if threads and used < threads:
            capped = f"; asked for {threads:,}, capped at the {used} core{'s' if used != 1 else ''}"
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda:0"
        elif _mps_available():
            name = "mps"
        else:
            name = "cpu"
    if name == "cpu":
        reason = why_no_gpu()
        threads = torch.get_num_threads()
        text = f"CPU ({threads} thread{'s' if threads != 1 else ''}{capped}), torch {torch.__version__}"
        return DevicePolicy(torch.device("cpu"), False, False, text + (f" — no GPU: {reason}" if reason else ""))
    if name == "mps":
        if not _mps_available():
            raise ConfigError("Apple MPS was asked for but is not available here.", "Use --device cpu or auto.")
        return DevicePolicy(torch.device("mps"), False, False, f"Apple MPS, torch {torch.__version__}")
    if name == "cuda" or name.startswith("cuda:"):
        index = 0 if name == "cuda" else _parse_index(name)
        if not torch.cuda.is_available():
            raise ConfigError(f"{name} was asked for but no CUDA device is usable: {why_no_gpu()}.",
                              "Use --device cpu or auto.")
        count = torch.cuda.device_count()
        if index >= count:
            raise ConfigError(f"{name} does not exist: this machine has {count} CUDA device(s), "
                              f"cuda:0 to cuda:{count - 1}.",
                              "Pick one of those, or auto.")
        props = torch.cuda.get_device_properties(index)
        cudnn = torch.backends.cudnn.version()
        text = (f"CUDA {index}: {props.name} ({props.total_memory / 2**30:.0f} GiB), torch {torch.__version__}, "
                f"CUDA {torch.version.cuda}, cuDNN {cudnn}")
        amp = os.environ.get(AMP_ENV, "1") != "0"  # mixed precision unless switched off (bench/gpu.py compares)
        return DevicePolicy(torch.device(f"cuda:{index}"), amp, True, text + ("" if amp else ", AMP off"))
    raise ConfigError(f"Unknown device {name!r}.", "Use auto, cpu, cuda, cuda:N or mps.")


def _parse_index(name: str) -> int:
    try:
        return int(name.split(":", 1)[1])
    except ValueError:
        raise ConfigError(f"Bad device {name!r}.", "Write cuda:N with N a number, e.g. cuda:0.") from None


def describe(name: str = "auto") -> str:
    try:
        return resolve(name).description
    except ConfigError as error:
        return error.message
