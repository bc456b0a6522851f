//! A loaded rule set and its row-wise evaluation: score, tier, reasons, and
//! on request the full explanation.

use std::fmt::{self, Write as _};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::expr::{Check, CompiledExpr, EvalContext, Fields, Schema, Truth, Value};

use super::error::{RecordError, RuleError, RuleErrorKind};
use super::load::{self, Source};
use super::model::ExpectSpec;
use super::record;

#[derive(Debug)]
pub(crate) struct Tier {
    pub name: Arc<str>,
    pub min_score: Option<i64>,
}

#[derive(Debug)]
pub(crate) struct Override {
    pub id: Arc<str>,
    pub when: CompiledExpr,
    pub tier: usize,
    pub reason: Arc<str>,
}

#[derive(Debug)]
pub(crate) struct Band {
    pub when: CompiledExpr,
    pub points: i64,
    pub reason: Arc<str>,
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: Arc<str>,
    pub description: Arc<str>,
    /// A single-condition rule is one band.
    pub bands: Vec<Band>,
}

#[derive(Debug)]
pub(crate) struct RuleTest {
    pub name: String,
    pub row: Vec<Value>,
    pub today: NaiveDate,
    pub expect: ExpectSpec,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub name: String,
    pub version: String,
    pub effective_from: NaiveDate,
    pub description: String,
    pub top_reasons: usize,
    pub schema: Schema,
    pub id_index: usize,
    pub tiers: Vec<Tier>,
    pub overrides: Vec<Override>,
    pub rules: Vec<Rule>,
    pub tests: Vec<RuleTest>,
}

/// One reason kept while scoring a row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub points: i64,
    pub source: HitSource,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum HitSource {
    Override(usize),
    Band { rule: usize, band: usize },
}

/// Score, tier and override of a row; the reasons are in the `hits` buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored {
    pub score: i64,
    pub tier: usize,
    pub override_index: Option<usize>,
}

/// A caseload prioritisation rule set, loaded and checked.
///
/// Cheap to clone and safe to share between threads.
///
/// ```
/// use carecoord::caseload::RuleSet;
/// use carecoord::expr::Value;
/// use chrono::NaiveDate;
///
/// let rules = RuleSet::from_toml(r#"
/// [ruleset]
/// name = "demo"
/// version = "1"
/// effective_from = 2026-04-01
///
/// [schema]
/// id = "patient_id"
/// fields = { patient_id = "string", age = "int", lives_alone = "bool" }
///
/// [[tier]]
/// name = "high"
/// min_score = 2
/// [[tier]]
/// name = "low"
///
/// [[rule]]
/// id = "age"
/// bands = [
///   { when = "age >= 85", points = 2, reason = "AGE_85_PLUS" },
///   { when = "age >= 75", points = 1, reason = "AGE_75_84" },
/// ]
/// [[rule]]
/// id = "alone"
/// when = "lives_alone"
/// points = 1
/// reason = "LIVES_ALONE"
/// "#)?;
///
/// let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
/// let row = rules.row([("patient_id", Value::str("P1")), ("age", Value::Int(79)), ("lives_alone", Value::Bool(true))])?;
/// let p = rules.evaluate(&row, today);
/// assert_eq!((p.score, p.tier()), (2, "high"));
/// assert_eq!(p.reason_codes(), ["AGE_75_84", "LIVES_ALONE"]);
/// # Ok::<(), carecoord::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    inner: Arc<Inner>,
}

/// A row of values in the rule set's schema order, checked against it.
#[derive(Clone, PartialEq)]
pub struct Row(pub(crate) Vec<Value>);

impl fmt::Debug for Row {
    /// Shows how many values, never the values: a row is patient data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Row({} values)", self.0.len())
    }
}

impl Row {
    /// The values, in schema order.
    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

/// One reason a patient scored points (or was overridden to a tier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The rule (or override) that gave it.
    pub rule_id: Arc<str>,
    /// The reason code, e.g. `AGE_85_PLUS`.
    pub code: Arc<str>,
    /// The points it added (0 for an override).
    pub points: i64,
}

