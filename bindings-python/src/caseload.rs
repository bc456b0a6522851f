//! `carecoord.caseload`: rule sets, priorities and explanations.

use std::path::PathBuf;

use carecoord::argument::{ArgumentError, ArgumentProblem, Expected};
use carecoord::caseload::{self as core, Row};
use carecoord::expr::{Truth, Value};
use carecoord::time::london_today;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyArray, PySchema, PyTable};

use crate::convert;
use crate::error::to_py_err;

/// A caseload prioritisation rule set, loaded and checked.
///
/// >>> from carecoord.caseload import RuleSet
/// >>> rules = RuleSet.from_toml("../examples/rules/frailty_priority.toml")
/// >>> p = rules.evaluate({"patient_id": "P1", "age": 88, "efi_deficits": 14,
/// ...                     "safeguarding_flag": False}, today="2026-11-23")
/// >>> (p.score, p.tier, p.reasons[0].code)
/// (6, 'medium', 'EFI_SEVERE')
#[pyclass(module = "carecoord.caseload", name = "RuleSet", frozen)]
pub struct RuleSet(core::RuleSet, Vec<Py<PyString>>);

impl RuleSet {
    /// Wraps a loaded rule set, keeping its field names as Python strings so
    /// that reading a row does not build them again for every call.
    fn new(py: Python<'_>, rules: core::RuleSet) -> Self {
        let names = rules
            .schema()
            .fields()
            .iter()
            .map(|f| PyString::intern(py, &f.name).unbind())
            .collect();
        Self(rules, names)
    }
}

/// `text_or_path`: a path object, a path string naming an existing file, or
/// the rule text itself.
pub(crate) fn source_path(obj: &Bound<'_, PyAny>) -> PyResult<Option<PathBuf>> {
    if obj.hasattr("__fspath__")? {
        return Ok(Some(obj.extract::<PathBuf>()?));
    }
    let text = convert::text_value(obj).map_err(|e| match e.problem {
        ArgumentProblem::WrongType { .. } => {
            to_py_err(ArgumentError::wrong_type(Expected::TextOrPath))
        }
        _ => to_py_err(e),
    })?;
    let path = PathBuf::from(&text);
    Ok((!text.contains('\n') && path.is_file()).then_some(path))
}

/// The value of the field `name` (a rule field or referral field): `None`,
/// a bool, an int, a float, text, a date or a list of text. The core checks it
/// against the field's type (and reads NaN as missing).
pub(crate) fn field_value(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    value_of(obj).map_err(|e| to_py_err(e.in_named_field(name)))
}

fn value_of(obj: &Bound<'_, PyAny>) -> Result<Value, ArgumentError> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: in Python, True is an int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return convert::int_value::<i64>(obj).map(Value::Int);
    }
    if let Ok(x) = obj.cast::<PyFloat>() {
        return Ok(Value::float(x.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return convert::str_of(s).map(|s| Value::str(&s));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = convert::texts_value(obj)?;
        return Ok(Value::list(items.iter().map(String::as_str)));
    }
    if obj.is_instance_of::<PyDate>() && !obj.is_instance_of::<PyDateTime>() {
        if let Ok(d) = obj.extract::<NaiveDate>() {
            return Ok(Value::Date(d));
        }
    }
    Err(ArgumentError::wrong_type(Expected::FieldValue))
}

/// Any Arrow-capable table; pandas goes through pyarrow.
pub(crate) fn arrow_input(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<AnyRecordBatch> {
    if data.hasattr("__arrow_c_stream__")? || data.hasattr("__arrow_c_array__")? {
        return data.extract();
    }
    let module: String = data.get_type().module()?.extract()?;
    if module.starts_with("pandas") {
        let table = py.import("pyarrow")?.getattr("Table")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("preserve_index", false)?;
        let converted = table.call_method("from_pandas", (data,), Some(&kwargs))?;
        return converted.extract();
    }
    Err(to_py_err(ArgumentError::wrong_type(Expected::Table)))
}

/// `table` (the output of `evaluate_batches_keyed`) with its `tier` and
/// `reason_n` key columns wrapped as dictionary columns over the rule set's
/// tier names and reason codes, as in `schema`.
///
/// The core guarantees every key is a position in its dictionary, so the
/// keys are handed to pyarrow unchecked (`safe=False`): checking a million
/// rows of four columns again took about a tenth of the whole evaluation.
fn dictionary_columns<'py>(
    py: Python<'py>,
    rules: &core::RuleSet,
    mut table: Bound<'py, PyAny>,
    schema: PySchema,
) -> PyResult<Bound<'py, PyAny>> {
    let pa = py.import("pyarrow")?;
    let schema = schema.into_pyarrow(py)?;
    let from_arrays = pa.getattr("DictionaryArray")?.getattr("from_arrays")?;
    let unchecked = PyDict::new(py);
    unchecked.set_item("safe", false)?;
    for (i, values) in rules.keyed_dictionaries() {
        let values = PyArray::from_array_ref(values);
        let values = values.to_pyarrow(py)?;
        let field = schema.call_method1("field", (i,))?;
        let chunks = table.call_method1("column", (i,))?.getattr("chunks")?;
        let wrapped = PyList::empty(py);
        for chunk in chunks.try_iter()? {
            wrapped.append(from_arrays.call((chunk?, &values), Some(&unchecked))?)?;
        }
        let column = pa.call_method1("chunked_array", (wrapped, field.getattr("type")?))?;
        table = table.call_method1("set_column", (i, field, column))?;
    }
    Ok(table)
}

