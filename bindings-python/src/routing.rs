//! `carecoord.routing`: the service directory, routing one referral, and
//! routing a table of referrals.

use carecoord::argument::{ArgumentError, Expected};
use carecoord::expr::Type;
use carecoord::routing::{self as core, Referral};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping};
use pyo3_arrow::PyTable;

use crate::caseload::{arrow_input, field_value, source_path};
use crate::convert::{self, InField as _, mapping_get as get};
use crate::error::to_py_err;

/// A service directory, loaded and checked.
///
/// >>> from carecoord.routing import Directory
/// >>> d = Directory.from_toml("../examples/routing/directory.toml")
/// >>> r = d.route({"id": "R1", "age": 84, "sex": "male", "district": "LS7",
/// ...              "needs": ["safeguarding", "carer_strain"], "urgency": "urgent",
/// ...              "consent": "not_asked", "at": "2026-11-23T11:40:00Z"})
/// >>> (r.outcome, r.escalate_now, r.matches[0].service_id)
/// ('escalated', True, 'safeguarding_lead')
#[pyclass(module = "carecoord.routing", name = "Directory", frozen)]
pub struct Directory(core::Directory);

fn load(
    py: Python<'_>,
    text_or_path: &Bound<'_, PyAny>,
    parse: fn(&str) -> Result<core::Directory, core::DirectoryError>,
) -> PyResult<Directory> {
    let loaded = match source_path(text_or_path)? {
        Some(path) => py.detach(|| core::Directory::from_path(path)),
        None => {
            let text = convert::text_value(text_or_path).in_field("text_or_path")?;
            py.detach(|| parse(&text))
        }
    };
    loaded.map(Directory).map_err(to_py_err)
}

fn required<'py>(m: &Bound<'py, PyMapping>, key: &'static str) -> PyResult<Bound<'py, PyAny>> {
    get(m, key)?.ok_or_else(|| {
        to_py_err(core::ReferralError {
            kind: core::ReferralErrorKind::Record(carecoord::caseload::RecordError::MissingField {
                field: key.into(),
            }),
            row: None,
        })
    })
}

impl Directory {
    /// The referral in a mapping: `at` converted on its own (a field value is
    /// never an instant), every other key handed to the core, which decides
    /// what is a field, what is a mistake and what is missing.
    fn referral(&self, obj: &Bound<'_, PyAny>) -> PyResult<Referral> {
        let m = obj
            .cast::<PyMapping>()
            .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Mapping)))?;
        let mut fields = Vec::new();
        for key in m.keys()?.iter() {
            let name = convert::text_value(&key).in_field("referral key")?;
            if name != Referral::AT {
                let value = field_value(&name, &m.get_item(&key)?)?;
                fields.push((name, value));
            }
        }
        let at = convert::instant(&required(m, Referral::AT)?, Referral::AT)?;
        self.0.referral(fields, at).map_err(to_py_err)
    }
}

