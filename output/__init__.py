"""The dataset on disk: versioned Parquet files behind an atomically swapped `current` symlink.

```
DIR/current -> versions/<run_id>        what users query: DIR/current/money.parquet
DIR/versions/<run_id>/<table>.parquet   one zstd file per table, Arrow schema from foidata.schemas
DIR/versions/<run_id>/manifest.json     versions, row counts, sha256 of every file
```

DIR may also be an object-storage URL (s3://bucket/prefix, gs://, az://): there a `CURRENT` object holding
the run id stands in for the symlink.
"""

from foidata.output.dataset import (
    CURRENT,
    KEEP_PREVIOUS,
    MANIFEST,
    POINTER,
    VERSIONS,
    FileEntry,
    Manifest,
    commit,
    current_version,
    current_version_dir,
    has_dataset,
    read_manifest,
    roll_back,
    verify_current,
)
from foidata.output.errors import DamagedDataset, DatasetError, DatasetNotFound
from foidata.output.read import (
    Dataset,
    connect,
    error_types,
    failed_sources,
    known_documents,
    open_dataset,
    read_table,
)

__all__ = [
    "CURRENT",
    "KEEP_PREVIOUS",
    "MANIFEST",
    "POINTER",
    "VERSIONS",
    "DamagedDataset",
    "Dataset",
    "DatasetError",
    "DatasetNotFound",
    "FileEntry",
    "Manifest",
    "commit",
    "connect",
    "current_version",
    "current_version_dir",
    "error_types",
    "failed_sources",
    "has_dataset",
    "known_documents",
    "open_dataset",
    "read_manifest",
    "read_table",
    "roll_back",
    "verify_current",
]
