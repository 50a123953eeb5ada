"""An image classifier that reads its input as a sequence with a recurrent stack."""
from __future__ import annotations

import torch
from torch import nn

from engine.models.recurrent import RecurrentStack
from engine.models.sequence import image_to_sequence, sequence_length


class SequenceClassifier(nn.Module):
    """(B, C, H, W) images in [0, 1] -> class logits. Normalisation lives inside, so it is saved with it."""

    def __init__(self, image_shape: tuple[int, int, int], classes: int, cell: str, hidden: int,
                 layers: int = 1, bidirectional: bool = False, dropout: float = 0.0, read: str = "rows",
                 mean: float = 0.0, std: float = 1.0):
        super().__init__()
        c, h, w = image_shape
        self.read = read
        _, features = sequence_length(h, w, c, read)
        self.register_buffer("mean", torch.tensor(float(mean)))
        self.register_buffer("std", torch.tensor(float(std)))
        self.rnn = RecurrentStack(cell, features, hidden, layers, bidirectional, dropout)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.rnn.output_size, classes)

    def forward(self, images: torch.Tensor, return_states: bool = False):
        x = image_to_sequence((images - self.mean) / self.std, self.read)
        _, final, states = self.rnn(x, return_states)
        logits = self.head(self.dropout(final))
        return (logits, states) if return_states else logits
