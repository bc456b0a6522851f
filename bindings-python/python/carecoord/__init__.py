"""carecoord: the work of NHS primary-care Care Coordinators as a library.

Modules:

- :mod:`carecoord.ids`: the NHS number, validated and never printed by accident.
- :mod:`carecoord.time`: Europe/London wall time across daylight saving,
  England and Wales bank holidays, working days.
- :mod:`carecoord.caseload`: caseload prioritisation rules: scores, tiers, reasons.
- :mod:`carecoord.exceptions`: the exception hierarchy (also exported here).

>>> import carecoord
>>> carecoord.ids.NhsNumber("943 476 5919")
NhsNumber(***)
"""

from __future__ import annotations

from carecoord import caseload, exceptions, ids, time
from carecoord._native import __version__, error_catalogue
from carecoord.exceptions import (
    AmbiguousLocalTime,
    CarecoordError,
    InvalidDate,
    InvalidInput,
    InvalidNhsNumber,
    InvalidRecord,
    LocalTimeError,
    NaiveDatetimeError,
    NonexistentLocalTime,
    OutOfRange,
    RuleError,
)

__all__ = [
    "__version__",
    "error_catalogue",
    "caseload",
    "exceptions",
    "ids",
    "time",
    "AmbiguousLocalTime",
    "CarecoordError",
    "InvalidDate",
    "InvalidInput",
    "InvalidNhsNumber",
    "InvalidRecord",
    "LocalTimeError",
    "NaiveDatetimeError",
    "NonexistentLocalTime",
    "OutOfRange",
    "RuleError",
]
