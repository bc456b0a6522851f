//! Scoring a whole caseload held in Arrow record batches (feature `arrow`).
//!
//! The batch is bound to the schema once, split into chunks scored on every
//! core, and each row goes through the same scoring routine as
//! [`RuleSet::evaluate`], read in place from the columns. Output: the id
//! column (shared, not copied), `score`, `tier` and `reason_1` … `reason_N`,
//! with tier and reasons dictionary-encoded, rows in input order.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema as ArrowSchema};
use chrono::NaiveDate;

use crate::expr::columnar::{BoundBatch, VECTOR};
use crate::expr::vector::{Vector, eval_chunk};
use crate::expr::{CompiledExpr, EvalContext};

use super::error::RecordError;
use super::ruleset::{Hit, HitSource, RuleSet};

/// Rows per task: large enough to amortise the thread hand-off, small enough
/// to spread a caseload over every core.
const MIN_CHUNK: usize = 16 * 1024;

impl RuleSet {
    /// Which override and which band of each rule fire on rows
    /// `first .. first + len`, computed a whole vector at a time: for each
    /// row, 0 for none, else the 1-based position of the first that fires.
    fn fire_chunk(
        &self,
        bound: &BoundBatch<'_>,
        first: usize,
        len: usize,
        ctx: &EvalContext,
    ) -> (Vec<u16>, Vec<Vec<u16>>) {
        let inner = self.inner();
        let first_true = |conditions: &mut dyn Iterator<Item = &CompiledExpr>| -> Vec<u16> {
            let mut chosen = vec![0u16; len];
            for (n, condition) in conditions.enumerate() {
                let fired = eval_chunk(condition.node(), bound, first, len, ctx);
                let mark = u16::try_from(n + 1).unwrap_or(u16::MAX);
                match &fired {
                    // Branch-free select, so the loop vectorises.
                    Vector::Bool { v, known } => {
                        for ((slot, b), k) in chosen.iter_mut().zip(v.iter()).zip(known.iter()) {
                            *slot = if *slot == 0 && *b && *k { mark } else { *slot };
                        }
                    }
                    other => {
                        for (i, slot) in chosen.iter_mut().enumerate() {
                            if *slot == 0 && other.is_true(i) {
                                *slot = mark;
                            }
                        }
                    }
                }
            }
            chosen
        };
        let overrides = first_true(&mut inner.overrides.iter().map(|o| &o.when));
        let choices = inner
            .rules
            .iter()
            .map(|rule| first_true(&mut rule.bands.iter().map(|b| &b.when)))
            .collect();
        (overrides, choices)
    }

    /// Whether every band's points fit the sort keys of `score_chunk`, and
    /// positions fit the chunk's `u16` markers.
    fn keys_fit(&self) -> bool {
        let inner = self.inner();
        u16::try_from(inner.rules.iter().map(|r| r.bands.len()).max().unwrap_or(0) + 1).is_ok()
            && u16::try_from(inner.overrides.len() + 1).is_ok()
            && inner
                .rules
                .iter()
                .flat_map(|r| &r.bands)
                .all(|b| b.points.abs() < KEY_POINTS_LIMIT)
    }