#[pymethods]
impl Directory {
    /// Loads a directory from TOML: text, or a path to a ``.toml`` file.
    /// Raises :class:`carecoord.DirectoryError` (with ``code``, ``path``,
    /// ``line``, ``col`` and ``help``) for any mistake in the file.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text_or_path: &Bound<'_, PyAny>) -> PyResult<Self> {
        load(py, text_or_path, core::Directory::from_toml)
    }

    /// Loads a directory from JSON (the same model as TOML): text or a path.
    #[staticmethod]
    fn from_json(py: Python<'_>, text_or_path: &Bound<'_, PyAny>) -> PyResult<Self> {
        load(py, text_or_path, core::Directory::from_json)
    }

    /// The directory's name.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// Its version.
    #[getter]
    fn version(&self) -> &str {
        self.0.version()
    }

    /// The first day it is in force.
    #[getter]
    fn effective_from(&self) -> NaiveDate {
        self.0.effective_from()
    }

    /// Service ids, in file order.
    #[getter]
    fn service_ids(&self) -> Vec<String> {
        self.0.services().iter().map(|s| s.id.to_string()).collect()
    }

    /// The needs it knows as ``(id, label, class)``; ``class`` is
    /// ``"ordinary"``, ``"safeguarding"`` or ``"red_flag"``.
    #[getter]
    fn needs(&self) -> Vec<(String, String, &'static str)> {
        self.0
            .vocabulary()
            .needs()
            .iter()
            .map(|n| (n.id.to_string(), n.label.to_string(), n.class.key()))
            .collect()
    }

    /// The extra fields its criteria read, as ``(name, type)``.
    #[getter]
    fn extra_fields(&self) -> Vec<(String, String)> {
        self.0
            .extra_fields()
            .iter()
            .map(|f| (f.name.clone(), type_name(&f.ty)))
            .collect()
    }

    /// The ranking order: keys such as ``"matched_needs"``, ``"wait"``.
    #[getter]
    fn ranking(&self) -> Vec<&'static str> {
        self.0.ranking().iter().map(|k| k.key()).collect()
    }

    /// Routes one referral. ``referral`` maps ``id``, ``age``, ``sex``
    /// (female/male/other/unknown), ``district`` (postcode district only),
    /// optional ``pcn`` and ``practice``, ``needs`` (list of tags),
    /// ``urgency`` (routine/urgent/asap/stat), ``consent``
    /// (given/refused/not_asked) and ``at`` (an aware datetime or ISO 8601
    /// text with an offset), plus any of the directory's extra fields. Any
    /// other key raises :class:`carecoord.InvalidReferral` (a misspelt field
    /// must not silently fail a criterion).
    fn route(&self, py: Python<'_>, referral: &Bound<'_, PyAny>) -> PyResult<Routing> {
        let referral = self.referral(referral)?;
        let d = &self.0;
        py.detach(|| d.route(&referral))
            .map(Routing)
            .map_err(to_py_err)
    }

    /// Routes a whole table of referrals on every core, with the GIL released.
    ///
    /// ``data``: anything speaking the Arrow PyCapsule interface (pyarrow,
    /// polars, DuckDB) or a pandas DataFrame, with the columns of
    /// :meth:`route` (``needs`` a list column, ``at`` a timestamp with a time
    /// zone). Returns a long-form ``pyarrow.Table``: ``referral_id``,
    /// ``rank``, ``service_id``, ``matched_needs``, ``escalate``,
    /// ``outcome``; one row per match in rank order, and one row (rank null)
    /// for a referral with nothing eligible. Same results as :meth:`route`.
    fn route_table<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = arrow_input(py, data)?;
        let (batches, _) = input.into_table()?.into_inner();
        let d = &self.0;
        let outputs = py.detach(|| {
            batches
                .iter()
                .map(|b| d.route_batch(b))
                .collect::<Result<Vec<_>, _>>()
        });
        let outputs = outputs.map_err(to_py_err)?;
        let schema = match outputs.first() {
            Some(b) => b.schema(),
            None => d.route_batch_schema(),
        };
        PyTable::try_new(outputs, schema)?.into_pyarrow(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Directory(name='{}', version='{}', effective_from={}, services={})",
            self.0.name(),
            self.0.version(),
            self.0.effective_from(),
            self.0.services().len()
        )
    }
}

fn type_name(t: &Type) -> String {
    t.to_string()
}

/// One service a referral goes to, in rank order.
#[pyclass(module = "carecoord.routing", name = "Match", frozen, eq)]
#[derive(PartialEq)]
pub struct Match(core::Match);

#[pymethods]
impl Match {
    /// 1 for the first.
    #[getter]
    fn rank(&self) -> u32 {
        self.0.rank
    }
    /// The service's id.
    #[getter]
    fn service_id(&self) -> &str {
        &self.0.service_id
    }
    /// The service's name.
    #[getter]
    fn service_name(&self) -> &str {
        &self.0.service_name
    }
    /// ``"safeguarding"``, ``"red_flag"`` or ``"service"``.
    #[getter]
    fn route(&self) -> &'static str {
        self.0.route.key()
    }
    /// The referral's needs it serves.
    #[getter]
    fn matched_needs(&self) -> Vec<String> {
        self.0.matched_needs.iter().map(|n| n.to_string()).collect()
    }
    /// The SNOMED CT referral procedure code to record.
    #[getter]
    fn referral_code(&self) -> &str {
        &self.0.referral_code
    }
    /// Whether to act now (safeguarding and red flags).
    #[getter]
    fn escalate(&self) -> bool {
        self.0.escalate
    }
    /// Whether it is open on the day of the referral.
    #[getter]
    fn open_on_day(&self) -> bool {
        self.0.open_on_day
    }
    /// Whether it is local rather than area-wide.
    #[getter]
    fn local(&self) -> bool {
        self.0.local
    }
    /// Its waiting time in days, if known.
    #[getter]
    fn wait_days(&self) -> Option<u32> {
        self.0.wait_days
    }
    /// ``"consent"``, ``"not_required"``, ``"safeguarding_without_consent"``
    /// or ``"direct_care"``.
    #[getter]
    fn consent_basis(&self) -> &'static str {
        self.0.consent_basis.key()
    }
    /// The named contact, for escalations.
    #[getter]
    fn contact(&self) -> Option<&str> {
        self.0.contact.as_deref()
    }
    /// Why it is here and at this rank, in words.
    #[getter]
    fn reasons(&self) -> Vec<String> {
        self.0.reasons.clone()
    }
    fn __repr__(&self) -> String {
        format!(
            "Match(rank={}, service_id='{}', matched_needs={:?}, escalate={})",
            self.0.rank,
            self.0.service_id,
            self.0
                .matched_needs
                .iter()
                .map(|n| &**n)
                .collect::<Vec<_>>(),
            if self.0.escalate { "True" } else { "False" }
        )
    }
}

