//! Scoring a whole caseload held in Arrow record batches (feature `arrow`).
//!
//! The batch is bound to the schema once and split into chunks scored on
//! every core. Within a chunk, each condition is evaluated for 1,024 rows at
//! a time as packed bits (`expr::mask`), and scores, tiers and reasons are
//! assembled from those bits with the same ranking as [`RuleSet::evaluate`]. Output: the id
//! column (shared, not copied), `score`, `tier` and `reason_1` … `reason_N`,
//! with tier and reasons dictionary-encoded, rows in input order.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowDictionaryKeyType, Int8Type, Int16Type, Int32Type};
use arrow_array::{
    ArrayRef, DictionaryArray, Int64Array, PrimitiveArray, RecordBatch, StringArray,
};
use arrow_schema::{ArrowError, DataType, Field, Schema as ArrowSchema};
use chrono::NaiveDate;

use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer};

use crate::expr::EvalContext;
use crate::expr::columnar::{BoundBatch, VECTOR};
use crate::expr::mask::{Scope, WORDS, eval_mask, set_bits};
use crate::parallel;

use super::assemble::{OutKey, Rank, TopRanks, spread};

use super::error::RecordError;
use super::ruleset::RuleSet;

/// Rows per task: large enough to amortise the thread hand-off, small enough
/// to spread a caseload over every core.
const MIN_CHUNK: usize = 16 * 1024;

/// Vectors per block brought into cache at once (see `BoundBatch::warm`):
/// 8,192 rows of the sample's columns are about 400 KB, within a core's L2.
const WARM_VECTORS: usize = 8;

/// A rule set laid out for scoring a chunk at a time.
struct Plan {
    /// Every band, flattened in rule order: its rule's first band's slot.
    first_band: Vec<usize>,
    /// Points of each flattened band.
    points: Vec<i64>,
    /// Rank of each flattened band (see `assemble`): after the overrides,
    /// points descending, earlier rule first.
    band_rank: Vec<usize>,
    /// Reason key of each rank.
    keys_by_rank: Vec<usize>,
    /// Whether each rank is its own key (every reason code distinct).
    ranks_are_keys: bool,
    /// The reason codes, in key order: the reason columns' dictionary.
    codes: Vec<Arc<str>>,
    /// Tier of each override.
    override_tiers: Vec<usize>,
    /// Tiers with a minimum score, in tier order, and the tier for the rest.
    thresholds: Vec<(usize, i64)>,
    default_tier: usize,
    /// The narrowest score arithmetic that is exact for this rule set.
    width: ScoreWidth,
}

/// How a chunk's scores are added up, from the largest a score can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScoreWidth {
    /// Every score fits in 16 bits: eight rows per vector instruction.
    Narrow,
    /// Every score fits in 64 bits.
    Wide,
    /// A score could overflow, so additions saturate in rule order, as the
    /// row evaluator's do.
    Saturating,
}

/// One chunk's output slices.
struct ChunkOut<'o, K> {
    scores: &'o mut [i64],
    tiers: &'o mut [K],
    /// `reason_n` keys; a cell is meaningful only where `valid` is set.
    reasons: Vec<&'o mut [K]>,
    /// Which rows have a `reason_n`, as bits.
    valid: Vec<&'o mut [u64]>,
}

impl RuleSet {
    fn plan(&self) -> Plan {
        let inner = self.inner();
        let mut first_band = Vec::with_capacity(inner.rules.len());
        let mut points = Vec::new();
        let mut ranked: Vec<(i64, usize, &Arc<str>)> = Vec::new();
        let mut most = Some(0i64);
        for rule in &inner.rules {
            first_band.push(points.len());
            let largest = rule.bands.iter().map(|b| b.points.saturating_abs()).max();
            most = most.and_then(|m| m.checked_add(largest.unwrap_or(0)));
            for band in &rule.bands {
                ranked.push((band.points, points.len(), &band.reason));
                points.push(band.points);
            }
        }
        // Stable: equal points keep rule order. Bands of one rule never
        // fire together, so their relative order does not matter.
        ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
        let overrides = inner.overrides.len();
        let mut band_rank = vec![0; points.len()];
        // Reason codes as dictionary keys, interned in rank order, so that
        // where every code is distinct a row's rank is its key.
        let mut codes: Vec<Arc<str>> = Vec::new();
        let mut key_of: HashMap<Arc<str>, usize> = HashMap::new();
        let mut keys_by_rank: Vec<usize> = inner
            .overrides
            .iter()
            .map(|o| intern_code(&mut codes, &mut key_of, &o.reason))
            .collect();
        for (position, (_, band, code)) in ranked.into_iter().enumerate() {
            if let Some(r) = band_rank.get_mut(band) {
                *r = overrides + position;
            }
            keys_by_rank.push(intern_code(&mut codes, &mut key_of, code));
        }
        let ranks_are_keys = keys_by_rank.iter().enumerate().all(|(r, k)| *k == r);
        Plan {
            first_band,
            points,
            band_rank,
            keys_by_rank,
            ranks_are_keys,
            codes,
            override_tiers: inner.overrides.iter().map(|o| o.tier).collect(),
            thresholds: inner
                .tiers
                .iter()
                .enumerate()
                .filter_map(|(i, t)| Some((i, t.min_score?)))
                .collect(),
            default_tier: inner.tiers.len().saturating_sub(1),
            width: match most {
                Some(m) if m <= i64::from(i16::MAX) => ScoreWidth::Narrow,
                Some(m) if m < i64::MAX => ScoreWidth::Wide,
                _ => ScoreWidth::Saturating,
            },
        }
    }