impl RuleSet {
    fn row(&self, row: &Bound<'_, PyAny>) -> PyResult<Row> {
        let fields = self.0.schema().fields();
        let mut pairs = Vec::with_capacity(fields.len());
        let py = row.py();
        if let Ok(dict) = row.cast::<PyDict>() {
            // The common case, one lookup per field with a ready-made key.
            for (field, name) in fields.iter().zip(&self.1) {
                if let Some(value) = dict.get_item(name.bind(py))? {
                    pairs.push((field.name.as_str(), field_value(&field.name, &value)?));
                }
            }
        } else {
            let mapping = row
                .cast::<PyMapping>()
                .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Mapping)))?;
            for (field, name) in fields.iter().zip(&self.1) {
                let name = name.bind(py);
                if mapping.contains(name)? {
                    pairs.push((
                        field.name.as_str(),
                        field_value(&field.name, &mapping.get_item(name)?)?,
                    ));
                }
            }
        }
        self.0.row(pairs).map_err(to_py_err)
    }

    /// A path is read by the core (which picks the format by extension);
    /// text is parsed with `parse`. The GIL is released while loading.
    fn load(
        py: Python<'_>,
        text_or_path: &Bound<'_, PyAny>,
        parse: fn(&str) -> Result<core::RuleSet, core::RuleError>,
    ) -> PyResult<Self> {
        let loaded = match source_path(text_or_path)? {
            Some(path) => py.detach(|| core::RuleSet::from_path(path)),
            None => {
                let text: String = text_or_path.extract()?;
                py.detach(|| parse(&text))
            }
        };
        loaded.map(|rules| Self::new(py, rules)).map_err(to_py_err)
    }

    fn today(today: Option<&Bound<'_, PyAny>>) -> PyResult<NaiveDate> {
        match today {
            Some(t) if !t.is_none() => convert::date(t, "today"),
            _ => Ok(london_today()),
        }
    }
}

