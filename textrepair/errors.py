"""Exceptions with messages meant for people (the CLI prints them on one line)."""


class TextrepairError(Exception):
    """Base class: every error textrepair raises on purpose."""


class InputError(TextrepairError, ValueError):
    """Bad input: unreadable, wrong encoding, wrong format, empty."""


class ModelError(TextrepairError, ValueError):
    """A language model or table file that is missing, truncated or malformed."""
