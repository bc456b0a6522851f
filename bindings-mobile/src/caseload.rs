//! Caseload rule sets for Kotlin and Swift.

use std::collections::HashMap;
use std::sync::Arc;

use carecoord::caseload as core;
use carecoord::expr::{self, Value};

use crate::error::CarecoordError;

use crate::time::CalendarDate;
pub use carecoord::expr::Truth;

/// The value of one field of a patient record.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FieldValue {
    /// Missing or unknown.
    Null,
    /// True or false.
    Bool {
        /// The value.
        value: bool,
    },
    /// A whole number.
    Int {
        /// The value.
        value: i64,
    },
    /// A floating-point number.
    Float {
        /// The value.
        value: f64,
    },
    /// Text, or the value of an enum field.
    Text {
        /// The value.
        value: String,
    },
    /// A calendar date.
    Date {
        /// The value.
        value: CalendarDate,
    },
    /// A list of text values.
    TextList {
        /// The values.
        values: Vec<String>,
    },
}

impl TryFrom<FieldValue> for Value {
    type Error = CarecoordError;
    fn try_from(v: FieldValue) -> Result<Self, CarecoordError> {
        Ok(match v {
            FieldValue::Null => Value::Null,
            FieldValue::Bool { value } => Value::Bool(value),
            FieldValue::Int { value } => Value::Int(value),
            FieldValue::Float { value } => Value::float(value),
            FieldValue::Text { value } => Value::str(&value),
            FieldValue::Date { value } => Value::Date(value.to_date("record")?),
            FieldValue::TextList { values } => Value::list(values.iter().map(String::as_str)),
        })
    }
}

/// One reason a patient scored points, or was overridden to a tier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// The rule or override that gave it.
    pub rule_id: String,
    /// The reason code.
    pub code: String,
    /// Points added (0 for an override).
    pub points: i64,
}

/// The priority of one patient.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Priority {
    /// Total points.
    pub score: i64,
    /// The tier's name.
    pub tier: String,
    /// The override that set the tier, if any.
    pub override_id: Option<String>,
    /// The top reasons: an override's first, then by points, ties in rule order.
    pub reasons: Vec<Reason>,
}

impl From<core::Priority> for Priority {
    fn from(p: core::Priority) -> Self {
        Self {
            score: p.score,
            tier: p.tier().to_owned(),
            override_id: p.override_id.as_deref().map(str::to_owned),
            reasons: p
                .reasons
                .iter()
                .map(|r| Reason {
                    rule_id: r.rule_id.to_string(),
                    code: r.code.to_string(),
                    points: r.points,
                })
                .collect(),
        }
    }
}

/// A field value an elementary test read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckValue {
    /// The field.
    pub field: String,
    /// Its value, as text.
    pub value: String,
}

/// One elementary test inside a condition.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Check {
    /// The test as written.
    pub text: String,
    /// Its outcome.
    pub outcome: Truth,
    /// The values it read.
    pub values: Vec<CheckValue>,
}

fn checks(c: &[expr::Check]) -> Vec<Check> {
    c.iter()
        .map(|c| Check {
            text: c.text.clone(),
            outcome: c.outcome,
            values: c
                .values
                .iter()
                .map(|(f, v)| CheckValue {
                    field: f.clone(),
                    value: v.clone(),
                })
                .collect(),
        })
        .collect()
}

/// How one band of a rule went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BandTrace {
    /// 1-based position.
    pub band: u32,
    /// The condition as written.
    pub when: String,
    /// Its outcome.
    pub outcome: Truth,
    /// The tests that decided it.
    pub checks: Vec<Check>,
}

/// How one rule went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleTrace {
    /// The rule.
    pub rule_id: String,
    /// Its description.
    pub description: String,
    /// The band chosen (1-based), if any.
    pub band: Option<u32>,
    /// Points given.
    pub points: i64,
    /// Reason code given.
    pub reason: Option<String>,
    /// Each band tried, up to the one chosen.
    pub bands: Vec<BandTrace>,
}

/// How one override went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OverrideTrace {
    /// The override.
    pub id: String,
    /// The tier it sets.
    pub tier: String,
    /// Its outcome.
    pub outcome: Truth,
    /// The tests that decided it.
    pub checks: Vec<Check>,
}

