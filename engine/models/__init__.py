"""Recurrent models: one factory for RNN / LSTM / GRU, image-to-sequence views, task models."""
from engine.models.recurrent import RecurrentStack, parameter_count
from engine.models.sequence import image_to_sequence, sequence_length

__all__ = ["RecurrentStack", "parameter_count", "image_to_sequence", "sequence_length"]