#[pymethods]
impl RuleSet {
    /// Loads a rule set from TOML: rule text, or a path to a ``.toml`` file.
    /// Raises :class:`carecoord.RuleError` (with ``code``, ``line``, ``col``,
    /// ``path`` and ``help``) for any mistake in the file.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text_or_path: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::load(py, text_or_path, core::RuleSet::from_toml)
    }

    /// Loads a rule set from JSON (the same model as TOML): text or a path.
    #[staticmethod]
    fn from_json(py: Python<'_>, text_or_path: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::load(py, text_or_path, core::RuleSet::from_json)
    }

    /// The rule set's name.
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

    /// Tier names, highest first.
    #[getter]
    fn tiers(&self) -> Vec<String> {
        self.0.tiers().map(str::to_owned).collect()
    }

    /// Rule ids, in order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.0.rule_ids().map(str::to_owned).collect()
    }

    /// The declared fields as ``(name, type, nullable)``.
    #[getter]
    fn fields(&self) -> Vec<(String, String, bool)> {
        self.0
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name.clone(), f.ty.to_string(), f.nullable))
            .collect()
    }

    /// Scores one patient. ``row`` maps field names to values (``None`` or a
    /// missing key is null; dates may be ``date`` or ``YYYY-MM-DD`` text;
    /// extra keys are ignored). ``today`` is what ``today()`` returns in
    /// rules; by default today's date in London.
    #[pyo3(signature = (row, today = None))]
    fn evaluate(
        &self,
        row: &Bound<'_, PyAny>,
        today: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Priority> {
        let row = self.row(row)?;
        Ok(Priority(self.0.evaluate(&row, Self::today(today)?)))
    }

    /// Scores one patient and explains every rule: the band chosen, and for
    /// rules that did not fire, which tests failed and the values they saw.
    #[pyo3(signature = (row, today = None))]
    fn explain(
        &self,
        row: &Bound<'_, PyAny>,
        today: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Explanation> {
        let row = self.row(row)?;
        Ok(Explanation(self.0.explain(&row, Self::today(today)?)))
    }

    /// Scores a whole caseload table on every core, with the GIL released.
    ///
    /// ``data`` is anything that speaks the Arrow PyCapsule interface
    /// (``__arrow_c_stream__`` or ``__arrow_c_array__``): a pyarrow Table or
    /// RecordBatchReader, a polars DataFrame, a DuckDB result; a pandas
    /// DataFrame is converted through pyarrow. Columns are matched to the
    /// schema by name; other columns are ignored.
    ///
    /// Returns a ``pyarrow.Table`` with ``<id>, score, tier, reason_1 …
    /// reason_N`` in input order, tier and reasons dictionary-encoded: the
    /// same results as :meth:`evaluate` row by row.
    #[pyo3(signature = (data, today = None))]
    fn evaluate_table<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        today: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let today = Self::today(today)?;
        let input = arrow_input(py, data)?;
        let (batches, schema) = input.into_table()?.into_inner();
        let rules = &self.0;
        let outputs = py.detach(|| rules.evaluate_batches_keyed(&batches, today));
        let outputs = outputs.map_err(to_py_err)?;
        let id_type = rules
            .schema()
            .id_field()
            .and_then(|f| schema.field_with_name(&f.name).ok())
            .map(|f| f.data_type().clone())
            .ok_or_else(|| {
                let name = rules
                    .schema()
                    .id_field()
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                to_py_err(carecoord::caseload::RecordError::MissingColumn { field: name })
            })?;
        let keyed = PyTable::try_new(outputs, rules.keyed_output_schema(&id_type))?;
        let schema = PySchema::new(rules.output_schema(&id_type));
        dictionary_columns(py, rules, keyed.into_pyarrow(py)?, schema)
    }

    /// Runs the rule file's ``[[test]]`` cases and returns their outcomes.
    fn run_tests(&self) -> Vec<TestOutcome> {
        self.0.run_tests().into_iter().map(TestOutcome).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "RuleSet(name='{}', version='{}', effective_from={}, rules={})",
            self.0.name(),
            self.0.version(),
            self.0.effective_from(),
            self.0.rule_ids().count()
        )
    }
}

/// One reason a patient scored points, or was overridden to a tier.
#[pyclass(module = "carecoord.caseload", name = "Reason", frozen, eq)]
#[derive(PartialEq)]
pub struct Reason(core::Reason);

#[pymethods]
impl Reason {
    /// The rule or override that gave it.
    #[getter]
    fn rule_id(&self) -> &str {
        &self.0.rule_id
    }
    /// The reason code.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }
    /// Points added (0 for an override).
    #[getter]
    fn points(&self) -> i64 {
        self.0.points
    }
    fn __repr__(&self) -> String {
        format!(
            "Reason(code='{}', points={}, rule_id='{}')",
            self.0.code, self.0.points, self.0.rule_id
        )
    }
}

/// The priority of one patient: score, tier and top reasons.
#[pyclass(module = "carecoord.caseload", name = "Priority", frozen, eq)]
#[derive(PartialEq)]
pub struct Priority(core::Priority);

#[pymethods]
impl Priority {
    /// Total points.
    #[getter]
    fn score(&self) -> i64 {
        self.0.score
    }
    /// The tier's name.
    #[getter]
    fn tier(&self) -> &str {
        self.0.tier()
    }
    /// The override that set the tier, if any.
    #[getter]
    fn override_id(&self) -> Option<&str> {
        self.0.override_id.as_deref()
    }
    /// The top reasons: an override's first, then by points, ties in rule order.
    #[getter]
    fn reasons(&self) -> Vec<Reason> {
        self.0.reasons.iter().cloned().map(Reason).collect()
    }
    fn __repr__(&self) -> String {
        let codes: Vec<String> = self
            .0
            .reasons
            .iter()
            .map(|r| format!("'{}'", r.code))
            .collect();
        format!(
            "Priority(score={}, tier='{}', reasons=[{}])",
            self.0.score,
            self.0.tier(),
            codes.join(", ")
        )
    }
}

