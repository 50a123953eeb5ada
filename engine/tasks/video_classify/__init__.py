"""Task "video-classify": a convolutional encoder per frame, then an LSTM / GRU / RNN over time names what
a clip shows. SPEC is torch-free; task.py holds the Task, predictor.py the ClipPredictor of a checkpoint."""
from __future__ import annotations

from engine.tasks.spec import COMMON_SETTINGS, OptionSpec, TaskGuide, TaskSpec

MAX_LENGTH = 1000  # frames per clip: checked before any clip is cut or generated
OPTIONS = (
    OptionSpec("label", "digit", str, "what generated clips are labelled by: digit or direction",
               choices=("digit", "direction")),
    OptionSpec("length", 10, int, "frames per clip", low=2, high=MAX_LENGTH),
)


def parameter_count(config, image_shape, classes):
    from engine.models.sizes import clip_classifier_parameters

    if not image_shape[1] or classes < 1:
        return None
    return clip_classifier_parameters(image_shape[0], classes, config.cell, config.hidden, config.layers)


SPEC = TaskSpec(
    name="video-classify", title="Classify clips",
    description="Name what a short clip shows: a convolutional encoder per frame, then an LSTM / GRU over "
                "time (moving digits: the digit or its direction; or videos:DIR).",
    data_kinds=("moving", "videos"), demo_data="moving:3000",
    needs="Clip classification needs labelled clips: press Demo (moving digits) or open a folder "
          "with one sub-folder of videos per class (videos:DIR).",
    task_module="engine.tasks.video_classify.task",
    predictor="engine.tasks.video_classify.predictor:ClipPredictor",
    window_data="engine.tasks.video_classify.window",
    options=OPTIONS,
    defaults=dict(cell="gru", hidden=64, layers=1, bidirectional=False, epochs=12, batch=32, lr=5e-3,
                  schedule="cosine", clip=1.0, val_fraction=0.1, augment=False),
    settings=COMMON_SETTINGS + ("label", "dropout"),
    metric_labels={"accuracy": "accuracy"},
    sample_units="training clips", steps="frames",
    result_view="gallery",
    snapshots=("hidden", "grad_norms", "prediction"),
    capabilities=frozenset({"classify_clip", "evaluate", "inside"}),
    checkpoint_info=("channels", "size", "classes", "class_names", "label", "length"),
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for short clips of moving digits (the label setting chooses what a clip is called: "
             "its digit or its direction), or open a folder with one sub-folder of videos per class.",
        press="Press Train (F5): a small convolutional encoder reads each frame, an LSTM or GRU reads the frames "
              "in order.",
        watch="Training: the accuracy on validation clips. Results: each test clip's last frame with its true and "
              "predicted class, and the confusion matrix. Inside ▸ Gradients: how much of the gradient reaches each "
              "frame."),
)
