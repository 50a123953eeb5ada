"""Task "parity", the sixth task: a handwritten digit read row by row by a GRU (or any plain cell) says
whether it is even or odd. It lives outside the engine on purpose: tests/engine/test_sixth_task.py and
tests/gui/test_sixth_task_window.py copy this package into a temporary folder and register it with one line,
proving that a task needs nothing but its own package.

This module is torch-free, like every task's spec: the window reads it at start-up. The model, read
orders, options and pictures are the classify task's, reused by import; only the labels are new.
"""
from __future__ import annotations

from engine.tasks.classify import SPEC as CLASSIFY
from engine.tasks.classify import parameter_count
from engine.tasks.spec import TaskGuide, TaskSpec

SPEC = TaskSpec(
    name="parity", title="Digit parity",
    description="Read a handwritten digit row by row and say whether it is even or odd.",
    data_kinds=("demo", "mnist", "usps"),  # digit data only: a folder's classes need not be digits
    demo_data="demo",
    needs="Digit parity needs handwritten digits: press Demo, or open MNIST / USPS files.",
    # the module paths follow wherever this package is imported from (its name is the test's choice)
    task_module=f"{__name__}.task", predictor=f"{__name__}.predictor:ParityPredictor",
    window_data=f"{__name__}.window",
    options=CLASSIFY.options,  # the classify model reads them (gate_init), so they are this task's too
    # a small one-way GRU: two classes of 16-row digits need little memory, and trains in seconds
    defaults={"cell": "gru", "hidden": 32, "layers": 1, "bidirectional": False, "epochs": 5, "augment": False},
    settings=CLASSIFY.settings,
    metric_labels={"accuracy": "accuracy"},
    result_view="gallery", live_view="draw",
    snapshots=CLASSIFY.snapshots,
    capabilities=CLASSIFY.capabilities,
    checkpoint_info=CLASSIFY.checkpoint_info,
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for handwritten digits, or open MNIST or USPS files (File ▸ Open…).",
        press="Press Train (F5): a small one-way GRU reads each digit row by row and answers even or odd.",
        watch="Training: the accuracy of even / odd. Results: the digits it calls even or odd wrongly, and the "
              "two-class confusion matrix."),
)