/// The priority of one patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    /// The total points.
    pub score: i64,
    /// The tier's position in the rule set (0 is the highest).
    pub tier_index: usize,
    tier: Arc<str>,
    /// The override that set the tier, if one fired.
    pub override_id: Option<Arc<str>>,
    /// The top reasons: an override's first, then by points (highest first),
    /// ties in rule order; at most the rule set's `top_reasons`.
    pub reasons: Vec<Reason>,
}

impl Priority {
    /// The tier's name.
    pub fn tier(&self) -> &str {
        &self.tier
    }

    /// The reason codes, in order.
    pub fn reason_codes(&self) -> Vec<&str> {
        self.reasons.iter().map(|r| &*r.code).collect()
    }
}

/// How one band of a rule went on a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandTrace {
    /// 1-based position in the rule.
    pub band: usize,
    /// The condition as written.
    pub when: String,
    /// Its outcome.
    pub outcome: Truth,
    /// The elementary tests that decided it, with the values they saw.
    pub checks: Vec<Check>,
}

/// How one rule went on a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTrace {
    /// The rule.
    pub rule_id: Arc<str>,
    /// Its description.
    pub description: Arc<str>,
    /// The band chosen (1-based), if any fired.
    pub band: Option<usize>,
    /// Points given.
    pub points: i64,
    /// Reason code given.
    pub reason: Option<Arc<str>>,
    /// Each band tried, in order, up to and including the one chosen.
    pub bands: Vec<BandTrace>,
}

/// How one override went on a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideTrace {
    /// The override.
    pub id: Arc<str>,
    /// The tier it sets.
    pub tier: Arc<str>,
    /// Its condition's outcome.
    pub outcome: Truth,
    /// The tests that decided it.
    pub checks: Vec<Check>,
}

/// Everything about one patient's priority: every rule, fired or not, and
/// why. Holds no identifier but the row id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The row's identifier value, as text.
    pub row_id: String,
    /// The result.
    pub priority: Priority,
    /// Every rule, in rule-set order.
    pub rules: Vec<RuleTrace>,
    /// Every override, in order.
    pub overrides: Vec<OverrideTrace>,
}

/// The outcome of one embedded `[[test]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// What differed from the expectation (empty when it passed).
    pub failures: Vec<String>,
}

impl TestOutcome {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl RuleSet {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Loads a rule set from TOML text. Every mistake is a [`RuleError`] with
    /// its line and column.
    pub fn from_toml(text: &str) -> Result<Self, RuleError> {
        let file = load::parse_toml(text)?;
        load::build(
            file,
            &Source {
                text,
                spans_valid: true,
            },
        )
    }

    /// Loads a rule set from JSON text (the same model as TOML).
    pub fn from_json(text: &str) -> Result<Self, RuleError> {
        let file = load::parse_json(text)?;
        load::build(
            file,
            &Source {
                text,
                spans_valid: false,
            },
        )
    }

    /// Loads a rule set from a `.toml` or `.json` file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, RuleError> {
        use crate::document::{Format, read};
        match read(path.as_ref()) {
            Ok((text, Format::Json)) => Self::from_json(&text),
            Ok((text, Format::Toml)) => Self::from_toml(&text),
            Err(kind) => Err(RuleError::new(
                RuleErrorKind::Syntax {
                    message: format!("cannot read the rule file: {kind}"),
                },
                "",
                None,
            )),
        }
    }

    /// The rule set's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Its version.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The first day it is in force.
    pub fn effective_from(&self) -> NaiveDate {
        self.inner.effective_from
    }

    /// Its description.
    pub fn description(&self) -> &str {
        &self.inner.description
    }

    /// The fields it reads.
    pub fn schema(&self) -> &Schema {
        &self.inner.schema
    }

    /// The tier names, highest first.
    pub fn tiers(&self) -> impl Iterator<Item = &str> {
        self.inner.tiers.iter().map(|t| &*t.name)
    }

