"""Errors about datasets on disk; their messages name the directory or file at fault."""

from foidata.schemas.errors import FoidataError


class DatasetError(FoidataError):
    """A dataset that cannot be read or written as asked. The message names the directory at fault."""


class DatasetNotFound(DatasetError):
    """No dataset (no `current` version) in the directory."""


class DamagedDataset(DatasetError):
    """The current version is not what its manifest says (a file missing, cut or changed, or `current`
    pointing at a missing version): nothing is written on top of it, and no version is pruned."""
