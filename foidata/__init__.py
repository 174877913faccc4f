"""foidata: published Freedom of Information responses into validated, queryable Parquet datasets."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = __version__