    /// The rule ids, in order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.rules.iter().map(|r| &*r.id)
    }

    /// How many reasons a result keeps.
    pub fn top_reasons(&self) -> usize {
        self.inner.top_reasons
    }

    /// Builds a row from `(field, value)` pairs, checking each against the
    /// schema. Fields not given are null; names not in the schema are ignored.
    pub fn row<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, Value)>,
    ) -> Result<Row, RecordError> {
        record::row_from_pairs(&self.inner.schema, pairs).map(Row)
    }

    /// Scores one row as of `today` (what `today()` returns in rules).
    ///
    /// ```
    /// use carecoord::caseload::RuleSet;
    /// use carecoord::expr::Value;
    /// use chrono::NaiveDate;
    ///
    /// let rules = RuleSet::from_path("../examples/rules/frailty_priority.toml")?;
    /// let row = rules.row([
    ///     ("patient_id", Value::str("P1")),
    ///     ("age", Value::Int(88)),
    ///     ("efi_deficits", Value::Int(14)),
    ///     ("safeguarding_flag", Value::Bool(false)),
    /// ])?;
    /// let p = rules.evaluate(&row, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    /// assert_eq!(p.reasons[0].code.as_ref(), "EFI_SEVERE");
    /// assert!(p.score >= 5);
    /// # Ok::<(), carecoord::Error>(())
    /// ```
    pub fn evaluate(&self, row: &Row, today: NaiveDate) -> Priority {
        self.score(&row.0, &EvalContext { today })
    }

    pub(crate) fn score(&self, row: &[Value], ctx: &EvalContext) -> Priority {
        let inner = &*self.inner;
        let mut hits = Vec::with_capacity(inner.top_reasons);
        let scored = self.score_with(row, ctx, &mut hits);
        let reasons = hits
            .iter()
            .map(|hit| match hit.source {
                HitSource::Override(o) => {
                    let o = inner.overrides.get(o);
                    Reason {
                        rule_id: o.map_or_else(|| Arc::from(""), |o| o.id.clone()),
                        code: o.map_or_else(|| Arc::from(""), |o| o.reason.clone()),
                        points: 0,
                    }
                }
                HitSource::Band { rule, band } => {
                    let rule = inner.rules.get(rule);
                    let band = rule.and_then(|r| r.bands.get(band));
                    Reason {
                        rule_id: rule.map_or_else(|| Arc::from(""), |r| r.id.clone()),
                        code: band.map_or_else(|| Arc::from(""), |b| b.reason.clone()),
                        points: hit.points,
                    }
                }
            })
            .collect();
        let tier = inner
            .tiers
            .get(scored.tier)
            .map_or_else(|| Arc::from(""), |t| t.name.clone());
        let override_id = scored
            .override_index
            .and_then(|o| inner.overrides.get(o))
            .map(|o| o.id.clone());
        Priority {
            score: scored.score,
            tier_index: scored.tier,
            tier,
            override_id,
            reasons,
        }
    }

    /// The one scoring routine behind every evaluator (row-wise and columnar).
    ///
    /// `hits` is filled with the top reasons, kept sorted as they arrive
    /// (an override's first, then points descending, ties in rule order) and
    /// cut to the top N, so no per-row allocation is needed.
    pub(crate) fn score_with<R: Fields + ?Sized>(
        &self,
        row: &R,
        ctx: &EvalContext,
        hits: &mut Vec<Hit>,
    ) -> Scored {
        let inner = &*self.inner;
        let override_index = inner.overrides.iter().position(|o| o.when.fires(row, ctx));
        self.assemble(override_index, self.fired_bands(row, ctx), hits)
    }

    /// `(rule, band)` for each rule that fires on a row: its first true band.
    pub(crate) fn fired_bands<'s, R: Fields + ?Sized>(
        &'s self,
        row: &'s R,
        ctx: &'s EvalContext,
    ) -> impl Iterator<Item = (usize, usize)> + 's {
        self.inner
            .rules
            .iter()
            .enumerate()
            .filter_map(move |(r, rule)| {
                rule.bands
                    .iter()
                    .position(|b| b.when.fires(row, ctx))
                    .map(|b| (r, b))
            })
    }

    /// Score, tier and top reasons from what fired: the override (if any)
    /// and the band chosen in each rule that fired, in rule order.
    ///
    /// `hits` is filled with the top reasons, kept sorted as they arrive
    /// (an override's first, then points descending, ties in rule order) and
    /// cut to the top N, so no per-row allocation is needed. Every evaluator
    /// (row-wise, row-at-a-time over Arrow, vectorised) ends here.
    pub(crate) fn assemble(
        &self,
        override_index: Option<usize>,
        chosen: impl Iterator<Item = (usize, usize)>,
        hits: &mut Vec<Hit>,
    ) -> Scored {
        let inner = &*self.inner;
        let top = inner.top_reasons;
        hits.clear();
        if let Some(o) = override_index.filter(|_| top > 0) {
            hits.push(Hit {
                points: 0,
                source: HitSource::Override(o),
            });
        }
        let fixed = hits.len();
        let mut score = 0i64;
        for (r, b) in chosen {
            let points = inner
                .rules
                .get(r)
                .and_then(|rule| rule.bands.get(b))
                .map_or(0, |band| band.points);
            score = score.saturating_add(points);
            let at = fixed
                + hits
                    .get(fixed..)
                    .map_or(0, |h| h.partition_point(|h| h.points >= points));
            if at < top {
                if hits.len() == top {
                    hits.pop();
                }
                hits.insert(
                    at,
                    Hit {
                        points,
                        source: HitSource::Band { rule: r, band: b },
                    },
                );
            }
        }
        let tier = override_index
            .and_then(|o| inner.overrides.get(o))
            .map_or_else(|| self.tier_for(score), |o| o.tier);
        Scored {
            score,
            tier,
            override_index,
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The schema positions of every field a rule or override reads.
    pub fn fields_read(&self) -> Vec<usize> {
        let inner = &*self.inner;
        let mut read: Vec<usize> = inner
            .overrides
            .iter()
            .map(|o| &o.when)
            .chain(
                inner
                    .rules
                    .iter()
                    .flat_map(|r| r.bands.iter().map(|b| &b.when)),
            )
            .flat_map(CompiledExpr::fields_read)
            .collect();
        read.sort_unstable();
        read.dedup();
        read
    }

    pub(crate) fn tier_for(&self, score: i64) -> usize {
        let tiers = &self.inner.tiers;
        tiers
            .iter()
            .position(|t| t.min_score.is_some_and(|m| score >= m))
            .unwrap_or(tiers.len().saturating_sub(1))
    }

    /// Scores one row and explains every rule and override: which band was
    /// chosen, and for those that did not fire, which tests failed and the
    /// values they saw.
    pub fn explain(&self, row: &Row, today: NaiveDate) -> Explanation {
        let ctx = EvalContext { today };
        let inner = &*self.inner;
        let schema = &inner.schema;
        let priority = self.score(&row.0, &ctx);
        let rules = inner
            .rules
            .iter()
            .map(|rule| {
                let mut bands = Vec::new();
                let mut chosen = None;
                for (i, band) in rule.bands.iter().enumerate() {
                    let outcome = band.when.truth(&row.0, &ctx);
                    bands.push(BandTrace {
                        band: i + 1,
                        when: band.when.source().to_owned(),
                        outcome,
                        checks: band.when.explain(&row.0, &ctx, schema),
                    });
                    if outcome == Truth::True {
                        chosen = Some((i, band));
                        break;
                    }
                }
                RuleTrace {
                    rule_id: rule.id.clone(),
                    description: rule.description.clone(),
                    band: chosen.map(|(i, _)| i + 1),
                    points: chosen.map_or(0, |(_, b)| b.points),
                    reason: chosen.map(|(_, b)| b.reason.clone()),
                    bands,
                }
            })
            .collect();
        let overrides = inner
            .overrides
            .iter()
            .map(|o| OverrideTrace {
                id: o.id.clone(),
                tier: inner
                    .tiers
                    .get(o.tier)
                    .map_or_else(|| Arc::from(""), |t| t.name.clone()),
                outcome: o.when.truth(&row.0, &ctx),
                checks: o.when.explain(&row.0, &ctx, schema),
            })
            .collect();
        let row_id = row
            .0
            .get(inner.id_index)
            .map_or_else(String::new, |v| match v {
                Value::Str(s) => s.to_string(),
                Value::Int(i) => i.to_string(),
                _ => String::new(),
            });
        Explanation {
            row_id,
            priority,
            rules,
            overrides,
        }
    }

    /// Runs the rule file's `[[test]]` cases.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        self.inner
            .tests
            .iter()
            .map(|t| {
                let p = self.score(&t.row, &EvalContext { today: t.today });
                let mut failures = Vec::new();
                if let Some(score) = t.expect.score.filter(|s| *s != p.score) {
                    failures.push(format!("score: expected {score}, got {}", p.score));
                }
                if let Some(tier) = t.expect.tier.as_ref().filter(|t| t.as_str() != p.tier()) {
                    failures.push(format!("tier: expected {tier}, got {}", p.tier()));
                }
                if let Some(reasons) = &t.expect.reasons {
                    let got = p.reason_codes();
                    if got != *reasons {
                        failures.push(format!("reasons: expected {reasons:?}, got {got:?}"));
                    }
                }
                TestOutcome {
                    name: t.name.clone(),
                    failures,
                }
            })
            .collect()
    }
}

