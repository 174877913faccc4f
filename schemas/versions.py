"""Every version foidata stamps on its output, in one place.

`__version__` is the package's (pyproject.toml reads it). EXTRACTOR_VERSION goes on every row's provenance, so
a row says which rules produced it. SCHEMA_VERSION goes in each dataset's manifest: bump the minor version for
added columns, the major version for renamed, removed or retyped ones.
"""

__version__ = "0.4.1"
EXTRACTOR_VERSION = __version__
SCHEMA_VERSION = "1.5.0"  # 1.5: exemptions.law also holds FOISA and EIRS