fn truth(t: Truth) -> &'static str {
    t.key()
}

/// Every rule and override on one row, fired or not, and why.
#[pyclass(module = "carecoord.caseload", name = "Explanation", frozen)]
pub struct Explanation(core::Explanation);

#[pymethods]
impl Explanation {
    /// The row's identifier.
    #[getter]
    fn row_id(&self) -> &str {
        &self.0.row_id
    }
    /// The result.
    #[getter]
    fn priority(&self) -> Priority {
        Priority(self.0.priority.clone())
    }
    /// One dict per rule: ``rule_id``, ``description``, ``band`` (1-based or
    /// ``None``), ``points``, ``reason``, and ``bands``: each band tried with
    /// its ``when``, ``outcome`` (``"true"``, ``"false"``, ``"unknown"``) and
    /// ``checks`` (``text``, ``outcome``, ``values``).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .rules
            .iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("rule_id", &*r.rule_id)?;
                d.set_item("description", &*r.description)?;
                d.set_item("band", r.band)?;
                d.set_item("points", r.points)?;
                d.set_item("reason", r.reason.as_deref())?;
                let bands = r
                    .bands
                    .iter()
                    .map(|b| {
                        let bd = PyDict::new(py);
                        bd.set_item("band", b.band)?;
                        bd.set_item("when", &b.when)?;
                        bd.set_item("outcome", truth(b.outcome))?;
                        bd.set_item("checks", checks(py, &b.checks)?)?;
                        Ok(bd)
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("bands", bands)?;
                Ok(d)
            })
            .collect()
    }
    /// One dict per override: ``id``, ``tier``, ``outcome``, ``checks``.
    #[getter]
    fn overrides<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .overrides
            .iter()
            .map(|o| {
                let d = PyDict::new(py);
                d.set_item("id", &*o.id)?;
                d.set_item("tier", &*o.tier)?;
                d.set_item("outcome", truth(o.outcome))?;
                d.set_item("checks", checks(py, &o.checks)?)?;
                Ok(d)
            })
            .collect()
    }
    fn __str__(&self) -> String {
        self.0.to_text()
    }
    fn __repr__(&self) -> String {
        format!(
            "Explanation(row_id='{}', score={}, tier='{}')",
            self.0.row_id,
            self.0.priority.score,
            self.0.priority.tier()
        )
    }
    fn _repr_html_(&self) -> String {
        self.0.to_html()
    }
}

fn checks<'py>(
    py: Python<'py>,
    checks: &[carecoord::expr::Check],
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    checks
        .iter()
        .map(|c| {
            let d = PyDict::new(py);
            d.set_item("text", &c.text)?;
            d.set_item("outcome", truth(c.outcome))?;
            let values = PyDict::new(py);
            for (k, v) in &c.values {
                values.set_item(k, v)?;
            }
            d.set_item("values", values)?;
            Ok(d)
        })
        .collect()
}

/// The outcome of one embedded ``[[test]]``.
#[pyclass(module = "carecoord.caseload", name = "TestOutcome", frozen)]
pub struct TestOutcome(core::TestOutcome);

#[pymethods]
impl TestOutcome {
    /// The test's name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether it passed.
    #[getter]
    fn passed(&self) -> bool {
        self.0.passed()
    }
    /// What differed from the expectation.
    #[getter]
    fn failures(&self) -> Vec<String> {
        self.0.failures.clone()
    }
    fn __repr__(&self) -> String {
        format!(
            "TestOutcome(name='{}', passed={})",
            self.0.name,
            if self.0.passed() { "True" } else { "False" }
        )
    }
}

/// Versions of rule sets; picks the version in force on a date.
///
/// >>> from carecoord.caseload import RuleRegistry, RuleSet
/// >>> registry = RuleRegistry()
/// >>> registry.add(RuleSet.from_toml("../examples/rules/frailty_priority.toml"))
/// >>> registry.in_force("frailty_priority", "2026-11-23").version
/// '1.0.0'
/// >>> registry.in_force("frailty_priority", "2026-01-01") is None
/// True
#[pyclass(module = "carecoord.caseload", name = "RuleRegistry")]
#[derive(Default)]
pub struct RuleRegistry {
    registry: core::RuleRegistry,
}

