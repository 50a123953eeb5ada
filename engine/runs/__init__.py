"""Run folders: every run, trained in the window, on the command line or under torchrun elsewhere, is a folder
that outlives the process that wrote it.

    config.json    the settings (RunConfig), what `train --config` reads
    run.json       task, cell, status (running / finished / stopped / failed / interrupted), device, pid and host
                   of the writer, start, end and last-seen times, epochs done and planned, best and final
                   metrics, the app version, a name and tags the user gave (engine/runs/folder.py)
    metrics.csv    one row per finished epoch
    events.jsonl   the engine's event stream, one JSON object a line, appended and flushed line by line
                   (engine/runs/journal.py); snapshots' arrays in snapshots/*.npz, each written atomically
    model.ckpt     the best epoch's weights (engine/checkpoint.py)
    last.ckpt      what resuming needs: weights, optimiser, schedule, every random state, the epoch, the best
                   so far, the history (engine/runs/resume.py)

Nothing here imports torch at import time: the window and `runs list` read folders without it.
"""