    /// Scores rows `first .. first + len` (at most one vector) into `out`:
    /// the results `RuleSet::assemble` gives row by row.
    ///
    /// Each condition is evaluated to bits for the whole chunk; a band is
    /// chosen where it fires and no earlier band of its rule did. Its points
    /// are added and its rank offered to the row's top reasons (see
    /// `assemble`); the first override to fire sets the tier and, ranking
    /// before every band, is the first reason.
    fn score_chunk<R: Rank, K: OutKey>(
        &self,
        plan: &Plan,
        ranks: &mut TopRanks<R>,
        bound: &BoundBatch<'_>,
        first: usize,
        ctx: &Scope<'_>,
        out: &mut ChunkOut<'_, K>,
    ) {
        let inner = self.inner();
        ctx.next_chunk(inner.schema.fields().len());
        let len = out.scores.len();
        let none = [0u64; WORDS];
        let mut hit = [0u8; VECTOR];
        let mut narrow = [0i16; VECTOR];
        if plan.width != ScoreWidth::Narrow {
            // Narrow scores are summed in `narrow` and copied out at the end.
            out.scores.fill(0);
        }
        ranks.clear();
        for (rule, from) in inner.rules.iter().zip(&plan.first_band) {
            let mut taken = [0u64; WORDS];
            for (n, band) in rule.bands.iter().enumerate() {
                let fired = eval_mask(band.when.node(), bound, first, len, ctx).truth;
                let mut chosen = [0u64; WORDS];
                for ((c, f), t) in chosen.iter_mut().zip(&fired).zip(taken.iter_mut()) {
                    *c = f & !*t;
                    *t |= f;
                }
                if chosen == none {
                    continue;
                }
                spread(&chosen, &mut hit);
                let f = from + n;
                let points = plan.points.get(f).copied().unwrap_or(0);
                match (plan.width, i16::try_from(points)) {
                    (_, Ok(0)) => {}
                    (ScoreWidth::Narrow, Ok(points)) => {
                        for (s, h) in narrow.iter_mut().zip(hit.iter()) {
                            *s = s.wrapping_add(points & 0i16.wrapping_sub(i16::from(*h)));
                        }
                    }
                    (ScoreWidth::Wide, _) | (ScoreWidth::Narrow, Err(_)) => {
                        for (s, h) in out.scores.iter_mut().zip(hit.iter()) {
                            *s = s.wrapping_add(points & 0i64.wrapping_sub(i64::from(*h)));
                        }
                    }
                    (ScoreWidth::Saturating, _) => {
                        for (s, h) in out.scores.iter_mut().zip(hit.iter()) {
                            *s = s.saturating_add(points & 0i64.wrapping_sub(i64::from(*h)));
                        }
                    }
                }
                let rank = plan.band_rank.get(f).copied().unwrap_or(usize::MAX);
                ranks.insert(&hit, R::from_index(rank));
            }
        }
        if plan.width == ScoreWidth::Narrow {
            for (s, n) in out.scores.iter_mut().zip(narrow.iter()) {
                *s = i64::from(*n);
            }
        }
        // The first tier whose minimum the score reaches: thresholds applied
        // last to first, each a branch-free pass over the rows.
        out.tiers.fill(K::from_index(plan.default_tier));
        for (index, min) in plan.thresholds.iter().rev() {
            let index = K::from_index(*index);
            match (plan.width, i16::try_from(*min)) {
                (ScoreWidth::Narrow, Ok(min)) => {
                    for (t, s) in out.tiers.iter_mut().zip(narrow.iter()) {
                        *t = if *s >= min { index } else { *t };
                    }
                }
                _ => {
                    for (t, s) in out.tiers.iter_mut().zip(out.scores.iter()) {
                        *t = if *s >= *min { index } else { *t };
                    }
                }
            }
        }

        let mut overridden = [0u64; WORDS];
        for (o, (over, tier)) in inner.overrides.iter().zip(&plan.override_tiers).enumerate() {
            let fired = eval_mask(over.when.node(), bound, first, len, ctx).truth;
            let mut here = [0u64; WORDS];
            for ((h, f), t) in here.iter_mut().zip(&fired).zip(overridden.iter_mut()) {
                *h = f & !*t;
                *t |= f;
            }
            if here == none {
                continue;
            }
            for i in set_bits(&here) {
                if let Some(t) = out.tiers.get_mut(i) {
                    *t = K::from_index(*tier);
                }
            }
            spread(&here, &mut hit);
            ranks.insert(&hit, R::from_index(o));
        }

        for (k, (column, valid)) in out.reasons.iter_mut().zip(out.valid.iter_mut()).enumerate() {
            ranks.column(k, &plan.keys_by_rank, plan.ranks_are_keys, column, valid);
        }
    }

