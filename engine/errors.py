"""Errors a person can act on: a message saying what is wrong and a hint saying what to do."""


class UserError(Exception):
    """Bad input from a user (a file, a spec, a config). Shown as is, never as a traceback."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class DataError(UserError):
    """A data set, file or spec that cannot be read."""


class CheckpointError(UserError):
    """A checkpoint that cannot be loaded, or belongs to another task or shape."""


class ConfigError(UserError):
    """A config with unknown keys, wrong types or impossible values."""