    /// Score, tier and top reasons of a chunk, a vector at a time: the same
    /// results as `RuleSet::assemble` row by row.
    ///
    /// Each fired band gets a sort key `(points, earlier rule first)` packed
    /// in a `u64`, an override the largest key; the top N reasons are then N
    /// passes of an element-wise maximum, each below the last.
    #[allow(clippy::too_many_arguments, reason = "the output columns of one chunk")]
    fn score_chunk(
        &self,
        overrides: &[u16],
        choices: &[Vec<u16>],
        scores: &mut [i64],
        tiers: &mut [i32],
        reasons: &mut [&mut [Option<i32>]],
        override_keys: &[i32],
        band_keys: &[Vec<i32>],
    ) {
        let inner = self.inner();
        let len = scores.len();
        scores.iter_mut().for_each(|s| *s = 0);
        let mut keys: Vec<Vec<u64>> = Vec::with_capacity(inner.rules.len() + 1);
        for (r, (rule, chosen)) in inner.rules.iter().zip(choices).enumerate() {
            let rank = u64::from(u32::MAX - u32::try_from(r).unwrap_or(u32::MAX));
            let points: Vec<i64> = std::iter::once(0)
                .chain(rule.bands.iter().map(|b| b.points))
                .collect();
            let key_of: Vec<u64> = std::iter::once(0)
                .chain(rule.bands.iter().map(|b| {
                    (u64::try_from(b.points + KEY_POINTS_LIMIT).unwrap_or(0) << 32) | rank
                }))
                .collect();
            let mut k = Vec::with_capacity(len);
            for (score, c) in scores.iter_mut().zip(chosen) {
                let c = usize::from(*c);
                *score += points.get(c).copied().unwrap_or(0);
                k.push(key_of.get(c).copied().unwrap_or(0));
            }
            keys.push(k);
        }
        keys.push(
            overrides
                .iter()
                .map(|o| if *o == 0 { 0 } else { u64::MAX })
                .collect(),
        );
        for ((tier, score), o) in tiers.iter_mut().zip(scores.iter()).zip(overrides) {
            let t = match usize::from(*o)
                .checked_sub(1)
                .and_then(|o| inner.overrides.get(o))
            {
                Some(over) => over.tier,
                None => self.tier_for(*score),
            };
            *tier = i32::try_from(t).unwrap_or(i32::MAX);
        }
        let mut previous = vec![u64::MAX; len];
        for (pass, column) in reasons.iter_mut().enumerate() {
            let mut best = vec![0u64; len];
            for k in &keys {
                for ((b, x), p) in best.iter_mut().zip(k).zip(&previous) {
                    let candidate = if pass == 0 || x < p { *x } else { 0 };
                    *b = (*b).max(candidate);
                }
            }
            for (i, (cell, b)) in column.iter_mut().zip(&best).enumerate() {
                *cell = match *b {
                    0 => None,
                    u64::MAX => overrides
                        .get(i)
                        .and_then(|o| usize::from(*o).checked_sub(1))
                        .and_then(|o| override_keys.get(o).copied()),
                    key => {
                        let low = u32::try_from(key & u64::from(u32::MAX)).unwrap_or(0);
                        let rule = usize::try_from(u32::MAX - low).unwrap_or(usize::MAX);
                        let band = choices
                            .get(rule)
                            .and_then(|c| c.get(i))
                            .and_then(|b| usize::from(*b).checked_sub(1));
                        band.and_then(|band| band_keys.get(rule).and_then(|b| b.get(band)).copied())
                    }
                };
            }
            previous = best;
        }
    }
}

/// Points must lie strictly within ±2^30 for the packed sort keys.
const KEY_POINTS_LIMIT: i64 = 1 << 30;

impl RuleSet {
    /// The Arrow schema of [`evaluate_batch`](Self::evaluate_batch)'s output.
    pub fn output_schema(&self, id_type: &DataType) -> Arc<ArrowSchema> {
        let dict = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        let id = self.schema().id_field().map_or("id", |f| f.name.as_str());
        let mut fields = vec![
            Field::new(id, id_type.clone(), false),
            Field::new("score", DataType::Int64, false),
            Field::new("tier", dict(), false),
        ];
        for n in 1..=self.top_reasons() {
            fields.push(Field::new(format!("reason_{n}"), dict(), true));
        }
        Arc::new(ArrowSchema::new(fields))
    }