    /// Scores every piece on every core, with ranks of type `R`: workers
    /// take pieces from one queue, so a core that finishes early takes more.
    fn score_pieces<R: Rank, K: OutKey>(
        &self,
        plan: &Plan,
        bound: &[BoundBatch<'_>],
        ctx: &EvalContext,
        pieces: Vec<Piece<'_, K>>,
    ) {
        let top = self.inner().top_reasons;
        parallel::each(pieces, parallel::threads(), |piece| {
            let Some(batch) = bound.get(piece.batch) else {
                return;
            };
            let mut ranks = TopRanks::<R>::new(top);
            let scope = Scope::new(ctx);
            let Piece {
                first,
                scores,
                tiers,
                mut reasons,
                mut valid,
                ..
            } = piece;
            let iter = scores.chunks_mut(VECTOR).zip(tiers.chunks_mut(VECTOR));
            for (v, (scores, tiers)) in iter.enumerate() {
                let at = v * VECTOR;
                if v % WARM_VECTORS == 0 {
                    std::hint::black_box(batch.warm(first + at, WARM_VECTORS * VECTOR));
                }
                let len = scores.len();
                let words = at / 64..(at + len).div_ceil(64);
                let mut out = ChunkOut {
                    scores,
                    tiers,
                    reasons: reasons
                        .iter_mut()
                        .filter_map(|r| r.get_mut(at..at + len))
                        .collect(),
                    valid: valid
                        .iter_mut()
                        .filter_map(|r| r.get_mut(words.clone()))
                        .collect(),
                };
                self.score_chunk(plan, &mut ranks, batch, first + at, &scope, &mut out);
            }
        });
    }
}

impl RuleSet {
    /// The Arrow schema of [`evaluate_batch`](Self::evaluate_batch)'s output.
    pub fn output_schema(&self, id_type: &DataType) -> Arc<ArrowSchema> {
        let dict = DataType::Dictionary(Box::new(self.key_type()), Box::new(DataType::Utf8));
        self.schema_with(id_type, &dict)
    }

    /// The Arrow schema of [`evaluate_batches_keyed`](Self::evaluate_batches_keyed)'s
    /// output: `tier` and `reason_n` as integer keys.
    pub fn keyed_output_schema(&self, id_type: &DataType) -> Arc<ArrowSchema> {
        self.schema_with(id_type, &self.key_type())
    }

    /// The integer type of the output's dictionary keys: the narrowest that
    /// numbers every tier and reason code.
    fn key_type(&self) -> DataType {
        match self.key_width() {
            KeyWidth::Byte => DataType::Int8,
            KeyWidth::Short => DataType::Int16,
            KeyWidth::Int => DataType::Int32,
        }
    }

    fn schema_with(&self, id_type: &DataType, coded: &DataType) -> Arc<ArrowSchema> {
        let id = self.schema().id_field().map_or("id", |f| f.name.as_str());
        let mut fields = vec![
            Field::new(id, id_type.clone(), false),
            Field::new("score", DataType::Int64, false),
            Field::new("tier", coded.clone(), false),
        ];
        for n in 1..=self.top_reasons() {
            fields.push(Field::new(format!("reason_{n}"), coded.clone(), true));
        }
        Arc::new(ArrowSchema::new(fields))
    }

    /// The dictionaries of the output's `tier` and `reason_n` columns: tier
    /// names in tier order, and reason codes in key order.
    pub fn output_dictionaries(&self) -> (ArrayRef, ArrayRef) {
        let tiers: ArrayRef = Arc::new(StringArray::from_iter_values(self.tiers()));
        let codes: ArrayRef = Arc::new(StringArray::from_iter_values(
            self.plan().codes.iter().map(|c| &**c),
        ));
        (tiers, codes)
    }

