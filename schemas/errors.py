"""The one base of every error foidata raises about a user's inputs, settings or data.

Each subclass's message is one line a person can act on (it names the file, URL or directory at fault), so
the `foidata` command prints it as it is and exits 1, without a traceback. Anything else is a bug.
"""


class FoidataError(Exception):
    """An input, setting or dataset that foidata cannot use as asked; str(error) says why in one line."""
