"""foidata: published Freedom of Information responses into validated, queryable Parquet datasets."""

__version__ = "0.3.0"
EXTRACTOR_VERSION = __version__