    /// The columns of [`keyed_output_schema`](Self::keyed_output_schema) that
    /// hold dictionary keys, each with its dictionary, by column position:
    /// `tier` with the tier names, each `reason_n` with the reason codes. A
    /// caller wraps these (and only these) as dictionary columns.
    pub fn keyed_dictionaries(&self) -> Vec<(usize, ArrayRef)> {
        let (tiers, codes) = self.output_dictionaries();
        // id, score, then tier and the reasons.
        const TIER: usize = 2;
        let mut columns = vec![(TIER, tiers)];
        for n in 1..=self.top_reasons() {
            columns.push((TIER + n, codes.clone()));
        }
        columns
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
        let mut out = self.evaluate_batches(std::slice::from_ref(batch), today)?;
        out.pop().ok_or_else(|| RecordError::WrongColumnType {
            field: "output".into(),
            expected: "one output batch".into(),
            found: "none".into(),
        })
    }

    /// [`evaluate_batch`](Self::evaluate_batch) for each of `batches` (the
    /// record batches of one table or stream), one output batch per input
    /// batch, in order.
    ///
    /// The batches are scored together, so every core stays busy however
    /// the table is split: a table read from Parquet often comes as many
    /// batches of 64k–128k rows. Every batch is checked before any is scored;
    /// the first error, in batch order, is returned.
    pub fn evaluate_batches(
        &self,
        batches: &[RecordBatch],
        today: NaiveDate,
    ) -> Result<Vec<RecordBatch>, RecordError> {
        let keyed = self.evaluate_batches_keyed(batches, today)?;
        let (tiers, codes) = self.output_dictionaries();
        let top = self.top_reasons();
        // Arrow checks every key of a dictionary column, a pass over its
        // rows: every column of every batch is one task on the workers.
        let mut columns = Vec::with_capacity(keyed.len() * (top + 1));
        for batch in &keyed {
            for (n, keys) in batch.columns().iter().enumerate().skip(2) {
                let values = if n == 2 { &tiers } else { &codes };
                columns.push((keys.clone(), values.clone()));
            }
        }
        let rows: usize = keyed.iter().map(RecordBatch::num_rows).sum();
        let workers = if rows >= MIN_CHUNK {
            parallel::threads()
        } else {
            1
        };
        let mut dictionaries =
            parallel::map(columns, workers, |(k, v)| dictionary(&k, v)).into_iter();
        let mut results = Vec::with_capacity(keyed.len());
        for batch in keyed {
            let mut columns: Vec<ArrayRef> = batch.columns().iter().take(2).cloned().collect();
            for _ in 0..=top {
                let column = dictionaries
                    .next()
                    .unwrap_or_else(|| Err(ArrowError::ComputeError("a column is missing".into())));
                columns.push(column.map_err(internal_error)?);
            }
            let id_type = columns.first().map(|c| c.data_type().clone());
            let schema = self.output_schema(&id_type.unwrap_or(DataType::Utf8));
            results.push(RecordBatch::try_new(schema, columns).map_err(internal_error)?);
        }
        Ok(results)
    }

    /// [`evaluate_batches`](Self::evaluate_batches) with `tier` and
    /// `reason_n` as integer columns of dictionary keys (schema
    /// [`keyed_output_schema`](Self::keyed_output_schema)): positions in the
    /// tier names and reason codes of
    /// [`output_dictionaries`](Self::output_dictionaries).
    ///
    /// Every key is a position in its dictionary (a test checks it on random
    /// rule sets), so a caller may wrap the keys as dictionary columns
    /// without checking each again: Arrow's checked constructor, which
    /// [`evaluate_batches`](Self::evaluate_batches) uses, is one more pass
    /// over every output column. The Python binding hands the keys to
    /// pyarrow this way.
    pub fn evaluate_batches_keyed(
        &self,
        batches: &[RecordBatch],
        today: NaiveDate,
    ) -> Result<Vec<RecordBatch>, RecordError> {
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
        let bound = batches
            .iter()
            .map(|b| BoundBatch::bind(b, schema, &required))
            .collect::<Result<Vec<_>, _>>()?;

        let plan = self.plan();
        match self.key_width() {
            KeyWidth::Byte => self.evaluate_bound::<u8, i8>(batches, &bound, &plan, today),
            KeyWidth::Short => self.evaluate_bound::<u16, i16>(batches, &bound, &plan, today),
            KeyWidth::Int => self.evaluate_bound::<u32, i32>(batches, &bound, &plan, today),
        }
    }

    /// The narrowest rank and key types for this rule set: ranks number
    /// every override and band (plus "none"), keys every tier and code.
    fn key_width(&self) -> KeyWidth {
        let inner = self.inner();
        let ranks =
            inner.overrides.len() + inner.rules.iter().map(|r| r.bands.len()).sum::<usize>();
        match ranks.max(inner.tiers.len()) {
            n if n < 127 => KeyWidth::Byte,
            n if n < 32_767 => KeyWidth::Short,
            _ => KeyWidth::Int,
        }
    }

