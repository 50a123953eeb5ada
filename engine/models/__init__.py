"""Recurrent models: one factory for RNN / LSTM / GRU (recurrent.py), image-to-sequence views
(sequence.py), ReNet 2-D sweeps (renet.py), task models (classifier.py, edge_net.py). sizes.py counts
parameters without importing torch."""