impl Explanation {
    /// A plain-text rendering for people: the result, then each rule with
    /// its outcome and, for rules that did not fire, why not.
    pub fn to_text(&self) -> String {
        let p = &self.priority;
        let mut out = String::new();
        let _ = writeln!(out, "{}: score {}, tier {}", self.row_id, p.score, p.tier());
        if let Some(o) = &p.override_id {
            let _ = writeln!(out, "  tier set by override {o}");
        }
        for o in self.overrides.iter().filter(|o| o.outcome == Truth::True) {
            let _ = writeln!(
                out,
                "  override {} → {}: {}",
                o.id,
                o.tier,
                describe(&o.checks)
            );
        }
        for r in &self.rules {
            match (&r.reason, r.bands.last()) {
                (Some(reason), Some(band)) => {
                    let _ = writeln!(
                        out,
                        "  + {:>2} {} [{}] because {}",
                        r.points,
                        r.rule_id,
                        reason,
                        describe(&band.checks)
                    );
                }
                _ => {
                    let why: Vec<String> = r.bands.iter().map(|b| describe(&b.checks)).collect();
                    let _ = writeln!(out, "  ·  0 {} not fired: {}", r.rule_id, why.join("; "));
                }
            }
        }
        out
    }
}

impl Explanation {
    /// An HTML table for notebooks: one row per rule, fired rules first in
    /// the order they count.
    pub fn to_html(&self) -> String {
        let p = &self.priority;
        let mut out = String::new();
        let _ = write!(
            out,
            "<div><strong>{}</strong>: score {}, tier <strong>{}</strong>",
            escape(&self.row_id),
            p.score,
            escape(p.tier())
        );
        if let Some(o) = &p.override_id {
            let _ = write!(out, " (set by override <code>{}</code>)", escape(o));
        }
        out.push_str("<table><thead><tr><th>rule</th><th>points</th><th>reason</th><th>why / why not</th></tr></thead><tbody>");
        for r in &self.rules {
            let why = match (&r.reason, r.bands.last()) {
                (Some(_), Some(band)) => describe(&band.checks),
                _ => r
                    .bands
                    .iter()
                    .map(|b| describe(&b.checks))
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&r.rule_id),
                r.points,
                r.reason.as_deref().map(escape).unwrap_or_default(),
                escape(&why)
            );
        }
        out.push_str("</tbody></table></div>");
        out
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn describe(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            let values: Vec<String> = c.values.iter().map(|(f, v)| format!("{f} = {v}")).collect();
            let seen = if values.is_empty() {
                String::new()
            } else {
                format!(" ({})", values.join(", "))
            };
            format!("`{}` is {}{seen}", c.text, c.outcome.key())
        })
        .collect::<Vec<_>>()
        .join(" and ")
}