    /// [`evaluate_batches_keyed`](Self::evaluate_batches_keyed) once bound,
    /// with ranks of type `R` and output keys of type `K`.
    fn evaluate_bound<R: Rank, K: OutKey>(
        &self,
        batches: &[RecordBatch],
        bound: &[BoundBatch<'_>],
        plan: &Plan,
        today: NaiveDate,
    ) -> Result<Vec<RecordBatch>, RecordError> {
        let top = self.inner().top_reasons;
        let total: usize = bound.iter().map(BoundBatch::rows).sum();
        let workers = if total >= MIN_CHUNK {
            parallel::threads()
        } else {
            1
        };
        // Zeroing the output columns is a pass over memory: one batch per
        // task, so that a table of many batches spreads it over the cores.
        let rows: Vec<usize> = bound.iter().map(BoundBatch::rows).collect();
        let mut outputs: Vec<Outputs<K>> =
            parallel::map(rows, workers, |rows| Outputs::new(rows, top));
        // Whole vectors per piece, a few pieces per core so that the queue
        // evens out the cores, none so small that hand-offs dominate.
        let size = total
            .div_ceil(parallel::threads() * 4)
            .max(MIN_CHUNK)
            .div_ceil(VECTOR)
            .max(1)
            * VECTOR;
        let pieces = outputs
            .iter_mut()
            .enumerate()
            .flat_map(|(b, out)| out.pieces(b, size))
            .collect();
        let ctx = EvalContext { today };
        self.score_pieces::<R, K>(plan, bound, &ctx, pieces);

        let id_name = self.schema().id_field().map_or("", |f| f.name.as_str());
        let mut results = Vec::with_capacity(batches.len());
        for (batch, out) in batches.iter().zip(outputs) {
            let id_column = batch
                .column_by_name(id_name)
                .cloned()
                .ok_or_else(|| RecordError::MissingColumn { field: "id".into() })?;
            let rows = out.scores.len();
            let mut columns: Vec<ArrayRef> = vec![
                id_column.clone(),
                Arc::new(Int64Array::from(out.scores)),
                Arc::new(PrimitiveArray::<K::Arrow>::new(out.tiers.into(), None)),
            ];
            for (keys, valid) in out.reasons.into_iter().zip(out.valid) {
                let valid = BooleanBuffer::new(Buffer::from_vec(valid), 0, rows);
                let keys =
                    PrimitiveArray::<K::Arrow>::new(keys.into(), Some(NullBuffer::new(valid)));
                columns.push(Arc::new(keys));
            }
            let schema = self.keyed_output_schema(id_column.data_type());
            results.push(RecordBatch::try_new(schema, columns).map_err(internal_error)?);
        }
        Ok(results)
    }
}

/// An Arrow error building the output, which valid input never causes.
fn internal_error(e: ArrowError) -> RecordError {
    RecordError::WrongColumnType {
        field: "output".into(),
        expected: "a valid output batch".into(),
        found: e.to_string(),
    }
}

/// Integer `keys` as a dictionary column over `values`, every key checked.
fn dictionary(keys: &ArrayRef, values: ArrayRef) -> Result<ArrayRef, ArrowError> {
    fn wrap<K: ArrowDictionaryKeyType>(
        keys: &ArrayRef,
        values: ArrayRef,
    ) -> Result<ArrayRef, ArrowError> {
        let keys = keys
            .as_primitive_opt::<K>()
            .ok_or_else(|| ArrowError::ComputeError("keys of an unexpected type".into()))?;
        Ok(Arc::new(DictionaryArray::<K>::try_new(
            keys.clone(),
            values,
        )?))
    }
    match keys.data_type() {
        DataType::Int8 => wrap::<Int8Type>(keys, values),
        DataType::Int16 => wrap::<Int16Type>(keys, values),
        DataType::Int32 => wrap::<Int32Type>(keys, values),
        other => Err(ArrowError::ComputeError(format!("keys of type {other}"))),
    }
}

/// One batch's output columns, before they become Arrow arrays.
struct Outputs<K> {
    scores: Vec<i64>,
    tiers: Vec<K>,
    /// `reason_n` keys; meaningful only where `valid` is set.
    reasons: Vec<Vec<K>>,
    /// Which rows have a `reason_n`, as bits.
    valid: Vec<Vec<u64>>,
}

impl<K: OutKey> Outputs<K> {
    fn new(rows: usize, top: usize) -> Self {
        Self {
            scores: vec![0; rows],
            tiers: vec![K::default(); rows],
            reasons: (0..top).map(|_| vec![K::default(); rows]).collect(),
            valid: (0..top).map(|_| vec![0; rows.div_ceil(64)]).collect(),
        }
    }