    /// Scores every row of `batch` as of `today`, on every core, returning
    /// `<id>, score, tier, reason_1 … reason_N` in input order. The results
    /// are those [`evaluate`](Self::evaluate) gives row by row.
    ///
    /// Columns are matched to schema fields by name; other columns are
    /// ignored. Errors name the column, never a value: a missing column the
    /// rules read, a column of the wrong type, nulls in a non-nullable field,
    /// or an enum value outside the declared list.
    pub fn evaluate_batch(
        &self,
        batch: &RecordBatch,
        today: NaiveDate,
    ) -> Result<RecordBatch, RecordError> {
        let inner = self.inner();
        let schema = &inner.schema;
        let mut required = vec![false; schema.fields().len()];
        for index in self.fields_read() {
            if let Some(r) = required.get_mut(index) {
                *r = true;
            }
        }
        if let Some(r) = required.get_mut(inner.id_index) {
            *r = true;
        }
        let bound = BoundBatch::bind(batch, schema, &required)?;
        let rows = bound.rows();
        let top = inner.top_reasons;

        // Reason codes as dictionary keys, fixed per (rule, band) and override.
        let mut codes: Vec<Arc<str>> = Vec::new();
        let mut key_of: HashMap<Arc<str>, i32> = HashMap::new();
        let override_keys: Vec<i32> = inner
            .overrides
            .iter()
            .map(|o| intern_code(&mut codes, &mut key_of, &o.reason))
            .collect();
        let band_keys: Vec<Vec<i32>> = inner
            .rules
            .iter()
            .map(|r| {
                r.bands
                    .iter()
                    .map(|b| intern_code(&mut codes, &mut key_of, &b.reason))
                    .collect()
            })
            .collect();

        let mut scores = vec![0i64; rows];
        let mut tiers = vec![0i32; rows];
        let mut reasons: Vec<Vec<Option<i32>>> = (0..top).map(|_| vec![None; rows]).collect();

        let vectorised = self.keys_fit();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = rows.div_ceil(threads).max(MIN_CHUNK).max(1);
        let ctx = EvalContext { today };
        {
            // Each task owns disjoint slices of every output column.
            let mut reason_chunks: Vec<std::slice::ChunksMut<'_, Option<i32>>> =
                reasons.iter_mut().map(|r| r.chunks_mut(chunk)).collect();
            std::thread::scope(|scope| {
                for (n, (score_out, tier_out)) in scores
                    .chunks_mut(chunk)
                    .zip(tiers.chunks_mut(chunk))
                    .enumerate()
                {
                    let mut reason_out: Vec<&mut [Option<i32>]> = reason_chunks
                        .iter_mut()
                        .filter_map(Iterator::next)
                        .collect();
                    let (bound, ctx, override_keys, band_keys) =
                        (&bound, &ctx, &override_keys, &band_keys);
                    let start = n * chunk;
                    scope.spawn(move || {
                        let mut hits: Vec<Hit> = Vec::with_capacity(top);
                        let mut done = 0usize;
                        while done < score_out.len() {
                            let len = (score_out.len() - done).min(VECTOR);
                            let first = start + done;
                            let (overrides, choices) = self.fire_chunk(bound, first, len, ctx);
                            let (Some(scores), Some(tiers)) = (
                                score_out.get_mut(done..done + len),
                                tier_out.get_mut(done..done + len),
                            ) else {
                                break;
                            };
                            let mut reason_cells: Vec<&mut [Option<i32>]> = reason_out
                                .iter_mut()
                                .filter_map(|r| r.get_mut(done..done + len))
                                .collect();
                            if vectorised {
                                self.score_chunk(
                                    &overrides,
                                    &choices,
                                    scores,
                                    tiers,
                                    &mut reason_cells,
                                    override_keys,
                                    band_keys,
                                );
                            } else {
                                for i in 0..len {
                                    let chosen = choices.iter().enumerate().filter_map(|(r, c)| {
                                        c.get(i)
                                            .and_then(|b| usize::from(*b).checked_sub(1))
                                            .map(|b| (r, b))
                                    });
                                    let over = overrides
                                        .get(i)
                                        .and_then(|o| usize::from(*o).checked_sub(1));
                                    let scored = self.assemble(over, chosen, &mut hits);
                                    if let (Some(score), Some(tier)) =
                                        (scores.get_mut(i), tiers.get_mut(i))
                                    {
                                        *score = scored.score;
                                        *tier = i32::try_from(scored.tier).unwrap_or(i32::MAX);
                                    }
                                    let mut kept = hits.iter();
                                    for slot in reason_cells.iter_mut() {
                                        if let Some(cell) = slot.get_mut(i) {
                                            *cell = kept.next().and_then(|h| match h.source {
                                                HitSource::Override(o) => {
                                                    override_keys.get(o).copied()
                                                }
                                                HitSource::Band { rule, band } => band_keys
                                                    .get(rule)
                                                    .and_then(|b| b.get(band))
                                                    .copied(),
                                            });
                                        }
                                    }
                                }
                            }
                            done += len;
                        }
                    });
                }
            });
        }

        let id_column = batch
            .column_by_name(self.schema().id_field().map_or("", |f| f.name.as_str()))
            .cloned()
            .ok_or_else(|| RecordError::MissingColumn { field: "id".into() })?;
        let tier_names: ArrayRef = Arc::new(StringArray::from_iter_values(self.tiers()));
        let code_values: ArrayRef =
            Arc::new(StringArray::from_iter_values(codes.iter().map(|c| &**c)));
        let internal = |e: ArrowError| RecordError::WrongColumnType {
            field: "output".into(),
            expected: "a valid output batch".into(),
            found: e.to_string(),
        };
        let mut columns: Vec<ArrayRef> = vec![
            id_column.clone(),
            Arc::new(Int64Array::from(scores)),
            Arc::new(
                DictionaryArray::<Int32Type>::try_new(Int32Array::from(tiers), tier_names)
                    .map_err(internal)?,
            ),
        ];
        for keys in reasons {
            let array =
                DictionaryArray::<Int32Type>::try_new(Int32Array::from(keys), code_values.clone())
                    .map_err(internal)?;
            columns.push(Arc::new(array));
        }
        RecordBatch::try_new(self.output_schema(id_column.data_type()), columns).map_err(internal)
    }
}

