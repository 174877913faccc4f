"""Extractors: pure functions from a `Document` (or its text) to typed values with spans.

No Prefect, no network, no disk here.
"""

from foidata.extractors.response import extract_response

__all__ = ["extract_response"]