    /// The columns cut into pieces of `size` rows (a multiple of 64), each
    /// owning disjoint slices of every column.
    fn pieces(&mut self, batch: usize, size: usize) -> Vec<Piece<'_, K>> {
        let mut reasons: Vec<std::slice::ChunksMut<'_, K>> = self
            .reasons
            .iter_mut()
            .map(|r| r.chunks_mut(size))
            .collect();
        let mut valid: Vec<std::slice::ChunksMut<'_, u64>> = self
            .valid
            .iter_mut()
            .map(|v| v.chunks_mut(size / 64))
            .collect();
        self.scores
            .chunks_mut(size)
            .zip(self.tiers.chunks_mut(size))
            .enumerate()
            .map(|(n, (scores, tiers))| Piece {
                batch,
                first: n * size,
                scores,
                tiers,
                reasons: reasons.iter_mut().filter_map(Iterator::next).collect(),
                valid: valid.iter_mut().filter_map(Iterator::next).collect(),
            })
            .collect()
    }
}

/// Rows `first .. first + scores.len()` of batch `batch`, and where their
/// results go.
struct Piece<'o, K> {
    batch: usize,
    first: usize,
    scores: &'o mut [i64],
    tiers: &'o mut [K],
    reasons: Vec<&'o mut [K]>,
    valid: Vec<&'o mut [u64]>,
}

/// Which integer types number ranks and output keys (see `key_width`).
#[derive(Debug, Clone, Copy)]
enum KeyWidth {
    Byte,
    Short,
    Int,
}

