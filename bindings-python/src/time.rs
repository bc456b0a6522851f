//! `carecoord.time`: Europe/London wall time, bank holidays and working days.

use carecoord::time::{self as core_time, Disambiguation, LondonLookup as CoreLookup};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use pyo3::prelude::*;

use crate::convert;
use crate::error::to_py_err;

/// A moment as it reads on a clock in London.
#[pyclass(module = "carecoord.time", name = "LondonTime", frozen, eq)]
#[derive(PartialEq)]
pub struct LondonTime(core_time::LondonDateTime);

#[pymethods]
impl LondonTime {
    /// The wall-clock date and time, as a naive ``datetime``.
    #[getter]
    fn local(&self) -> NaiveDateTime {
        self.0.local()
    }

    /// Seconds east of UTC: 0 in GMT, 3600 in BST.
    #[getter]
    fn offset_seconds(&self) -> i32 {
        self.0.offset_seconds()
    }

    /// ``"GMT"`` or ``"BST"``.
    #[getter]
    fn abbreviation(&self) -> &'static str {
        self.0.abbreviation()
    }

    /// Whether British Summer Time is in force.
    #[getter]
    fn is_summer_time(&self) -> bool {
        self.0.is_summer_time()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("LondonTime('{}')", self.0)
    }
}

/// Every instant a London wall time could mean.
///
/// ``kind`` is ``"unique"`` (one instant), ``"ambiguous"`` (clocks go back:
/// the time happens twice, BST then GMT) or ``"skipped"`` (clocks go forward:
/// the time never happens; ``instants`` holds it moved back and forward by the
/// gap). ``instants`` are aware UTC datetimes, earliest first.
#[pyclass(module = "carecoord.time", name = "LondonLookup", frozen, eq)]
#[derive(PartialEq)]
pub struct LondonLookup(CoreLookup);

#[pymethods]
impl LondonLookup {
    /// ``"unique"``, ``"ambiguous"`` or ``"skipped"``.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0 {
            CoreLookup::Unique(_) => "unique",
            CoreLookup::Ambiguous { .. } => "ambiguous",
            CoreLookup::Skipped { .. } => "skipped",
        }
    }

    /// The candidate instants, earliest first.
    #[getter]
    fn instants(&self) -> Vec<DateTime<Utc>> {
        match self.0 {
            CoreLookup::Unique(t) => vec![t],
            CoreLookup::Ambiguous { earlier, later } | CoreLookup::Skipped { earlier, later } => {
                vec![earlier, later]
            }
        }
    }

    fn __repr__(&self) -> String {
        let instants: Vec<String> = self.instants().iter().map(|t| t.to_rfc3339()).collect();
        format!(
            "LondonLookup(kind='{}', instants={instants:?})",
            self.kind()
        )
    }
}

/// One England and Wales bank holiday.
#[pyclass(module = "carecoord.time", name = "BankHoliday", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub struct BankHoliday(core_time::BankHoliday);

#[pymethods]
impl BankHoliday {
    /// The day itself.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.0.date
    }

    /// A stable machine name, e.g. ``"boxing_day"``.
    #[getter]
    fn key(&self) -> &'static str {
        self.0.kind.key()
    }

    /// The published name, e.g. ``"Boxing Day (substitute day)"``.
    #[getter]
    fn name(&self) -> String {
        self.0.name()
    }

    /// Whether this is a substitute day for a holiday that fell at a weekend.
    #[getter]
    fn substitute(&self) -> bool {
        self.0.substitute
    }

    fn __repr__(&self) -> String {
        format!(
            "BankHoliday(date={}, key='{}', substitute={})",
            self.0.date,
            self.0.kind.key(),
            if self.0.substitute { "True" } else { "False" }
        )
    }
}

/// The wall time in London at an instant (an aware ``datetime`` or RFC 3339
/// text). A naive datetime raises :class:`carecoord.NaiveDatetimeError`.
#[pyfunction]
fn to_london(instant: &Bound<'_, PyAny>) -> PyResult<LondonTime> {
    Ok(LondonTime(core_time::to_london(convert::instant(
        instant, "instant",
    )?)))
}

/// The instant (aware UTC ``datetime``) of a London wall time (a naive
/// ``datetime`` or ``YYYY-MM-DDTHH:MM[:SS]`` text).
///
/// ``disambiguation`` says what to do with a time that daylight saving makes
/// missing or doubled: ``"reject"`` (the default) raises
/// :class:`carecoord.NonexistentLocalTime` or
/// :class:`carecoord.AmbiguousLocalTime`; ``"earlier"``, ``"later"`` and
/// ``"compatible"`` resolve it as the JavaScript Temporal API and RFC 5545 do.
#[pyfunction]
#[pyo3(
    signature = (local, disambiguation = "reject".into()),
    text_signature = "(local, disambiguation='reject')"
)]
fn from_london(
    local: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::text)] disambiguation: String,
) -> PyResult<DateTime<Utc>> {
    let local = convert::wall_time(local, "local")?;
    let policy: Disambiguation = disambiguation.parse().map_err(to_py_err)?;
    core_time::from_london(local, policy).map_err(to_py_err)
}

