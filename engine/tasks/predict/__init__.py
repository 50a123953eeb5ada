"""Task "predict": M context frames in, the next K out, by a convolutional recurrent encoder-forecaster.
SPEC is torch-free; task.py holds the Task, predictor.py the FramesPredictor of a checkpoint and rollout.py
a rollout that keeps the recurrent state behind each frame (the window's player)."""
from __future__ import annotations

from engine.config import CONV_CELLS
from engine.tasks.spec import COMMON_SETTINGS, OptionSpec, TaskGuide, TaskSpec

OPTIONS = (
    OptionSpec("context", 10, int, "frames read before predicting", low=1, high=1000, flag=True),
    OptionSpec("horizon", 10, int, "frames predicted", low=1, high=1000, flag=True),
    OptionSpec("patch", 4, int, "frames enter as patch x patch blocks as channels", low=1, high=16),
    OptionSpec("kernel", 3, int, "convolution kernel of the recurrent cells (odd)", low=1, high=15),
    OptionSpec("sampling", 0.3, float, "scheduled sampling: fraction of training over which teacher forcing "
               "falls to 0", low=0.0, high=1.0),
    OptionSpec("l1", 0.0, float, "weight of an L1 term next to the MSE loss", low=0.0),
    OptionSpec("init", "", str, "a checkpoint whose weights start the training"),
)
FRAME_ERRORS = {"mse_per_frame": "MSE per frame", "mae_per_frame": "MAE per frame",
                "baseline_mse_per_frame": "MSE per frame of copying the last context frame",
                "mean_mse_per_frame": "MSE per frame of a frame of the mean brightness",
                "mean_pixel_mse_per_frame": "MSE per frame of the per-pixel mean frame"}


def parameter_count(config, image_shape, classes):
    """Conv cells over patches-as-channels: needs the frames' channels, so no count before data."""
    from engine.models.sizes import forecaster_parameters

    if not image_shape[1]:
        return None
    options = config.options
    return forecaster_parameters(config.cell, image_shape[0], config.hidden, config.layers,
                                 int(SPEC.option_value(options, "kernel")), int(SPEC.option_value(options, "patch")))


SPEC = TaskSpec(
    name="predict", title="Predict frames",
    description="Read M frames of a video and generate the next K (ConvLSTM / ConvGRU encoder-forecaster); "
                "roll out animations of any length.",
    data_kinds=("mmnist", "moving", "video", "frames"), demo_data="moving:1000",
    needs="Frame prediction needs sequences: press Demo (moving digits), open a Moving-MNIST .npz "
          "(an array 'frames', N x T x H x W), or a video or frame folder while this task is chosen.",
    task_module="engine.tasks.predict.task", predictor="engine.tasks.predict.predictor:FramesPredictor",
    window_data="engine.tasks.predict.window",
    options=OPTIONS,
    defaults=dict(cell="convlstm", hidden=64, layers=2, bidirectional=False, epochs=11, batch=8, lr=2e-3,
                  schedule="cosine", clip=1.0, val_fraction=0.05, augment=True),
    settings=COMMON_SETTINGS + ("context", "horizon"),
    cells=CONV_CELLS, cell_kind="a convolutional cell",
    selection_metric="mse_per_frame", lower_metrics=frozenset(FRAME_ERRORS),
    metric_labels={**FRAME_ERRORS, "psnr": "PSNR (dB)", "ssim": "SSIM"},
    sample_units="training sequences", steps="frames",
    result_view="frames",
    snapshots=("frames", "frame_states", "grad_norms"),
    capabilities=frozenset({"rollout", "evaluate", "inside", "onnx"}),
    checkpoint_info=("context", "horizon", "channels", "size", "patch", "kernel"),
    parameters=parameter_count,
    guide=TaskGuide(
        load="Press Demo for moving digits, or open a Moving-MNIST .npz, a video or a folder of frames while this "
             "task is chosen.",
        press="Press Train (F5). On the Results page, Roll out continues a clip for as many frames as you ask; "
              "File ▸ Export frames as MP4 / GIF… saves what the player shows.",
        watch="Training: the error per predicted frame (lower is better). Results: context | truth | prediction "
              "frame by frame, and the ConvLSTM state's channels at the shown frame; a model worse than copying "
              "the last frame is flagged."),
)
