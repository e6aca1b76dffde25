"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.sessions.session_file`."""

from bpsim.model.sessions.session_file import (
    FORMAT,
    MAX_FILE_PARAMETERS,
    SCHEMA_VERSION,
    load_session,
    open_session,
    save_session,
    session_from_dict,
    session_to_dict,
)

__all__ = [
    "FORMAT",
    "MAX_FILE_PARAMETERS",
    "SCHEMA_VERSION",
    "load_session",
    "open_session",
    "save_session",
    "session_from_dict",
    "session_to_dict",
]
