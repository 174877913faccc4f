"""The one exception readers raise: a short machine-readable kind plus a reason a person can act on."""

from foidata.schemas.errors import FoidataError


class ReadError(FoidataError):
    """A document that cannot be read, e.g. `ReadError("pdf_encrypted", "PDF is encrypted ...")`."""

    def __init__(self, error_type: str, reason: str) -> None:
        super().__init__(reason)
        self.error_type = error_type
        self.reason = reason