/// Every instant a London wall time could mean, for showing a person the choice.
#[pyfunction]
fn lookup_london(local: &Bound<'_, PyAny>) -> PyResult<LondonLookup> {
    Ok(LondonLookup(core_time::lookup_london(convert::wall_time(
        local, "local",
    )?)))
}

/// The England and Wales bank holidays of ``year`` (1995–2100), in date order.
#[pyfunction]
fn bank_holidays(
    #[pyo3(from_py_with = convert::int::<i32>)] year: i32,
) -> PyResult<Vec<BankHoliday>> {
    let days = core_time::bank_holidays(year).map_err(to_py_err)?;
    Ok(days.iter().copied().map(BankHoliday).collect())
}

/// The bank holiday on ``date`` (a ``date`` or ``YYYY-MM-DD`` text), or ``None``.
#[pyfunction]
fn is_bank_holiday(date: &Bound<'_, PyAny>) -> PyResult<Option<BankHoliday>> {
    let date = convert::date(date, "date")?;
    Ok(core_time::is_bank_holiday(date)
        .map_err(to_py_err)?
        .map(BankHoliday))
}

/// Working days: Monday to Friday, less England and Wales bank holidays and
/// the ``closures`` given (dates or ``YYYY-MM-DD`` text).
///
/// >>> from carecoord.time import WorkingCalendar
/// >>> WorkingCalendar().add_working_days("2026-12-24", 2)
/// datetime.date(2026, 12, 30)
#[pyclass(module = "carecoord.time", name = "WorkingCalendar", frozen)]
pub struct WorkingCalendar(core_time::WorkingCalendar);

#[pymethods]
impl WorkingCalendar {
    #[new]
    #[pyo3(signature = (closures = Vec::new()))]
    fn new(
        #[pyo3(from_py_with = convert::sequence)] closures: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut calendar = core_time::WorkingCalendar::england_and_wales();
        for closure in &closures {
            calendar = calendar.with_closure(convert::date(closure, "closures")?);
        }
        Ok(Self(calendar))
    }

    /// The closures of this calendar, in date order.
    #[getter]
    fn closures(&self) -> Vec<NaiveDate> {
        self.0.closures().collect()
    }

    /// Whether ``date`` is a working day.
    fn is_working_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.0
            .is_working_day(convert::date(date, "date")?)
            .map_err(to_py_err)
    }

    /// The first working day strictly after ``date``.
    fn next_working_day(&self, date: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
        self.0
            .next_working_day(convert::date(date, "date")?)
            .map_err(to_py_err)
    }

    /// The last working day strictly before ``date``.
    fn previous_working_day(&self, date: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
        self.0
            .previous_working_day(convert::date(date, "date")?)
            .map_err(to_py_err)
    }

    /// Moves ``days`` working days from ``date`` (back when negative); the
    /// start day is not counted. With ``days=0``, ``date`` itself if it is a
    /// working day, else the next one.
    fn add_working_days(
        &self,
        date: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::int::<i32>)] days: i32,
    ) -> PyResult<NaiveDate> {
        self.0
            .add_working_days(convert::date(date, "date")?, days)
            .map_err(to_py_err)
    }

    /// Working days after ``start`` up to and including ``end`` (negative when
    /// ``end`` is earlier).
    fn working_days_between(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let (start, end) = (convert::date(start, "start")?, convert::date(end, "end")?);
        self.0.working_days_between(start, end).map_err(to_py_err)
    }

    fn __repr__(&self) -> String {
        format!("WorkingCalendar(closures={})", self.0.closures().count())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LondonTime>()?;
    m.add_class::<LondonLookup>()?;
    m.add_class::<BankHoliday>()?;
    m.add_class::<WorkingCalendar>()?;
    m.add_function(wrap_pyfunction!(to_london, m)?)?;
    m.add_function(wrap_pyfunction!(from_london, m)?)?;
    m.add_function(wrap_pyfunction!(lookup_london, m)?)?;
    m.add_function(wrap_pyfunction!(bank_holidays, m)?)?;
    m.add_function(wrap_pyfunction!(is_bank_holiday, m)?)?;
    Ok(())
}
