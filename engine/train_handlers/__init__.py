"""The Trainer's handlers: what the loop (engine/training.py) calls at its moments (see base.py).

- divergence.DivergenceGuard: a NaN or infinite loss, weights or validation figure ends the run
- grad_measure.GradientMeasurement: gradients through time, throttled (engine/gradients.py measures)
- testing.TestEvaluation: the test split and the result pictures, once, with the best weights
- throttles.ProgressReports, throttles.ProbeSnapshots: Progress and the probe's pictures, throttled
- checkpointing.Checkpointing: model.ckpt of the best epoch (finite only, nothing written after abort)
- history.CsvHistory: metrics.csv
- early_stopping.EarlyStopping: patience
"""
