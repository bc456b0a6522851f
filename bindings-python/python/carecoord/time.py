"""Time as care coordination needs it.

Instants are aware ``datetime`` objects (any zone; results come back in UTC).
What a person reads, and when a clinic opens, is Europe/London wall time,
given as a naive ``datetime`` or ISO 8601 text. Dates may be ``datetime.date``
or ``YYYY-MM-DD`` text.

>>> from datetime import datetime, timezone
>>> from carecoord.time import to_london, from_london
>>> str(to_london(datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)))
'2026-07-01 10:00:00 BST'
>>> from_london("2026-03-29T01:30", disambiguation="compatible").isoformat()
'2026-03-29T01:30:00+00:00'
"""

from __future__ import annotations

from carecoord._native import (
    BankHoliday,
    LondonLookup,
    LondonTime,
    WorkingCalendar,
    bank_holidays,
    from_london,
    is_bank_holiday,
    lookup_london,
    to_london,
)

__all__ = [
    "BankHoliday",
    "LondonLookup",
    "LondonTime",
    "WorkingCalendar",
    "bank_holidays",
    "from_london",
    "is_bank_holiday",
    "lookup_london",
    "to_london",
]
