"""What a task is, readable without torch: its TaskSpec.

Each task is a package engine/tasks/<name>/ whose __init__.py holds SPEC (this module's TaskSpec) and
imports no torch; its task.py holds the Task (torch) and predictor.py the class that applies a trained
checkpoint. Everything generic (the command line, config checks, checkpoints, the window's data and pages)
reads the spec instead of naming tasks: which data kinds a task reads, its options and their defaults (the
one place an option's default lives), the RunConfig values it starts from, the settings the window shows
for it, the cells it takes, how its metrics are named and which way they are better, and what its
predictor can do (`capabilities`, declared, never probed).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, fields
from collections.abc import Callable

from engine.config import CELLS, PLAIN_CELLS, RunConfig
from engine.tasks.options import read_options

# shown for every task; a spec's `settings` adds the RunConfig fields and options that matter to it
COMMON_SETTINGS = ("cell", "hidden", "layers", "epochs", "batch", "lr", "optimizer", "clip", "schedule",
                   "augment", "patience", "seed", "device", "threads")
COMMON_LABELS = {"loss": "loss", "grad_ratio": "gradient ratio (first step / last step)", "best_epoch": "best epoch"}
SPLIT_WORDS = {"train_": "training", "val_": "validation", "test_": "test"}

# what a predictor can do -> the methods it has for it (a test holds every predictor to its declaration)
CAPABILITIES = {
    "classify_image": ("predict", "predict_files"),  # class probabilities of images of any size
    "inspect": ("inspect",),  # one image's per-step states (the window's Inside tab)
    "trajectories": (),  # hidden-state trajectories of a loaded model (engine.model_dynamics)
    "edge_maps": ("edge_map", "write_planned"),  # <stem>_edges.png / _thin.png of image files
    "live_map": ("live_map",),  # one fast edge map per video frame
    "edge_video": ("write_edge_video",),  # a video of edge maps
    "benchmark": (),  # evaluate takes thresholds= (the BSDS benchmark's)
    "masks": ("mask", "probabilities", "overlay", "write_planned"),  # class maps of image files
    "rollout": ("seed_frames", "rollout", "write_rollout"),  # frames generated from seed frames
    "classify_clip": ("clip_probabilities",),  # class probabilities after each frame of a clip
    "evaluate": ("evaluate",),  # figures on another data spec
    "inside": ("inside",),  # the Inside tab's states of one sample of the window's loaded data
    "onnx": ("export_graph",),  # an ONNX graph of the model, with inputs to verify it on (engine.model_export)
}
# a time step of the 2-D sweeps' gradient curve: one grid row of the top→bottom sweep (engine/gradients.py)
SWEEP_STEPS = "sweep rows"


@dataclass(frozen=True)
class OptionSpec:
    """A task option (RunConfig.options[name], `--option name=VALUE`): its default, type and what it does;
    `choices` or the bounds `low` / `high` (inclusive; for a list, of each item) are checked when read.
    `flag`: the command line also offers it as `--name` (a convenience, e.g. --context)."""

    name: str
    default: object
    type: type
    help: str
    choices: tuple | None = None
    low: float | None = None
    high: float | None = None
    flag: bool = False

    @property
    def hint(self) -> str:
        return f"{self.help} (default {self.default!r})."


@dataclass(frozen=True)
class TaskGuide:
    """A task's page of the window's Help ▸ Getting started, in a few plain sentences each: what to load, what
    to press, what to watch. A new task brings its own page with its spec."""

    load: str
    press: str
    watch: str


@dataclass(frozen=True, eq=False)
class TaskSpec:
    name: str
    title: str
    description: str
    data_kinds: tuple[str, ...]  # data spec kinds it reads
    demo_data: str  # the spec the window's Demo button loads for it
    needs: str  # what to open, said when the loaded data does not fit
    task_module: str  # module holding TASK, the Task object (imports torch)
    predictor: str  # "module:Class" applying a checkpoint of this task
    window_data: str  # torch-free module with read(spec, progress, cancel) -> (data, DataSummary)
    options: tuple[OptionSpec, ...] = ()
    defaults: dict = field(default_factory=dict)  # RunConfig values it starts from (flags override)
    settings: tuple[str, ...] = COMMON_SETTINGS  # RunConfig fields and options the window shows for it
    cells: tuple[str, ...] = PLAIN_CELLS
    cell_kind: str = "a recurrent cell"  # said when a run asks for another
    selection_metric: str = "accuracy"  # picks the best epoch on validation
    lower_metrics: frozenset = frozenset()  # metrics where lower is better (else higher)
    metric_labels: dict = field(default_factory=dict)  # metric key -> what a person calls it
    sample_units: str = "training images"  # what one training sample is
    steps: str = ""  # what one step of the recurrent read is; "" = the config's read order
    result_view: str = "gallery"  # the Results page kind it fills
    live_view: str = ""  # the Live tab's mode for its model ("" = none of its own)
    snapshots: tuple[str, ...] = ()  # Snapshot kinds a run of it emits
    capabilities: frozenset = frozenset()  # what its predictor does (keys of CAPABILITIES)
    checkpoint_info: tuple[str, ...] = ()  # info keys its model and predictor read without a default
    primary_kinds: tuple[str, ...] = ()  # shared kinds it is the first choice for (shapes: segment)
    parameters: Callable | None = None  # (config, (c, h, w), classes) -> int | None, without torch
    guide: TaskGuide | None = None  # its page of Help ▸ Getting started (None: made from description and needs)

    def __post_init__(self):
        check_spec(self)

    @property
    def lower_is_better(self) -> bool:
        return self.selection_metric in self.lower_metrics

    @property
    def rows(self) -> tuple[str, ...]:
        """The settings the window shows for this task (RunConfig fields and option names)."""
        return self.settings

    @property
    def flags(self) -> tuple[OptionSpec, ...]:
        return tuple(option for option in self.options if option.flag)

    def option(self, name: str) -> OptionSpec:
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(f"the {self.name} task has no option {name!r}")

    def default(self, name: str):
        return self.option(name).default

    def option_value(self, options: dict | None, name: str):
        """The given value of an option, else its default, unchecked (a count for settings being typed)."""
        return (options or {}).get(name, self.default(name))

    def read_options(self, given: dict | None) -> dict:
        """Every option with its default; ConfigError for an unknown name or a bad value."""
        return read_options(self.name, self.options, given)

    def is_lower_better(self, metric: str) -> bool:
        return _bare(metric) in self.lower_metrics

    def label(self, metric: str) -> str:
        """What a person calls a metric key: "miou" -> "mean IoU over classes", "val_f1" -> "validation F-measure"."""
        for prefix, word in SPLIT_WORDS.items():
            if metric.startswith(prefix):
                return f"{word} {self.label(metric[len(prefix):])}"
        return {**COMMON_LABELS, **self.metric_labels}.get(metric, metric)

    def steps_are(self, config) -> str:
        """What one time step reads: "frames", or the image read order of `config` (RunConfig or dict)."""
        if self.steps:
            return self.steps
        return config.get("read", RunConfig.read) if isinstance(config, dict) else config.read

    def parameter_count(self, config, image_shape: tuple[int, int, int], classes: int) -> int | None:
        """The model's size for a config and data shape (c, h, w), without torch; None when unknown."""
        return self.parameters(config, image_shape, classes) if self.parameters else None

    def load_task(self):
        return importlib.import_module(self.task_module).TASK

    def predictor_class(self):
        module, _, name = self.predictor.partition(":")
        return getattr(importlib.import_module(module), name)

    def window_reader(self):
        return importlib.import_module(self.window_data)


def _bare(metric: str) -> str:
    for prefix in SPLIT_WORDS:
        if metric.startswith(prefix):
            return metric[len(prefix):]
    return metric


def check_spec(spec: TaskSpec) -> None:
    """A spec that names settings, cells, defaults or capabilities nothing knows is a programming error."""
    config_fields = {f.name for f in fields(RunConfig)}
    options = {option.name for option in spec.options}
    problems = [f"setting {name!r}" for name in spec.settings if name not in config_fields | options]
    problems += [f"default {name!r}" for name in spec.defaults if name not in config_fields]
    problems += [f"cell {cell!r}" for cell in spec.cells if cell not in CELLS]
    problems += [f"capability {name!r}" for name in spec.capabilities if name not in CAPABILITIES]
    problems += [f"primary kind {kind!r}" for kind in spec.primary_kinds if kind not in spec.data_kinds]
    if spec.defaults.get("cell", spec.cells[0]) not in spec.cells:
        problems.append(f"default cell {spec.defaults['cell']!r}")
    if problems:
        raise ValueError(f"The {spec.name} task's spec names unknown things: {', '.join(problems)}.")