/// The dictionary key of `code`, adding it on first sight.
fn intern_code(
    codes: &mut Vec<Arc<str>>,
    key_of: &mut HashMap<Arc<str>, usize>,
    code: &Arc<str>,
) -> usize {
    if let Some(k) = key_of.get(code) {
        return *k;
    }
    let k = codes.len();
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
            (prop::sample::select(vec!["==", "!=", "<", ">="]), 0i64..6)
                .prop_map(|(op, k)| format!("pam_level(y) {op} {k}")),
            (-5i64..40, 0i64..30)
                .prop_map(|(a, b)| format!("days_between(d, today()) between {a} and {}", a + b)),
            (-5i64..40).prop_map(|k| format!("days_between(today(), d) <= {k}")),
            (-40i64..5, 0i64..30)
                .prop_map(|(a, b)| format!("days_between(today(), d) between {a} and {}", a + b)),
            (0i64..5, 0i64..3).prop_map(|(a, b)| format!("pam_level(y) between {a} and {}", a + b)),
            (
                20_480i32..20_520,
                prop::sample::select(vec!["<", ">=", "=="])
            )
                .prop_map(|(day, op)| {
                    let date = NaiveDate::from_num_days_from_ce_opt(day + 719_163).unwrap();
                    format!("d {op} date('{date}')")
                }),
            Just("days_between(d, d) == 0".to_owned()),
            Just("(y between 10 and 20.5) or not (flag)".to_owned()),
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
        // Points include zero and negatives, and now and then points so
        // large that scores saturate, which must happen in rule order.
        let points = prop_oneof![
            12 => -2i64..4,
            1 => Just(1i64 << 40),
            1 => Just(i64::MAX / 3 * 2),
            1 => Just(i64::MIN / 3 * 2),
        ];
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
            // Now and then a value beyond 8 or 32 bits, so a chunk's column
            // is narrowed less or not at all and the wider kernels run.
            prop::option::of(prop_oneof![
                30 => -3i64..25,
                1 => Just(1i64 << 40),
                1 => Just(-(1i64 << 35)),
                // Beyond 8 bits but within 32, and the 8-bit edges.
                1 => 100i64..400,
                1 => prop::sample::select(vec![-129i64, -128, 127, 128]),
            ]),
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

    /// `x` as an Arrow integer column of the chosen width (0: Int64, 1:
    /// Int32, 2: Int16, 3: UInt8), or Int64 where a value does not fit.
    fn int_column(rows: &[RawRow], width: u8) -> ArrayRef {
        use arrow_array::{Int16Array, Int32Array, UInt8Array};
        fn all<T>(rows: &[RawRow], f: impl Fn(i64) -> Option<T>) -> Option<Vec<Option<T>>> {
            rows.iter()
                .map(|r| match r.x {
                    Some(x) => f(x).map(Some),
                    None => Some(None),
                })
                .collect()
        }
        let narrow: Option<ArrayRef> = match width {
            1 => all(rows, |x| i32::try_from(x).ok())
                .map(|v| Arc::new(Int32Array::from(v)) as ArrayRef),
            2 => all(rows, |x| i16::try_from(x).ok())
                .map(|v| Arc::new(Int16Array::from(v)) as ArrayRef),
            3 => all(rows, |x| u8::try_from(x).ok())
                .map(|v| Arc::new(UInt8Array::from(v)) as ArrayRef),
            _ => None,
        };
        narrow.unwrap_or_else(|| Arc::new(rows.iter().map(|r| r.x).collect::<Int64Array>()))
    }

    fn batch(rows: &[RawRow], dictionary: bool) -> RecordBatch {
        batch_with(rows, dictionary, 0)
    }

    fn batch_with(rows: &[RawRow], dictionary: bool, width: u8) -> RecordBatch {
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
                    .collect::<DictionaryArray<arrow_array::types::Int32Type>>(),
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
            ("x", int_column(rows, width)),
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

    /// A row with only `x` set.
    fn x_row(x: Option<i64>) -> RawRow {
        RawRow {
            x,
            y: None,
            flag: None,
            sex: None,
            d: None,
            codes: None,
        }
    }

    /// Every row of `out` (scored from `rows` as of `today`) has the score,
    /// tier and reasons the row evaluator gives it.
    fn assert_row_wise(rules: &RuleSet, rows: &[RawRow], out: &RecordBatch, today: NaiveDate) {
        let scores = out.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        for (i, r) in rows.iter().enumerate() {
            let p = rules.evaluate(&value_row(rules, i, r), today);
            assert_eq!(scores.value(i), p.score, "row {i}");
            assert_eq!(column_text(out, "tier", i).as_deref(), Some(p.tier()));
            for n in 0..rules.top_reasons() {
                let got = column_text(out, &format!("reason_{}", n + 1), i);
                assert_eq!(got.as_deref(), p.reason_codes().get(n).copied(), "row {i}");
            }
        }
    }

    fn column_text(batch: &RecordBatch, name: &str, row: usize) -> Option<String> {
        use arrow_array::cast::AsArray;
        let array = batch.column_by_name(name).unwrap();
        // Whatever the key width, the output is a dictionary of strings.
        let dict = array.as_any_dictionary();
        if array.is_null(row) {
            return None;
        }
        let keys = dict.normalized_keys();
        let values = dict.values().as_string::<i32>();
        Some(values.value(keys[row]).to_owned())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Columnar results equal row-wise results, nulls included.
        ///
        /// Batches run past one 64-row word and one 1,024-row vector, and
        /// are slices of a larger batch, so bitmaps start mid-byte.
        #[test]
        fn columnar_equals_row_wise(
            text in rule_file(),
            all_rows in prop_oneof![
                3 => prop::collection::vec(raw_row(), 0..60),
                1 => prop::collection::vec(raw_row(), 60..1300),
            ],
            skip in 0usize..70,
            dictionary in any::<bool>(),
            width in 0u8..4,
            beyond_32_bits in any::<bool>(),
        ) {
            let rules = RuleSet::from_toml(&text).unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let mut all_rows = all_rows;
            if !beyond_32_bits {
                // Every value within 32 bits, so 64-bit columns are narrowed
                // (to 8 bits where a chunk allows, else to 32).
                for r in &mut all_rows {
                    r.x = r.x.map(|x| if x.abs() > 1000 { x % 1000 } else { x });
                }
            }
            if width > 0 {
                // Values the narrow column type holds (UInt8: none negative).
                for r in &mut all_rows {
                    r.x = r.x.map(|x| if width == 3 { x.rem_euclid(30) } else { x % 40 });
                }
            }
            let skip = skip.min(all_rows.len());
            let rows = all_rows.get(skip..).unwrap();
            let sliced = batch_with(&all_rows, dictionary, width).slice(skip, rows.len());
            let out = rules.evaluate_batch(&sliced, today).unwrap();
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

    /// Rule sets with more reasons than fit a byte use wider ranks and
    /// keys, with distinct codes (a rank is its key) and shared ones.
    #[test]
    fn wide_rule_sets_match_row_wise() {
        for shared in [false, true] {
            let mut text = HEADER.replace("TOP", "4");
            for i in 0..140 {
                let code = if shared { i % 7 } else { i };
                text.push_str(&format!(
                    "[[rule]]\nid = \"r{i}\"\nwhen = \"coalesce(x, 0) >= {}\"\npoints = {}\nreason = \"CODE_{code}\"\n",
                    i % 23,
                    i % 4
                ));
            }
            let rules = RuleSet::from_toml(&text).unwrap();
            let rows: Vec<RawRow> = (0..2100)
                .map(|i| x_row((i % 11 != 0).then_some(i64::from(i % 29))))
                .collect();
            let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let out = rules.evaluate_batch(&batch(&rows, false), today).unwrap();
            assert_eq!(
                out.schema().field(2).data_type(),
                &DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))
            );
            assert_row_wise(&rules, &rows, &out, today);
        }
    }

    /// Batches scored together give what each gives alone, whatever their
    /// sizes (empty, under one piece, several pieces), in batch order; a bad
    /// batch anywhere is an error before anything is scored.
    #[test]
    fn batches_scored_together_equal_each_alone() {
        let rules = RuleSet::from_toml(&format!(
            "{h}[[rule]]\nid = \"a\"\nwhen = \"x >= 2\"\npoints = 3\nreason = \"A\"\n\
             [[rule]]\nid = \"b\"\nwhen = \"flag\"\npoints = 2\nreason = \"B\"\n",
            h = HEADER.replace("TOP", "2")
        ))
        .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let rows = |n: usize, seed: i64| -> Vec<RawRow> {
            (0..n)
                .map(|i| {
                    let k = i64::try_from(i).unwrap() * 7 + seed;
                    RawRow {
                        x: (k % 5 != 0).then_some(k % 4),
                        y: None,
                        flag: (k % 3 != 0).then_some(k % 2 == 0),
                        sex: None,
                        d: None,
                        codes: None,
                    }
                })
                .collect()
        };
        let batches: Vec<RecordBatch> = [0, 5, 40_000, 1, 17_000]
            .iter()
            .enumerate()
            .map(|(seed, n)| batch(&rows(*n, i64::try_from(seed).unwrap()), false))
            .collect();
        let together = rules.evaluate_batches(&batches, today).unwrap();
        assert_eq!(together.len(), batches.len());
        for (b, out) in batches.iter().zip(&together) {
            assert_eq!(out, &rules.evaluate_batch(b, today).unwrap());
        }
        // The keyed form holds the same keys, each a position in its
        // dictionary (wrapping checks every one).
        let keyed = rules.evaluate_batches_keyed(&batches, today).unwrap();
        let (tiers, codes) = rules.output_dictionaries();
        for (k, out) in keyed.iter().zip(&together) {
            assert_eq!(k.schema(), rules.keyed_output_schema(&DataType::Utf8));
            for (n, keys) in k.columns().iter().enumerate().skip(2) {
                let values = if n == 2 { &tiers } else { &codes };
                let wrapped = dictionary(keys, values.clone()).unwrap();
                assert_eq!(&wrapped, out.column(n));
            }
        }

        let bad = RecordBatch::try_from_iter(vec![
            ("id", Arc::new(StringArray::from(vec!["A"])) as ArrayRef),
            ("x", Arc::new(StringArray::from(vec!["1"])) as ArrayRef),
            ("flag", Arc::new(BooleanArray::from(vec![true])) as ArrayRef),
        ])
        .unwrap();
        let mut with_bad = batches.clone();
        with_bad.insert(2, bad);
        let err = rules.evaluate_batches(&with_bad, today).unwrap_err();
        assert_eq!(err.code(), "record.wrong_column_type");
        assert!(rules.evaluate_batches(&[], today).unwrap().is_empty());
    }

    /// Chunks whose widest value sits either side of the 8- and 32-bit
    /// limits are narrowed as far as they allow, and every comparison,
    /// against constants either side of the same limits, is exact.
    #[test]
    fn narrowing_edges_match_row_wise() {
        let edges = [
            -129i64,
            -128,
            127,
            128,
            255,
            256,
            i64::from(i32::MAX),
            i64::from(i32::MAX) + 1,
            i64::from(i32::MIN),
            i64::from(i32::MIN) - 1,
        ];
        let mut text = HEADER.replace("TOP", "3");
        for (i, e) in edges.iter().enumerate() {
            for (j, cond) in [
                format!("x >= {e}"),
                format!("x == {e}"),
                format!("x < {}", e + 1),
                format!("x between {} and {e}", e - 1),
            ]
            .iter()
            .enumerate()
            {
                text.push_str(&format!(
                    "[[rule]]\nid = \"r{i}_{j}\"\nwhen = \"{cond}\"\npoints = {}\nreason = \"R{i}_{j}\"\n",
                    i + j + 1
                ));
            }
        }
        let rules = RuleSet::from_toml(&text).unwrap();
        // One vector per edge: the edge once, small values and nulls around it.
        let rows: Vec<RawRow> = edges
            .iter()
            .flat_map(|e| {
                (0..VECTOR).map(move |k| {
                    x_row(match k % 97 {
                        0 => Some(*e),
                        1 => None,
                        n => Some(i64::try_from(n).unwrap() - 50),
                    })
                })
            })
            .collect();
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let out = rules.evaluate_batch(&batch(&rows, false), today).unwrap();
        assert_row_wise(&rules, &rows, &out, today);
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
