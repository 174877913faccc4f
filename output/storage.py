"""Where a dataset lives: a local folder, or a prefix on object storage (s3://, gs://, az://) through fsspec.

Local folders keep their own code paths (a symlink swap, fsync, a lock); this module only decides which kind
a location is and gives the remote code one filesystem object and plain "bucket/prefix/..." paths.

Credentials and endpoints come from the usual places, never from foidata: the AWS variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_PROFILE, ...) for s3://, Google's application
default credentials for gs://, AZURE_STORAGE_* for az://, and fsspec's own FSSPEC_<PROTOCOL>_<OPTION> variables
for anything else (e.g. FSSPEC_S3_ENDPOINT_URL).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from foidata.output.errors import DatasetError

# The fsspec implementation each object-storage scheme needs; none but s3fs comes with foidata's [s3] extra.
PACKAGES = {
    "s3": "s3fs", "s3a": "s3fs",
    "gs": "gcsfs", "gcs": "gcsfs",
    "az": "adlfs", "abfs": "adlfs", "abfss": "adlfs",
}


def is_remote(out_dir: str | os.PathLike[str]) -> bool:
    """True for a URL of object storage (anything with a scheme but file://)."""
    text = os.fspath(out_dir)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() != "file"


@dataclass(frozen=True)
class Location:
    """A dataset's root: `fs` and `root` in the filesystem's own form (an absolute local path, or
    "bucket/prefix" for object storage), and `url` as the user gave it, for messages."""

    fs: fsspec.AbstractFileSystem
    root: str
    url: str

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    def join(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def uri(self, path: str) -> str:
        """`path` as DuckDB and other readers name it: s3://bucket/... (or the plain local path)."""
        if self.is_local:
            return path
        uri: str = self.fs.unstrip_protocol(path)
        return uri


def location(out_dir: str | os.PathLike[str]) -> Location:
    """The Location of `out_dir`. Listings are refreshed, since another process (a Dask worker, another run)
    may have written objects since this process last looked."""
    url = os.fspath(out_dir)
    if not is_remote(url):
        return Location(LocalFileSystem(), Path(os.path.abspath(url)).as_posix(), url)
    scheme = url.partition("://")[0].lower()
    try:
        fs, root = fsspec.core.url_to_fs(url)
    except ImportError:
        package = PACKAGES.get(scheme, f"the fsspec implementation for {scheme}://")
        raise DatasetError(f"{url}: {scheme}:// needs the {package} package (pip install {package})") from None
    except ValueError as exc:  # fsspec's "Protocol not known"
        raise DatasetError(f"{url}: not a storage URL foidata can use ({exc})") from None
    fs.invalidate_cache()
    return Location(fs, str(root).rstrip("/"), url)
