"""The exceptions carecoord raises.

Every exception derives from :class:`CarecoordError` and carries a stable
``code`` (e.g. ``"nhs_number.check_digit_mismatch"``, listed by
:func:`carecoord.error_catalogue`) and a coarse ``kind``
(``"invalid_input"``, ``"local_time"``, ``"out_of_range"`` or
``"invalid_rules"``). Messages say
what was wrong and where, and never contain patient data.

Bad input also derives from the built-in ``ValueError`` (or ``TypeError`` for
a naive datetime), so existing ``except ValueError`` handlers keep working.
"""

from __future__ import annotations

__all__ = [
    "CarecoordError",
    "InvalidInput",
    "InvalidNhsNumber",
    "InvalidDate",
    "NaiveDatetimeError",
    "LocalTimeError",
    "NonexistentLocalTime",
    "AmbiguousLocalTime",
    "OutOfRange",
    "WrongType",
    "RuleError",
    "InvalidRecord",
    "DirectoryError",
    "InvalidReferral",
    "InvalidAppointment",
    "InvalidCarePlan",
    "InvalidTransition",
    "StaleVersion",
    "ShareDenied",
    "StorageError",
    "CorruptRecord",
    "UnsupportedSchemaVersion",
]


class CarecoordError(Exception):
    """Base class of every carecoord error."""

    code: str
    """Stable machine-readable code, e.g. ``"time.invalid_date"``."""
    kind: str
    """Coarse class: ``"invalid_input"``, ``"local_time"``, ``"out_of_range"``,
    ``"invalid_rules"``, ``"conflict"``, ``"denied"`` or ``"storage"``."""

    def __init__(self, message: str, code: str = "unknown", kind: str = "unknown") -> None:
        super().__init__(message)
        self.code = code
        self.kind = kind

    def __reduce__(self) -> tuple[type[CarecoordError], tuple[str, str, str]]:
        # Keep code and kind through pickling (multiprocessing, joblib).
        return (type(self), (str(self), self.code, self.kind))


class InvalidInput(CarecoordError, ValueError):
    """The input is malformed or impossible: fix the input."""


class InvalidNhsNumber(InvalidInput):
    """Text that is not a valid NHS number (wrong length, bad character, check digit)."""


class InvalidDate(InvalidInput):
    """A date or time that does not exist on the calendar, or is not ISO 8601."""


class NaiveDatetimeError(InvalidInput, TypeError):
    """A ``datetime`` without ``tzinfo`` where an instant is needed."""


class LocalTimeError(CarecoordError, ValueError):
    """A Europe/London wall time that daylight saving makes missing or doubled."""


class NonexistentLocalTime(LocalTimeError):
    """The wall time is skipped when clocks go forward in spring."""


class AmbiguousLocalTime(LocalTimeError):
    """The wall time happens twice when clocks go back in autumn."""


class WrongType(InvalidInput, TypeError):
    """A value of another type than the parameter (or mapping key) takes.

    ``field`` is the mapping key that held it, where there is one; the
    parameter's name is in the exception's notes.
    """

    field: str | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "invalid_input") -> None:
        super().__init__(message, code, kind)
        self.field = None


class OutOfRange(CarecoordError, ValueError):
    """Valid input outside what the library supports (e.g. bank holidays before 1995)."""


class InvalidRecord(InvalidInput):
    """A row that does not fit a rule set's schema (missing field, wrong type).

    The message names the field, never its value.
    """


class RuleError(CarecoordError, ValueError):
    """A rule file that cannot be loaded.

    Besides ``code`` it says where: ``path`` (e.g. ``"rule[age].bands[2].when"``),
    ``line`` and ``col`` (1-based; ``None`` where unknown, as for most JSON
    errors) and ``help`` (a hint such as "did you mean `age`?", or ``None``).
    """

    path: str
    line: int | None
    col: int | None
    help: str | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "invalid_rules") -> None:
        super().__init__(message, code, kind)
        self.path = ""
        self.line = None
        self.col = None
        self.help = None

    def __reduce__(self) -> tuple[type[CarecoordError], tuple[str, str, str]]:
        return (type(self), (str(self), self.code, self.kind))


class DirectoryError(RuleError):
    """A service directory file that cannot be loaded.

    Like :class:`RuleError` it says where: ``path`` (e.g.
    ``"service[sp_north].needs[1]"``), ``line``, ``col`` and ``help``.
    """


class InvalidReferral(InvalidInput):
    """A referral that cannot be routed (unknown need, impossible age,
    malformed area code, a missing or mistyped field).

    The message names the field, never its value; ``row`` is the table row for
    :meth:`carecoord.routing.Directory.route_table` (``None`` otherwise).
    """

    row: int | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "invalid_input") -> None:
        super().__init__(message, code, kind)
        self.row = None


class InvalidAppointment(InvalidInput):
    """An appointment or diary operation that cannot be done (end not after
    start, unknown location or resource, repeated id, a bad table column).

    The message names the appointment id and the field, never the patient;
    ``appointment`` is the appointment's id where there is one.
    """

    appointment: str | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "invalid_input") -> None:
        super().__init__(message, code, kind)
        self.appointment = None


class InvalidCarePlan(InvalidInput):
    """A care-plan command that cannot be done (unknown goal or action id, an
    empty required text, a plan closed to edits, a consent ending before it
    starts, a missing reason).

    The message names the plan and item ids and the field, never what the
    person said; ``plan`` is the plan's id where there is one.
    """

    plan: str | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "invalid_input") -> None:
        super().__init__(message, code, kind)
        self.plan = None


class InvalidTransition(InvalidCarePlan):
    """A status change the FHIR CarePlan lifecycle does not allow;
    ``from_status`` and ``to_status`` name it."""

    from_status: str
    to_status: str


class StaleVersion(CarecoordError):
    """Someone changed the plan since it was read: nothing was written.
    Reload, decide again and retry. ``expected`` is the version the change was
    based on, ``actual`` the plan's version now."""

    plan: str | None
    expected: int
    actual: int

    def __init__(self, message: str, code: str = "unknown", kind: str = "conflict") -> None:
        super().__init__(message, code, kind)
        self.plan = None


class ShareDenied(CarecoordError, PermissionError):
    """The consent rules do not allow this share; nothing was recorded.
    ``reason`` is the stable reason word (e.g. ``"no_consent"``)."""

    plan: str | None
    reason: str

    def __init__(self, message: str, code: str = "unknown", kind: str = "denied") -> None:
        super().__init__(message, code, kind)
        self.plan = None


class StorageError(CarecoordError, OSError):
    """The plan store failed (disk, lock, SQLite)."""

    plan: str | None

    def __init__(self, message: str, code: str = "unknown", kind: str = "storage") -> None:
        super().__init__(message, code, kind)
        self.plan = None


class CorruptRecord(StorageError):
    """A stored or sent plan record is damaged or does not replay. The message
    gives the place and the kind of damage, never the content."""


class UnsupportedSchemaVersion(StorageError):
    """A plan record written by a newer carecoord: upgrade to read it."""
