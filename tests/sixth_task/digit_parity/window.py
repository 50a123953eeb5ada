"""Digits labelled even / odd for the window, summed up as the classify task sums up labelled images."""
from __future__ import annotations

from engine.tasks.classify.window import summary

from .labels import read_parity


def read(spec, progress, cancel):
    splits = read_parity(spec, progress, cancel)
    return splits, summary(splits)
