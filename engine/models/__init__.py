"""Recurrent models: one factory for RNN / LSTM / GRU (recurrent.py), image-to-sequence views
(sequence.py), task models (classifier.py). sizes.py counts parameters without importing torch."""
