"""Writing and finding dataset versions: `commit` writes one (locally or on object storage), the rest read what
is there. See write.py for how a version is made atomic."""

from foidata.output.dataset.manifest import (
    CURRENT,
    KEEP_PREVIOUS,
    MANIFEST,
    POINTER,
    VERSIONS,
    FileEntry,
    Manifest,
    current_version,
    current_version_dir,
    has_dataset,
    read_manifest,
    repair_hint,
    retained_versions,
    sound_versions,
    version_problem,
)
from foidata.output.dataset.tables import FAULT_KILL_AT
from foidata.output.dataset.write import commit, roll_back, verify_current

__all__ = [
    "CURRENT",
    "FAULT_KILL_AT",
    "KEEP_PREVIOUS",
    "MANIFEST",
    "POINTER",
    "VERSIONS",
    "FileEntry",
    "Manifest",
    "commit",
    "current_version",
    "current_version_dir",
    "has_dataset",
    "read_manifest",
    "repair_hint",
    "retained_versions",
    "roll_back",
    "sound_versions",
    "verify_current",
    "version_problem",
]