/// The dictionary key of `code`, adding it on first sight.
fn intern_code(
    codes: &mut Vec<Arc<str>>,
    key_of: &mut HashMap<Arc<str>, i32>,
    code: &Arc<str>,
) -> i32 {
    if let Some(k) = key_of.get(code) {
        return *k;
    }
    let k = i32::try_from(codes.len()).unwrap_or(i32::MAX);
    codes.push(code.clone());
    key_of.insert(code.clone(), k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caseload::RuleSet;
    use crate::expr::Value;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Array, BooleanArray, Date32Array, Float64Array, ListArray};
    use proptest::prelude::*;

    const HEADER: &str = r#"[ruleset]
name = "random"
version = "1"
effective_from = 2026-01-01
top_reasons = TOP
[schema]
id = "id"
[schema.fields]
id = "string"
x = { type = "int", nullable = true }
y = { type = "float", nullable = true }
flag = { type = "bool", nullable = true }
sex = { type = "enum", values = ["female", "male", "unknown"], nullable = true }
d = { type = "date", nullable = true }
codes = { type = "list<string>", nullable = true }
[[tier]]
name = "high"
min_score = 6
[[tier]]
name = "medium"
min_score = 3
[[tier]]
name = "low"
"#;

    fn int_expr() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("x".to_owned()),
            (-5i64..20).prop_map(|k| format!("coalesce(x, {k})")),
            Just("len(codes)".to_owned()),
            Just("days_between(d, today())".to_owned()),
            (1i64..4).prop_map(|k| format!("x * {k} - 3")),
            Just("max(x, len(codes))".to_owned()),
        ]
    }

    fn bool_expr() -> impl Strategy<Value = String> {
        let ops = prop::sample::select(vec!["<", "<=", ">", ">=", "==", "!="]);
        let leaf = prop_oneof![
            (int_expr(), ops.clone(), -5i64..30).prop_map(|(e, op, k)| format!("{e} {op} {k}")),
            (ops, 0u32..100).prop_map(|(op, k)| format!("y {op} {}", f64::from(k) / 2.0)),
            Just("flag".to_owned()),
            prop::sample::select(vec!["x", "y", "flag", "sex", "d", "codes"])
                .prop_map(|f| format!("{f} is null")),
            prop::sample::subsequence(vec!["female", "male", "unknown"], 1..3).prop_map(
                |v| format!(
                    "sex in [{}]",
                    v.iter()
                        .map(|s| format!("'{s}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ),
            prop::sample::subsequence(vec!["dm", "copd", "chd"], 1..3).prop_map(|v| format!(
                "any_in(codes, [{}])",
                v.iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (0i64..10, 0i64..10).prop_map(|(a, b)| format!("x between {a} and {}", a + b)),
            Just("y / x > 1".to_owned()),
            prop::sample::select(vec!["fit", "mild", "moderate", "severe"])
                .prop_map(|c| format!("efi_category(x) == '{c}'")),
            prop::sample::select(vec!["fit", "severe"])
                .prop_map(|c| format!("efi_category(x * 2) in ['{c}', 'mild']")),
            prop::sample::select(vec!["none", "excessive"])
                .prop_map(|c| format!("polypharmacy_band(x) != '{c}'")),
            Just("efi_category(x) is null".to_owned()),
        ];
        leaf.prop_recursive(2, 8, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
                inner.prop_map(|a| format!("not ({a})")),
            ]
        })
    }

    fn rule_file() -> impl Strategy<Value = String> {
        // Points include zero and negatives; one case in eight uses points
        // too large for the packed sort keys, to exercise the per-row path.
        let points = prop_oneof![7 => -2i64..4, 1 => Just(1i64 << 40)];
        (prop::collection::vec((bool_expr(), points), 1..6), prop::option::of(bool_expr()), 0usize..4).prop_map(|(rules, over, top)| {
            let mut text = HEADER.replace("TOP", &top.to_string());
            if let Some(o) = over {
                text.push_str(&format!("[[override]]\nid = \"o\"\nwhen = \"{o}\"\ntier = \"high\"\nreason = \"OVERRIDE\"\n"));
            }
            for (i, (when, points)) in rules.iter().enumerate() {
                // Shared codes across rules exercise the dictionary.
                text.push_str(&format!("[[rule]]\nid = \"r{i}\"\nwhen = \"{when}\"\npoints = {points}\nreason = \"CODE_{}\"\n", i % 3));
            }
            text
        })
    }

    #[derive(Debug, Clone)]
    struct RawRow {
        x: Option<i64>,
        y: Option<f64>,
        flag: Option<bool>,
        sex: Option<&'static str>,
        d: Option<i32>,
        codes: Option<Vec<&'static str>>,
    }

    fn raw_row() -> impl Strategy<Value = RawRow> {
        (
            prop::option::of(-3i64..25),
            prop::option::of((0u32..100).prop_map(|k| f64::from(k) / 2.0)),
            prop::option::of(any::<bool>()),
            prop::option::of(prop::sample::select(vec!["female", "male", "unknown"])),
            prop::option::of(20_480i32..20_520),
            prop::option::of(prop::sample::subsequence(
                vec!["dm", "copd", "chd", "ckd"],
                0..4,
            )),
        )
            .prop_map(|(x, y, flag, sex, d, codes)| RawRow {
                x,
                y,
                flag,
                sex,
                d,
                codes,
            })
    }

    fn batch(rows: &[RawRow], dictionary: bool) -> RecordBatch {
        let ids: Vec<String> = (0..rows.len()).map(|i| format!("R{i}")).collect();
        let mut lists = ListBuilder::new(StringBuilder::new());
        for r in rows {
            match &r.codes {
                Some(codes) => {
                    for c in codes {
                        lists.values().append_value(c);
                    }
                    lists.append(true);
                }
                None => lists.append(false),
            }
        }
        let sex: ArrayRef = if dictionary {
            Arc::new(
                rows.iter()
                    .map(|r| r.sex)
                    .collect::<DictionaryArray<Int32Type>>(),
            )
        } else {
            Arc::new(rows.iter().map(|r| r.sex).collect::<StringArray>())
        };
        let list: ListArray = lists.finish();
        RecordBatch::try_from_iter(vec![
            (
                "id",
                Arc::new(StringArray::from_iter_values(ids)) as ArrayRef,
            ),
            (
                "x",
                Arc::new(rows.iter().map(|r| r.x).collect::<Int64Array>()),
            ),
            (
                "y",
                Arc::new(rows.iter().map(|r| r.y).collect::<Float64Array>()),
            ),
            (
                "flag",
                Arc::new(rows.iter().map(|r| r.flag).collect::<BooleanArray>()),
            ),
            ("sex", sex),
            (
                "d",
                Arc::new(rows.iter().map(|r| r.d).collect::<Date32Array>()),
            ),
            ("codes", Arc::new(list)),
            (
                "ignored_extra_column",
                Arc::new(rows.iter().map(|r| r.x).collect::<Int64Array>()),
            ),
        ])
        .unwrap()
    }

    fn value_row(rules: &RuleSet, i: usize, r: &RawRow) -> crate::caseload::Row {
        let date = |days: i32| NaiveDate::from_num_days_from_ce_opt(days + 719_163).unwrap();
        rules
            .row([
                ("id", Value::str(&format!("R{i}"))),
                ("x", r.x.into()),
                ("y", r.y.into()),
                ("flag", r.flag.into()),
                ("sex", r.sex.into()),
                ("d", r.d.map(date).into()),
                (
                    "codes",
                    r.codes
                        .as_ref()
                        .map_or(Value::Null, |c| Value::list(c.iter().copied())),
                ),
            ])
            .unwrap()
    }

    fn column_text(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
        let array = batch.column_by_name(name).unwrap();
        let dict = array
            .as_any()
            .downcast_ref::<DictionaryArray<Int32Type>>()
            .unwrap();
        if dict.is_null(row) {
            return None;
        }
        let values = dict
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        Some(
            values
                .value(usize::try_from(dict.keys().value(row)).unwrap())
                .to_owned(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Columnar results equal row-wise results, nulls included.
        #[test]
        fn columnar_equals_row_wise(text in rule_file(), rows in prop::collection::vec(raw_row(), 0..60), dictionary in any::<bool>()) {
            let rules = RuleSet::from_toml(&text).unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let out = rules.evaluate_batch(&batch(&rows, dictionary), today).unwrap();
            prop_assert_eq!(out.num_rows(), rows.len());
            let scores = out.column_by_name("score").unwrap().as_any().downcast_ref::<Int64Array>().unwrap();
            for (i, r) in rows.iter().enumerate() {
                let p = rules.evaluate(&value_row(&rules, i, r), today);
                prop_assert_eq!(scores.value(i), p.score, "row {}", i);
                prop_assert_eq!(column_text(&out, "tier", i), Some(p.tier().to_owned()));
                let codes = p.reason_codes();
                let top = rules.top_reasons();
                prop_assert_eq!(out.num_columns(), 3 + top);
                for n in 0..top {
                    let got = column_text(&out, &format!("reason_{}", n + 1), i);
                    prop_assert_eq!(got.as_deref(), codes.get(n).copied());
                }
            }
        }
    }

    fn sample() -> RuleSet {
        RuleSet::from_toml(include_str!(
            "../../../examples/rules/frailty_priority.toml"
        ))
        .unwrap()
    }

    #[test]
    fn bad_tables_are_typed_errors_naming_the_column() {
        let rules = sample();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let only_id = RecordBatch::try_from_iter(vec![(
            "patient_id",
            Arc::new(StringArray::from(vec!["A"])) as ArrayRef,
        )])
        .unwrap();
        let err = rules.evaluate_batch(&only_id, today).unwrap_err();
        assert_eq!(err.code(), "record.missing_column");

        let t = RuleSet::from_toml(&format!(
            "{h}[[rule]]\nid = \"r\"\nwhen = \"x > 1\"\npoints = 1\nreason = \"R\"\n",
            h = HEADER.replace("TOP", "2")
        ))
        .unwrap();
        let wrong = RecordBatch::try_from_iter(vec![
            ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
            ("x", Arc::new(StringArray::from(vec!["SECRET"])) as ArrayRef),
        ])
        .unwrap();
        let err = t.evaluate_batch(&wrong, today).unwrap_err();
        assert_eq!(
            err,
            RecordError::WrongColumnType {
                field: "x".into(),
                expected: "int".into(),
                found: "Utf8".into()
            }
        );

        let null_id = RecordBatch::try_from_iter(vec![
            (
                "id",
                Arc::new(StringArray::from(vec![Some("A"), None])) as ArrayRef,
            ),
            ("x", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
        ])
        .unwrap();
        assert_eq!(
            t.evaluate_batch(&null_id, today).unwrap_err().code(),
            "record.missing_field"
        );

        let enum_rules = RuleSet::from_toml(&format!(
            "{h}[[rule]]\nid = \"r\"\nwhen = \"sex == 'male'\"\npoints = 1\nreason = \"R\"\n",
            h = HEADER.replace("TOP", "2")
        ))
        .unwrap();
        let bad_enum = RecordBatch::try_from_iter(vec![
            ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
            (
                "sex",
                Arc::new(StringArray::from(vec!["SECRET"])) as ArrayRef,
            ),
        ])
        .unwrap();
        let err = enum_rules.evaluate_batch(&bad_enum, today).unwrap_err();
        assert_eq!(err.code(), "record.unknown_enum_value");
        assert!(!err.to_string().contains("SECRET"));
    }

    #[test]
    fn large_batches_split_across_threads_keep_row_order() {
        let t = RuleSet::from_toml(&format!(
            "{h}[[rule]]\nid = \"r\"\nwhen = \"x >= 2\"\npoints = 3\nreason = \"R\"\n",
            h = HEADER.replace("TOP", "2")
        ))
        .unwrap();
        let n = 100_000;
        let batch = RecordBatch::try_from_iter(vec![
            (
                "id",
                Arc::new(StringArray::from_iter_values(
                    (0..n).map(|i| format!("P{i}")),
                )) as ArrayRef,
            ),
            (
                "x",
                Arc::new(Int64Array::from_iter_values((0..n).map(|i| i % 3))) as ArrayRef,
            ),
        ])
        .unwrap();
        let out = t
            .evaluate_batch(&batch, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
            .unwrap();
        let scores = out.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        assert!(
            (0..n).all(
                |i| scores.value(usize::try_from(i).unwrap()) == if i % 3 == 2 { 3 } else { 0 }
            )
        );
        assert_eq!(out.schema().field(0).name(), "id");
        assert_eq!(out.column(0).len(), usize::try_from(n).unwrap());
    }
}
