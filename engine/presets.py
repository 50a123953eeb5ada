"""Named settings for the "why gates matter" lesson, readable without torch (the window lists those that fit the
chosen task: fits()).

A preset is a set of RunConfig values laid over the task's defaults; flags and a --config file still
override it. COMPARE_DEFAULTS are what `main.py compare` starts from before any preset: one layer, one
direction (so gradients have one path back through time), no augmentation, and few enough epochs that
RNN, LSTM and GRU on USPS rows finish together in a few minutes on a laptop CPU.
"""
from __future__ import annotations

from engine.errors import ConfigError

COMPARE_DEFAULTS = dict(hidden=128, layers=1, bidirectional=False, epochs=20, batch=64, lr=2e-3, clip=1.0,
                        schedule="cosine", augment=False, dropout=0.0)

PRESETS = {
    "pixels": {
        "title": "Sequential pixels: 784 steps",
        "description": "Read a 28x28 digit one pixel at a time: 784 steps. A plain RNN's gradient fades "
                       "step by step on the way back, so almost none reaches the first rows of the image; "
                       "LSTM and GRU carry it much further. LSTM and GRU gates start open (chrono initialisation). "
                       "Slow on a CPU: 20-60 s an epoch per cell on 7,200 MNIST digits (2 cores).",
        "data": "mnist:../shared/data/mnist",
        # gate_init=chrono: LSTM / GRU gates start open (engine/models/recurrent.py open_gates); with the
        # default start they sit near 0.5 and over 784 steps every cell's gradient dies at first
        "config": dict(read="pixels", hidden=64, layers=1, bidirectional=False, epochs=12, batch=64, lr=2e-3,
                       clip=1.0, schedule="cosine", augment=False, dropout=0.0, options={"gate_init": "chrono"}),
    },
    "rows": {
        "title": "Rows: a quick comparison",
        "description": "Read each image row by row (16 steps on USPS, 28 on MNIST). Fast; the gradient "
                       "still fades more in the plain RNN, less dramatically than over 784 pixels.",
        "data": "usps:../shared/data/usps",
        "config": dict(COMPARE_DEFAULTS, read="rows"),
    },
}


def names() -> list[str]:
    return list(PRESETS)


def fits(name: str, spec) -> bool:
    """Whether preset `name` applies to the task of `spec` (an engine.tasks.spec.TaskSpec): the task shows every
    setting the preset sets (a read order means nothing to a task that does not read images as sequences) and
    has every option it sets."""
    config = PRESETS[name]["config"]
    settings = set(config) - {"options"}
    options = set(config.get("options", {}))
    return settings <= set(spec.rows) and options <= {option.name for option in spec.options}


def names_for(spec) -> list[str]:
    """The presets that apply to the task of `spec`, in PRESETS' order."""
    return [name for name in PRESETS if fits(name, spec)]


def get(name: str) -> dict:
    """The RunConfig values of preset `name` (a copy)."""
    if name not in PRESETS:
        raise ConfigError(f"Unknown preset {name!r}.", f"Known presets: {', '.join(PRESETS)}.")
    return dict(PRESETS[name]["config"])
