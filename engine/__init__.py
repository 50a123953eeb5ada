"""RNN Vision Lab engine: data, models, tasks and training. Never imports Qt."""

__version__ = "0.1.0"
