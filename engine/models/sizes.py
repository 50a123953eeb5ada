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
