"""Parameter counts computed from the sizes alone (no torch), so the window can show them as a user types."""
from __future__ import annotations

from engine.models.sequence_shape import sequence_length


def recurrent_parameters(cell: str, input_size: int, hidden: int, layers: int, bidirectional: bool) -> int:
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    dirs = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        layer_in = input_size if layer == 0 else hidden * dirs
        total += dirs * gates * hidden * (layer_in + hidden + 2)
    return total


def classifier_parameters(image_shape, classes: int, cell: str, hidden: int, layers: int,
                          bidirectional: bool, read: str) -> int:
    c, h, w = image_shape
    _, features = sequence_length(h, w, c, read)
    dirs = 2 if bidirectional else 1
    return recurrent_parameters(cell, features, hidden, layers, bidirectional) + (hidden * dirs + 1) * classes


def edge_parameters(cell: str, hidden: int, layers: int, bidirectional: bool, width: int) -> int:
    """engine.models.edge_net.EdgeReNet's trainable weights (convs without bias + batch-norm scale and shift)."""
    w, dirs = width, 2 if bidirectional else 1

    def conv(cin: int, cout: int) -> int:
        return 9 * cin * cout + 2 * cout

    stem = conv(3, w) + conv(w, w) + conv(w, 2 * w) + conv(2 * w, 2 * w) + conv(2 * w, 3 * w)
    renet, channels = 0, 3 * w
    for _ in range(layers):
        renet += recurrent_parameters(cell, channels, hidden, 1, bidirectional)  # the row sweep
        renet += recurrent_parameters(cell, hidden * dirs, hidden, 1, bidirectional)  # the column sweep
        channels = hidden * dirs
    heads = (2 * w * w + w) + (channels * w + w) + 3 * (w + 1) + (3 * w * w + w) + (w + 1)
    return stem + renet + heads


def _conv_bn(cin: int, cout: int) -> int:
    """A 3x3 convolution without bias and its batch-norm scale and shift."""
    return 9 * cin * cout + 2 * cout


def segmenter_parameters(classes: int, cell: str, hidden: int, layers: int, bidirectional: bool,
                         width: int, patch: int) -> int:
    """engine.models.seg_net.SegReNet's trainable weights (the normalisation mean / std are buffers)."""
    w, dirs = width, 2 if bidirectional else 1
    encoder = (_conv_bn(3, w) + _conv_bn(w, w) + _conv_bn(w, 2 * w) + _conv_bn(2 * w, 2 * w)
               + _conv_bn(2 * w, 4 * w) + _conv_bn(4 * w, 4 * w))
    renet, channels = 0, 4 * w * patch * patch  # only the first layer reads patches
    for _ in range(layers):
        renet += recurrent_parameters(cell, channels, hidden, 1, bidirectional)  # the row sweep
        renet += recurrent_parameters(cell, hidden * dirs, hidden, 1, bidirectional)  # the column sweep
        channels = hidden * dirs
    decoder = _conv_bn(channels + 2 * w, 2 * w) + _conv_bn(2 * w, 2 * w) + _conv_bn(3 * w, w)
    return encoder + renet + decoder + (w + 1) * classes


def forecaster_parameters(cell: str, channels: int, hidden: int, layers: int, kernel: int, patch: int) -> int:
    """engine.models.forecaster.Forecaster's weights: conv cells over patches-as-channels, a 1x1 head."""
    gates = {"convlstm": 4, "convgru": 3, "convrnn": 1}[cell]  # ConvGRU: 2 gates + the candidate
    inner = channels * patch * patch
    total = 0
    for layer in range(layers):
        cin = inner if layer == 0 else hidden
        total += gates * hidden * ((cin + hidden) * kernel * kernel + 1)
    return total + (hidden * layers + 1) * inner


def clip_classifier_parameters(channels: int, classes: int, cell: str, hidden: int, layers: int) -> int:
    """engine.tasks.video_classify.ClipClassifier's weights: frame encoder (frame + change), RNN, head."""
    encoder = (9 * 2 * channels * 16 + 16) + (9 * 16 * 32 + 32) + (9 * 32 * 32 + 32) + (32 * 64 * 128 + 128)
    return encoder + recurrent_parameters(cell, 128, hidden, layers, False) + (hidden + 1) * classes
