"""Tasks: what turns data + cell + sizes into a trained model and pictures. One package per task
(classify, edges, segment, predict, video_classify): __init__.py holds its torch-free SPEC (spec.py),
task.py the Task, predictor.py what applies its checkpoints, window.py its data for the window.
registry.py lists the packages."""
