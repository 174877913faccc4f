"""The register of UK public bodies shipped with foidata (bodies.csv) and the resolution of responses to it."""

from foidata.extractors.bodies.register import (
    Body,
    BodyKind,
    BodyMatch,
    Nation,
    bodies,
    body_for_host,
    body_for_name,
    body_for_text,
    normalise_name,
    register_table,
    resolve_body,
    tidy_name,
)

__all__ = [
    "Body",
    "BodyKind",
    "BodyMatch",
    "Nation",
    "bodies",
    "body_for_host",
    "body_for_name",
    "body_for_text",
    "normalise_name",
    "register_table",
    "resolve_body",
    "tidy_name",
]