/// Where a referral should go, and why.
#[pyclass(module = "carecoord.routing", name = "Routing", frozen, eq)]
#[derive(PartialEq)]
pub struct Routing(core::Routing);

#[pymethods]
impl Routing {
    /// The referral's id.
    #[getter]
    fn referral_id(&self) -> &str {
        &self.0.referral_id
    }
    /// ``"escalated"``, ``"routed"``, ``"needs_consent"`` or ``"unmet"``.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.0.outcome.key()
    }
    /// Whether anything must be acted on now.
    #[getter]
    fn escalate_now(&self) -> bool {
        self.0.escalate_now
    }
    /// Where it goes, in rank order, escalations first.
    #[getter]
    fn matches(&self) -> Vec<Match> {
        self.0.matches.iter().cloned().map(Match).collect()
    }
    /// Every other service: ``{"service_id", "reasons": [{"code", "message"}]}``.
    #[getter]
    fn excluded<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .excluded
            .iter()
            .map(|e| {
                let d = PyDict::new(py);
                d.set_item("service_id", &*e.service_id)?;
                let reasons = e
                    .reasons
                    .iter()
                    .map(|r| {
                        let rd = PyDict::new(py);
                        rd.set_item("code", r.code())?;
                        rd.set_item("message", r.to_string())?;
                        Ok(rd)
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("reasons", reasons)?;
                Ok(d)
            })
            .collect()
    }
    /// Ordinary needs no eligible service serves.
    #[getter]
    fn unmet_needs(&self) -> Vec<String> {
        self.0.unmet_needs.iter().map(|n| n.to_string()).collect()
    }
    /// The Europe/London date the referral was assessed on.
    #[getter]
    fn day(&self) -> NaiveDate {
        self.0.day
    }
    fn __repr__(&self) -> String {
        let ids: Vec<&str> = self.0.matches.iter().map(|m| &*m.service_id).collect();
        format!(
            "Routing(outcome='{}', escalate_now={}, matches={:?}, unmet_needs={:?})",
            self.0.outcome.key(),
            if self.0.escalate_now { "True" } else { "False" },
            ids,
            self.0.unmet_needs.iter().map(|n| &**n).collect::<Vec<_>>()
        )
    }
}

/// Directory versions by name; picks the one in force on a date.
#[pyclass(module = "carecoord.routing", name = "DirectoryRegistry")]
#[derive(Default)]
pub struct DirectoryRegistry(core::DirectoryRegistry);

#[pymethods]
impl DirectoryRegistry {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Adds a version; a second with the same name and ``effective_from``
    /// raises ``ValueError``.
    fn add(
        &mut self,
        #[pyo3(from_py_with = convert::object::<Directory>)] directory: PyRef<'_, Directory>,
    ) -> PyResult<()> {
        self.0.add(directory.0.clone()).map_err(to_py_err)
    }

    /// The version of ``name`` in force on ``date``, or ``None``.
    fn in_force(
        &self,
        #[pyo3(from_py_with = convert::text)] name: String,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<Option<Directory>> {
        let date = convert::date(date, "date")?;
        Ok(self.0.in_force(&name, date).cloned().map(Directory))
    }
}

/// Adds the routing classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Directory>()?;
    m.add_class::<Routing>()?;
    m.add_class::<Match>()?;
    m.add_class::<DirectoryRegistry>()?;
    Ok(())
}