#[pymethods]
impl RuleRegistry {
    #[new]
    fn py_new() -> Self {
        Self::default()
    }

    /// Adds a version. Raises ``ValueError`` if a version of the same name
    /// with the same ``effective_from`` is already there.
    fn add(
        &mut self,
        #[pyo3(from_py_with = convert::object::<RuleSet>)] rules: PyRef<'_, RuleSet>,
    ) -> PyResult<()> {
        self.registry.add(rules.0.clone()).map_err(to_py_err)
    }

    /// The version of ``name`` in force on ``date`` (a date or ``YYYY-MM-DD``
    /// text): the latest whose ``effective_from`` is on or before it.
    fn in_force(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = convert::text)] name: String,
        date: &Bound<'_, PyAny>,
    ) -> PyResult<Option<RuleSet>> {
        let date = convert::date(date, "date")?;
        Ok(self
            .registry
            .in_force(&name, date)
            .map(|r| RuleSet::new(py, r.clone())))
    }

    fn __repr__(&self) -> String {
        format!("RuleRegistry(versions={})", self.registry.len())
    }
}

/// What replacing ``old`` by ``new`` would do to a caseload.
#[pyclass(module = "carecoord.caseload", name = "ImpactReport", frozen)]
pub struct ImpactReport(core::ImpactReport);

#[pymethods]
impl ImpactReport {
    /// Patients assessed.
    #[getter]
    fn patients(&self) -> usize {
        self.0.patients
    }
    /// Patients whose tier changes.
    #[getter]
    fn moved(&self) -> usize {
        self.0.moved
    }
    /// ``(from_tier, to_tier, patients)`` for every pair with patients.
    #[getter]
    fn matrix(&self) -> Vec<(String, String, usize)> {
        self.0
            .matrix
            .iter()
            .map(|m| (m.from.clone(), m.to.clone(), m.patients))
            .collect()
    }
    /// One dict per rule of either version: ``rule_id``, ``change``
    /// (``added``, ``removed``, ``changed``, ``unchanged``), ``moved_patients``
    /// (moved tier, and this rule's points differ), ``all_patients``.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .rules
            .iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("rule_id", &r.rule_id)?;
                d.set_item("change", r.change.key())?;
                d.set_item("moved_patients", r.moved_patients)?;
                d.set_item("all_patients", r.all_patients)?;
                Ok(d)
            })
            .collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "ImpactReport(patients={}, moved={})",
            self.0.patients, self.0.moved
        )
    }
}

/// Compares two versions of a rule set on the same caseload (an iterable of
/// row mappings): how many patients move tier, and which rule changes drive it.
#[pyfunction]
#[pyo3(signature = (old, new, rows, today = None))]
fn impact(
    #[pyo3(from_py_with = convert::object::<RuleSet>)] old: PyRef<'_, RuleSet>,
    #[pyo3(from_py_with = convert::object::<RuleSet>)] new: PyRef<'_, RuleSet>,
    rows: &Bound<'_, PyAny>,
    today: Option<&Bound<'_, PyAny>>,
) -> PyResult<ImpactReport> {
    let today = RuleSet::today(today)?;
    // Each row as (field, value) for the union of both schemas.
    let mut records: Vec<Vec<(String, Value)>> = Vec::new();
    for row in rows.try_iter()? {
        let row = row?;
        let mapping = row
            .cast::<PyMapping>()
            .map_err(|_| to_py_err(ArgumentError::wrong_type(Expected::Mapping)))?;
        let mut pairs = Vec::new();
        for field in old
            .0
            .schema()
            .fields()
            .iter()
            .chain(new.0.schema().fields())
        {
            if pairs
                .iter()
                .any(|(n, _): &(String, Value)| *n == field.name)
                || !mapping.contains(&field.name)?
            {
                continue;
            }
            pairs.push((
                field.name.clone(),
                field_value(&field.name, &mapping.get_item(&field.name)?)?,
            ));
        }
        records.push(pairs);
    }
    core::impact(&old.0, &new.0, records.iter().map(Vec::as_slice), today)
        .map(ImpactReport)
        .map_err(to_py_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ImpactReport>()?;
    m.add_class::<RuleRegistry>()?;
    m.add_function(wrap_pyfunction!(impact, m)?)?;
    m.add_class::<RuleSet>()?;
    m.add_class::<Priority>()?;
    m.add_class::<Reason>()?;
    m.add_class::<Explanation>()?;
    m.add_class::<TestOutcome>()?;
    Ok(())
}
