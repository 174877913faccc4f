"""Errors about datasets on disk; their messages name the directory or file at fault."""


class DatasetError(Exception):
    """A dataset that cannot be read or written as asked. The message names the directory at fault."""


class DatasetNotFound(DatasetError):
    """No dataset (no `current` version) in the directory."""
