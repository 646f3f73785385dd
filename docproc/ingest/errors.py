"""The one error type readers raise."""


class InputError(Exception):
    """Unreadable input; ``str(err)`` is a one-line reason for the user."""