/// Every rule and override on one record, fired or not, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Explanation {
    /// The record's identifier.
    pub row_id: String,
    /// The result.
    pub priority: Priority,
    /// Every rule, in order.
    pub rules: Vec<RuleTrace>,
    /// Every override, in order.
    pub overrides: Vec<OverrideTrace>,
    /// A plain-text rendering for people.
    pub text: String,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<core::Explanation> for Explanation {
    fn from(e: core::Explanation) -> Self {
        let text = e.to_text();
        Self {
            row_id: e.row_id,
            priority: e.priority.into(),
            rules: e
                .rules
                .iter()
                .map(|r| RuleTrace {
                    rule_id: r.rule_id.to_string(),
                    description: r.description.to_string(),
                    band: r.band.map(small),
                    points: r.points,
                    reason: r.reason.as_deref().map(str::to_owned),
                    bands: r
                        .bands
                        .iter()
                        .map(|b| BandTrace {
                            band: small(b.band),
                            when: b.when.clone(),
                            outcome: b.outcome,
                            checks: checks(&b.checks),
                        })
                        .collect(),
                })
                .collect(),
            overrides: e
                .overrides
                .iter()
                .map(|o| OverrideTrace {
                    id: o.id.to_string(),
                    tier: o.tier.to_string(),
                    outcome: o.outcome,
                    checks: checks(&o.checks),
                })
                .collect(),
            text,
        }
    }
}

/// The outcome of one embedded `[[test]]`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What differed from the expectation.
    pub failures: Vec<String>,
}

/// A caseload prioritisation rule set, loaded and checked. Thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct RuleSet(core::RuleSet);

impl RuleSet {
    fn row(&self, record: HashMap<String, FieldValue>) -> Result<core::Row, CarecoordError> {
        let mut pairs = Vec::with_capacity(record.len());
        for (name, value) in record {
            pairs.push((name, Value::try_from(value)?));
        }
        Ok(self
            .0
            .row(pairs.iter().map(|(n, v)| (n.as_str(), v.clone())))?)
    }
}

#[uniffi::export]
impl RuleSet {
    /// Loads a rule set from TOML text. Throws `InvalidRules` with the path,
    /// line and column of any mistake.
    #[uniffi::constructor]
    pub fn from_toml(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Arc::new(Self(core::RuleSet::from_toml(&text)?)))
    }

    /// Loads a rule set from JSON text (the same model as TOML).
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Arc::new(Self(core::RuleSet::from_json(&text)?)))
    }

    /// The rule set's name.
    pub fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// Its version.
    pub fn version(&self) -> String {
        self.0.version().to_owned()
    }

    /// The first day it is in force.
    pub fn effective_from(&self) -> CalendarDate {
        self.0.effective_from().into()
    }

    /// Tier names, highest first.
    pub fn tiers(&self) -> Vec<String> {
        self.0.tiers().map(str::to_owned).collect()
    }

    /// Rule ids, in order.
    pub fn rule_ids(&self) -> Vec<String> {
        self.0.rule_ids().map(str::to_owned).collect()
    }

    /// The schema's fields, in order.
    pub fn fields(&self) -> Vec<FieldInfo> {
        self.0
            .schema()
            .fields()
            .iter()
            .map(FieldInfo::from)
            .collect()
    }

    /// Scores one patient record as of `today`. Missing keys are null; keys
    /// not in the schema are ignored. Throws `InvalidRecord` naming the field
    /// (never its value) when the record does not fit the schema.
    pub fn evaluate(
        &self,
        record: HashMap<String, FieldValue>,
        today: CalendarDate,
    ) -> Result<Priority, CarecoordError> {
        let row = self.row(record)?;
        Ok(self.0.evaluate(&row, today.to_date("today")?).into())
    }

    /// Scores one record and explains every rule and override.
    pub fn explain(
        &self,
        record: HashMap<String, FieldValue>,
        today: CalendarDate,
    ) -> Result<Explanation, CarecoordError> {
        let row = self.row(record)?;
        Ok(self.0.explain(&row, today.to_date("today")?).into())
    }

    /// Runs the rule file's `[[test]]` cases.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        self.0
            .run_tests()
            .into_iter()
            .map(|t| TestOutcome {
                passed: t.passed(),
                name: t.name,
                failures: t.failures,
            })
            .collect()
    }
}

