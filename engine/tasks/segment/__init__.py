"""Task "segment": a class for every pixel from a ReSeg-style recurrent segmenter. SPEC is torch-free;
task.py holds the Task (metrics.py its figures), predictor.py the SegmentPredictor of a checkpoint."""
from __future__ import annotations

from engine.tasks.spec import COMMON_SETTINGS, SWEEP_STEPS, OptionSpec, TaskGuide, TaskSpec

OPTIONS = (
    OptionSpec("side", 112, int, "longer side of the training images in pixels (smaller data keeps its own size)",
               low=16, high=1024),
    OptionSpec("width", 16, int, "channels of the convolutional encoder's first stage", low=1, high=128),
    OptionSpec("patch", 1, int, "ReNet patch size on the 1/4-resolution features", low=1, high=8),
    OptionSpec("dice", 0.5, float, "weight of the soft-Dice term next to cross-entropy", low=0),
    OptionSpec("zoom", 1.3, float, "augmentation: largest random zoom (1 = none)", low=1.0, high=3.0),
    OptionSpec("vflip", False, bool, "augmentation: also flip up-down"),
)


def parameter_count(config, image_shape, classes):
    """Fully convolutional; the head has one output per class, so no count before the data says how many."""
    from engine.models.sizes import segmenter_parameters

    if classes < 2:
        return None
    options = config.options
    return segmenter_parameters(classes, config.cell, config.hidden, config.layers, config.bidirectional,
                                int(SPEC.option_value(options, "width")), int(SPEC.option_value(options, "patch")))


SPEC = TaskSpec(
    name="segment", title="Segmentation",
    description="A class for every pixel: a ReSeg-style segmenter (convolutions, ReNet sweeps, "
                "upsampling); overlays of the worst test images first.",
    data_kinds=("weizmann", "pairs", "shapes"), demo_data="shapes", primary_kinds=("shapes",),
    needs="Segmentation needs images with masks: press Demo (shapes), open a Weizmann Horse folder "
          "(rgb/ + figure_ground/) or image+mask pairs (pairs:IMGDIR,MASKDIR).",
    task_module="engine.tasks.segment.task", predictor="engine.tasks.segment.predictor:SegmentPredictor",
    window_data="engine.tasks.segment.window",
    options=OPTIONS,
    defaults=dict(hidden=32, layers=2, bidirectional=True, epochs=40, batch=8, lr=3e-3, schedule="cosine",
                  clip=1.0, val_fraction=0.1, augment=True),
    settings=COMMON_SETTINGS + ("bidirectional", "dropout"),
    selection_metric="miou",
    metric_labels={"miou": "mean IoU over classes", "pixel_accuracy": "pixel accuracy",
                   "fg_iou": "foreground IoU", "dice": "Dice"},
    steps=SWEEP_STEPS, result_view="masks",
    snapshots=("mask", "mask_scores", "sweeps", "grad_norms"),
    capabilities=frozenset({"masks", "evaluate", "inside", "onnx"}),
    checkpoint_info=("train_size", "classes", "class_names", "colours", "width", "patch", "mean", "std"),
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for generated shapes with exact masks, or open a Weizmann Horse folder (rgb/ + "
             "figure_ground/) or image and mask pairs.",
        press="Press Train (F5); afterwards File ▸ Export masks as PNG… writes every test image's class map and "
              "overlay.",
        watch="Training: the mean IoU over classes of the validation images. Results: the probe image's mask while "
              "it trains, then the test images worst first: image | truth | prediction | errors, and an overlay "
              "with a strength slider and the class colours."),
)
