from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import carecoord
from carecoord.time import (
    WorkingCalendar,
    bank_holidays,
    from_london,
    is_bank_holiday,
    lookup_london,
    to_london,
)

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python 3.8 has no zoneinfo; carecoord needs 3.9
    ZoneInfo = None  # type: ignore[assignment,misc]


def test_to_london_accepts_any_aware_datetime() -> None:
    utc = datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)
    paris = datetime(2026, 7, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    assert to_london(utc) == to_london(paris)
    t = to_london(utc)
    assert (t.local, t.abbreviation, t.offset_seconds, t.is_summer_time) == (
        datetime(2026, 7, 1, 10, 0),
        "BST",
        3600,
        True,
    )
    assert repr(t) == "LondonTime('2026-07-01 10:00:00 BST')"


@pytest.mark.skipif(ZoneInfo is None, reason="needs zoneinfo")
def test_zoneinfo_datetimes_are_instants() -> None:
    london = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London"))
    assert to_london(london).abbreviation == "GMT"


def test_naive_datetime_where_an_instant_is_needed() -> None:
    with pytest.raises(carecoord.NaiveDatetimeError) as raised:
        to_london(datetime(2026, 7, 1, 9, 0))
    assert raised.value.code == "time.missing_offset"
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, ValueError)
    assert "instant" in str(raised.value)


def test_from_london_returns_aware_utc() -> None:
    t = from_london(datetime(2026, 1, 15, 9, 30))
    assert t == datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)
    assert t.utcoffset() == timedelta(0)


def test_daylight_saving_edges_are_typed_errors() -> None:
    with pytest.raises(carecoord.NonexistentLocalTime) as gap:
        from_london(datetime(2026, 3, 29, 1, 30))
    assert gap.value.code == "time.nonexistent_local_time"
    with pytest.raises(carecoord.AmbiguousLocalTime):
        from_london("2026-10-25T01:30")
    assert from_london("2026-10-25T01:30", "later") - from_london("2026-10-25T01:30", "earlier") == timedelta(hours=1)
    assert lookup_london("2026-10-25T01:30").kind == "ambiguous"


def test_aware_datetime_is_not_a_wall_time() -> None:
    with pytest.raises(carecoord.InvalidInput) as raised:
        from_london(datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc))
    assert raised.value.code == "time.aware_wall_time"
    assert "already an instant" in str(raised.value)


def test_unknown_disambiguation() -> None:
    with pytest.raises(carecoord.InvalidInput) as raised:
        from_london("2026-07-01T10:00", "latest")  # type: ignore[arg-type]
    assert raised.value.code == "time.unknown_word"
    assert str(raised.value).endswith("must be one of: reject, earlier, later, compatible")


def test_impossible_dates_do_not_echo_the_input() -> None:
    with pytest.raises(carecoord.InvalidDate) as raised:
        is_bank_holiday("1948-02-30")
    assert raised.value.code == "time.invalid_date"
    assert "1948" not in str(raised.value)


def test_bank_holidays_as_objects() -> None:
    days = bank_holidays(2026)
    boxing = days[-1]
    assert (boxing.date, boxing.key, boxing.substitute) == (date(2026, 12, 28), "boxing_day", True)
    assert boxing.name == "Boxing Day (substitute day)"
    assert repr(boxing) == "BankHoliday(date=2026-12-28, key='boxing_day', substitute=True)"
    assert is_bank_holiday(date(2026, 12, 28)) == boxing
    assert is_bank_holiday(date(2026, 12, 29)) is None
    with pytest.raises(carecoord.OutOfRange):
        bank_holidays(1990)


def test_working_calendar() -> None:
    cal = WorkingCalendar([date(2026, 11, 25)])
    assert cal.closures == [date(2026, 11, 25)]
    assert cal.next_working_day(date(2026, 11, 24)) == date(2026, 11, 26)
    assert cal.previous_working_day("2026-11-26") == date(2026, 11, 24)
    assert cal.working_days_between("2026-11-23", "2026-11-27") == 3
    assert repr(cal) == "WorkingCalendar(closures=1)"
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 11, 24, 9, 0))


def test_error_catalogue_lists_every_code() -> None:
    codes = dict(carecoord.error_catalogue())
    assert "nhs_number.check_digit_mismatch" in codes
    assert "time.missing_offset" in codes
    assert all(summary for summary in codes.values())
