"""Appointment conflict checking: every clash named, before booking.

A :class:`Diary` holds appointments indexed by patient and by resource and
checks a new booking in O(log n + k): the patient double-booked, a clinician,
room or equipment beyond its capacity, too little time to travel from the
previous appointment or to the next (by the person's travel mode), outside
the location's opening hours (Europe/London), a bank holiday. Intervals are
half-open, so touching appointments do not clash; cancelled, no-show,
entered-in-error, fulfilled and waitlist appointments never clash.
:func:`find_all` finds every clash in a whole table by sort and sweep.

>>> from carecoord.conflicts import Diary
>>> d = Diary()
>>> d.add_location("surgery", 53.8008, -1.5491)
>>> d.add({"id": "A1", "patient": "p1", "location": "surgery",
...        "start": "2026-11-23T10:00:00Z", "end": "2026-11-23T10:30:00Z"})
>>> c = d.check({"id": "A2", "patient": "p1", "location": "surgery",
...              "start": "2026-11-23T10:15:00Z", "end": "2026-11-23T10:45:00Z"})
>>> (c[0].kind, c[0].others)
('patient_overlap', ['A1'])
>>> c[0].detail
'the patient is already booked: A1 (Mon 23 Nov 2026 10:00–10:30 GMT)'
"""

from __future__ import annotations

from carecoord._native import Booking, Bundle, Conflict, Diary, Occurrence, Slot, find_all

__all__ = ["Booking", "Bundle", "Conflict", "Diary", "Occurrence", "Slot", "find_all"]
