"""carecoord: the work of NHS primary-care Care Coordinators as a library.

Modules:

- :mod:`carecoord.ids`: the NHS number, validated and never printed by accident.
- :mod:`carecoord.time`: Europe/London wall time across daylight saving,
  England and Wales bank holidays, working days.
- :mod:`carecoord.caseload`: caseload prioritisation rules: scores, tiers, reasons.
- :mod:`carecoord.conflicts`: appointment conflicts: a diary naming every clash,
  travel, opening hours, bank holidays; every clash in a table.
- :mod:`carecoord.routing`: referral routing: a service directory, ranked
  matches with reasons, safeguarding and red-flag escalations.
- :mod:`carecoord.exceptions`: the exception hierarchy (also exported here).

>>> import carecoord
>>> carecoord.ids.NhsNumber("943 476 5919")
NhsNumber(***)
"""

from __future__ import annotations

from carecoord import careplan, caseload, conflicts, exceptions, ids, routing, time
from carecoord._native import __version__, error_catalogue
from carecoord.exceptions import (
    AmbiguousLocalTime,
    CarecoordError,
    CorruptRecord,
    DirectoryError,
    InvalidAppointment,
    InvalidCarePlan,
    InvalidDate,
    InvalidInput,
    InvalidNhsNumber,
    InvalidRecord,
    InvalidReferral,
    LocalTimeError,
    NaiveDatetimeError,
    NonexistentLocalTime,
    InvalidTransition,
    OutOfRange,
    WrongType,
    RuleError,
    ShareDenied,
    StaleVersion,
    StorageError,
    UnsupportedSchemaVersion,
)

__all__ = [
    "__version__",
    "error_catalogue",
    "careplan",
    "caseload",
    "conflicts",
    "exceptions",
    "ids",
    "routing",
    "time",
    "AmbiguousLocalTime",
    "CarecoordError",
    "CorruptRecord",
    "DirectoryError",
    "InvalidAppointment",
    "InvalidCarePlan",
    "InvalidDate",
    "InvalidInput",
    "InvalidNhsNumber",
    "InvalidRecord",
    "InvalidReferral",
    "LocalTimeError",
    "NaiveDatetimeError",
    "NonexistentLocalTime",
    "InvalidTransition",
    "OutOfRange",
    "WrongType",
    "RuleError",
    "ShareDenied",
    "StaleVersion",
    "StorageError",
    "UnsupportedSchemaVersion",
]
