"""Task "edges": per-pixel boundary probability from a ReNet edge detector, scored by the BSDS benchmark
beside Canny and Sobel. SPEC is torch-free; task.py holds the Task (targets.py, benchmark.py its helpers),
predictor.py the EdgePredictor of a checkpoint."""
from __future__ import annotations

from engine.tasks.spec import COMMON_SETTINGS, SWEEP_STEPS, OptionSpec, TaskGuide, TaskSpec

OPTIONS = (
    OptionSpec("target", "", str, "what it learns: human (the annotators' boundaries), canny or sobel (from the "
               "image); default: human when the data has annotations, else canny",
               choices=("human", "canny", "sobel"), flag=True),
    OptionSpec("scale", 0.5, float, "training and prediction resolution relative to the image files",
               low=0.05, high=2.0),
    OptionSpec("width", 16, int, "channels of the convolutional stem", low=1, high=128),
    OptionSpec("canny_low", 0.04, float, "Canny low threshold, fraction of the largest gradient"),
    OptionSpec("canny_high", 0.1, float, "Canny high threshold, fraction of the largest gradient"),
    OptionSpec("canny_sigma", 2.0, float, "Gaussian sigma before Canny, training pixels"),
    OptionSpec("sobel_sigma", 1.0, float, "Gaussian sigma before Sobel, training pixels"),
    OptionSpec("sobel_threshold", 0.15, float, "Sobel target: thinned magnitude kept from this fraction of the "
               "maximum"),
    OptionSpec("test_scales", [0.7, 1.0, 1.4], list, "test and predict: maps averaged over these multiples of scale",
               low=0.1, high=4),
    OptionSpec("bench_thresholds", 33, int, "thresholds of the BSDS benchmark on the test split (the benchmark's "
               "own is 99)", low=1, high=255),
    OptionSpec("baselines", True, bool, "also score Canny and Sobel on the test images (cached)"),
)
BENCHMARK_LABELS = {"ods": "ODS F-measure (one threshold for all images)", "ois": "OIS F-measure (each image's "
                    "best threshold)", "ap": "average precision", "ods_threshold": "ODS threshold"}


def parameter_count(config, image_shape, classes):
    """Fully convolutional: no dependence on the image size."""
    from engine.models.sizes import edge_parameters

    width = int(SPEC.option_value(config.options, "width"))
    return edge_parameters(config.cell, config.hidden, config.layers, config.bidirectional, width)


SPEC = TaskSpec(
    name="edges", title="Edge maps",
    description="Find object boundaries: a ReNet sweeps rows and columns for context; compared with "
                "Canny and Sobel on the BSDS benchmark.",
    data_kinds=("bsds", "pairs", "images", "shapes"), demo_data="shapes:120",
    needs="Edges needs photos: open a BSDS500 folder (images/ + groundTruth/), a folder of images "
          "(Canny/Sobel targets) or image+edge pairs (pairs:IMGDIR,EDGEDIR).",
    task_module="engine.tasks.edges.task", predictor="engine.tasks.edges.predictor:EdgePredictor",
    window_data="engine.tasks.edges.window",
    options=OPTIONS,
    defaults=dict(hidden=32, layers=1, bidirectional=True, epochs=20, batch=4, lr=3e-3, schedule="cosine",
                  clip=1.0, val_fraction=0.1, augment=True),
    settings=COMMON_SETTINGS + ("target", "bidirectional", "dropout"),
    selection_metric="f1",
    metric_labels={"f1": "F-measure", "precision": "precision", "recall": "recall", **BENCHMARK_LABELS,
                   **{f"{detector.lower()}_{key}": f"{detector} {label}" for detector in ("Canny", "Sobel")
                      for key, label in BENCHMARK_LABELS.items()}},
    sample_units="training images", steps=SWEEP_STEPS,
    result_view="edge_compare", live_view="video_edges",
    snapshots=("edge_map", "pr_curve", "sweeps", "grad_norms"),
    capabilities=frozenset({"edge_maps", "live_map", "edge_video", "benchmark", "evaluate", "inside", "onnx"}),
    checkpoint_info=("train_size", "scale", "width", "mean", "std", "target"),
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for 120 generated shapes with their true outlines, or open a BSDS500 folder (images/ + "
             "groundTruth/), a folder of photos (Canny or Sobel targets) or image and edge-map pairs.",
        press="Press Train (F5): a ReNet sweeps every image's rows and columns in both directions.",
        watch="Training: the F-measure of the validation images' edges. Results: each test image's recurrent edges "
              "beside Canny's and Sobel's, with a threshold slider, and the benchmark's precision-recall curves. "
              "Live: a photo, a video or the camera through the trained model."),
)