/// How many patients move from one tier to another.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TierMove {
    /// Tier under the old rules.
    pub from: String,
    /// Tier under the new rules.
    pub to: String,
    /// How many patients.
    pub patients: u64,
}

/// One rule's part in a change of version.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleImpact {
    /// The rule.
    pub rule_id: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub change: String,
    /// Patients who moved tier and whose points from this rule differ.
    pub moved_patients: u64,
    /// All patients whose points from this rule differ.
    pub all_patients: u64,
}

/// What replacing one rule-set version by another would do to a caseload.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImpactReport {
    /// Patients assessed.
    pub patients: u64,
    /// Patients whose tier changes.
    pub moved: u64,
    /// Every (from, to) pair with patients.
    pub matrix: Vec<TierMove>,
    /// Every rule of either version, changed rules first.
    pub rules: Vec<RuleImpact>,
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl From<core::ImpactReport> for ImpactReport {
    fn from(r: core::ImpactReport) -> Self {
        Self {
            patients: count(r.patients),
            moved: count(r.moved),
            matrix: r
                .matrix
                .into_iter()
                .map(|m| TierMove {
                    from: m.from,
                    to: m.to,
                    patients: count(m.patients),
                })
                .collect(),
            rules: r
                .rules
                .into_iter()
                .map(|x| RuleImpact {
                    rule_id: x.rule_id,
                    change: x.change.key().to_owned(),
                    moved_patients: count(x.moved_patients),
                    all_patients: count(x.all_patients),
                })
                .collect(),
        }
    }
}

/// Compares two versions of a rule set on the same caseload: how many
/// patients move tier, and which rule changes drive it.
#[uniffi::export]
pub fn impact(
    old: Arc<RuleSet>,
    new: Arc<RuleSet>,
    records: Vec<HashMap<String, FieldValue>>,
    today: CalendarDate,
) -> Result<ImpactReport, CarecoordError> {
    let mut rows: Vec<Vec<(String, Value)>> = Vec::with_capacity(records.len());
    for record in records {
        let mut pairs = Vec::with_capacity(record.len());
        for (name, value) in record {
            pairs.push((name, Value::try_from(value)?));
        }
        rows.push(pairs);
    }
    let report = core::impact(
        &old.0,
        &new.0,
        rows.iter().map(Vec::as_slice),
        today.to_date("today")?,
    )?;
    Ok(report.into())
}

/// A field of a schema: its name, type (as the rule file writes it, e.g.
/// `int`, `enum[female, male]`) and whether it may be null.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldInfo {
    /// The field's name.
    pub name: String,
    /// Its type, as written in a rule file.
    pub type_name: String,
    /// Whether it may be null.
    pub nullable: bool,
}

impl From<&carecoord::expr::Field> for FieldInfo {
    fn from(f: &carecoord::expr::Field) -> Self {
        Self {
            name: f.name.clone(),
            type_name: f.ty.to_string(),
            nullable: f.nullable,
        }
    }
}

/// Rule-set versions; picks the version in force on a date. Thread-safe.
#[derive(Debug, Default, uniffi::Object)]
pub struct RuleRegistry(std::sync::Mutex<core::RuleRegistry>);

impl RuleRegistry {
    fn registry(&self) -> std::sync::MutexGuard<'_, core::RuleRegistry> {
        crate::locked(&self.0)
    }
}

#[uniffi::export]
impl RuleRegistry {
    /// An empty registry.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Adds a version; one of the same name starting on the same day is
    /// refused (`registry.duplicate_version`).
    pub fn add(&self, rules: Arc<RuleSet>) -> Result<(), CarecoordError> {
        Ok(self.registry().add(rules.0.clone())?)
    }

    /// The version of `name` in force on `date`, or null.
    pub fn in_force(
        &self,
        name: String,
        date: CalendarDate,
    ) -> Result<Option<Arc<RuleSet>>, CarecoordError> {
        let date = date.to_date("date")?;
        Ok(self
            .registry()
            .in_force(&name, date)
            .map(|r| Arc::new(RuleSet(r.clone()))))
    }
}
