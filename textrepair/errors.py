"""Exceptions with messages meant for people (the CLI prints them on one line), and the exit
statuses of the command line."""

#: exit statuses of ``textrepair`` (documented in ``textrepair --help``)
EXIT_OK = 0
#: an error: one line ``textrepair: error: ...`` on stderr
EXIT_ERROR = 1
#: a usage error (argparse's own status)
EXIT_USAGE = 2
#: ``restore --kind dropped`` on text not in that format (passed through unchanged), or
#: ``drop-set`` on such text
EXIT_FORMAT = 3
#: ``batch`` finished, but some files failed (see its report)
EXIT_PARTIAL = 4
EXIT_STATUSES = (
    f"exit status: {EXIT_OK} success; {EXIT_ERROR} an error (one line on stderr); {EXIT_USAGE} a "
    f"usage error; {EXIT_FORMAT} restore --kind dropped on text not in that format (passed "
    f"through unchanged), or drop-set on such text; {EXIT_PARTIAL} batch finished but some "
    f"files failed"
)


class TextrepairError(Exception):
    """Base class: every error textrepair raises on purpose."""


class InputError(TextrepairError, ValueError):
    """Bad input: unreadable, wrong encoding, wrong format, empty."""


class ArgumentsError(TextrepairError, ValueError):
    """Command-line arguments the parser took that do not fit together (a usage error: exit
    status :data:`EXIT_USAGE`, as the parser's own)."""


class ModelError(TextrepairError, ValueError):
    """A language model or table file that is missing, truncated or malformed."""
