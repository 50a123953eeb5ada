"""Task "classify": an image read as a sequence (rows, columns or pixels) by an RNN / LSTM / GRU names its
class. SPEC is torch-free; task.py holds the Task, predictor.py the Predictor of a checkpoint."""
from __future__ import annotations

from engine.tasks.spec import COMMON_SETTINGS, OptionSpec, TaskGuide, TaskSpec


def parameter_count(config, image_shape, classes):
    from engine.models.sizes import classifier_parameters

    return classifier_parameters(image_shape, classes, config.cell, config.hidden, config.layers,
                                 config.bidirectional, config.read)


SPEC = TaskSpec(
    name="classify", title="Classify images",
    description="Read an image row by row and name its class (digits, or any class folders).",
    data_kinds=("demo", "mnist", "usps", "folder"), demo_data="demo",
    needs="Classify needs labelled images: press Demo, open MNIST / USPS files, or a folder with one "
          "sub-folder of images per class.",
    task_module="engine.tasks.classify.task", predictor="engine.tasks.classify.predictor:Predictor",
    window_data="engine.tasks.classify.window",
    options=(OptionSpec("gate_init", "default", str, "default, or chrono: LSTM / GRU gates start open, for long "
                        "sequences such as 784 pixels (Tallec & Ollivier 2018)", choices=("default", "chrono")),),
    settings=COMMON_SETTINGS + ("read", "bidirectional", "dropout"),
    metric_labels={"accuracy": "accuracy"},
    result_view="gallery", live_view="draw",
    snapshots=("hidden", "grad_norms", "prediction", "trajectories"),
    capabilities=frozenset({"classify_image", "inspect", "trajectories", "evaluate", "inside", "onnx"}),
    checkpoint_info=("image_shape", "classes", "class_names", "read", "mean", "std"),
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for 1,797 handwritten digits (no files needed), or open MNIST or USPS files (File ▸ "
             "Open…) or a folder with one sub-folder of images per class (File ▸ Open folder…).",
        press="Pick a cell (RNN, LSTM or GRU) and press Train (F5); Space pauses, Esc stops and keeps the best "
              "model so far. Train ▸ Compare cells… (Ctrl+K) trains all three on the same data.",
        watch="Training: the loss falling and the accuracy rising. Inside: the hidden units change row by row as "
              "the image is read, and how much of the gradient reaches each row. Results: the test images it got "
              "wrong and the confusion matrix. Live: draw a digit and watch the class probabilities."),
)
