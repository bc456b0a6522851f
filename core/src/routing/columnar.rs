//! Routing many referrals held in an Arrow record batch (feature `arrow`):
//! bound once, split across every core, each row through the same ranking
//! routine as [`Directory::route`], output in long form.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Int32Array, ListArray, RecordBatch,
    StringArray, UInt32Array,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{ArrowError, DataType, Field, Schema as ArrowSchema};
use chrono::{DateTime, Utc};

use crate::caseload::RecordError;
use crate::expr::Scalar;
use crate::expr::columnar::{BatchRow, BoundBatch, timestamp_micros};

use super::directory::Directory;
use super::error::{ReferralError, ReferralErrorKind as RK};
use super::load::field;
use super::route::{DayCache, Outcome, Ranked, prepare, rank};

/// Rows per task: large enough to amortise the thread hand-off.
const MIN_CHUNK: usize = 8 * 1024;

const OUTCOMES: [Outcome; 4] = [
    Outcome::Escalated,
    Outcome::Routed,
    Outcome::NeedsConsent,
    Outcome::Unmet,
];

/// The long-form rows one task produces.
#[derive(Default)]
struct Part {
    referral_row: Vec<u32>,
    rank: Vec<Option<u32>>,
    service: Vec<Option<i32>>,
    needs_offsets: Vec<i32>,
    needs: Vec<i32>,
    escalate: Vec<bool>,
    outcome: Vec<i32>,
}

impl Directory {
    /// Routes every referral in `batch` (columns `id`, `age`, `sex`,
    /// `district`, `needs` (list of text), `urgency`, `consent`, `at` (a
    /// timestamp with a time zone), optionally `pcn`, `practice` and the
    /// directory's extra fields), using every core.
    ///
    /// Long-form output, referrals in input order, matches in rank order:
    /// `referral_id`, `rank` (1-based; null on an unmet or needs-consent row),
    /// `service_id`, `matched_needs` (list), `escalate`, `outcome`. A referral
    /// with nothing eligible still has one row, with its outcome: an unmet
    /// need is never silently dropped. Results equal [`route`](Self::route)'s.
    ///
    /// Errors name the column (and row for a bad value), never a value.
    pub fn route_batch(&self, batch: &RecordBatch) -> Result<RecordBatch, ReferralError> {
        let inner = &*self.0;
        let schema = &inner.schema;
        let record = |e: RecordError| ReferralError::new(RK::Record(e));
        // A column the directory does not know is refused, as `route`
        // refuses an unknown extra field: a misspelt criteria column would
        // otherwise read as null everywhere and fail every criterion quietly.
        for column in batch.schema().fields() {
            let name = column.name();
            if name != "at" && schema.index_of(name).is_none() {
                let known = schema
                    .fields()
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(["at"]);
                return Err(ReferralError::new(RK::UnknownField {
                    field: crate::diag::shown_id(name),
                    suggestion: crate::diag::did_you_mean(name, known).map(str::to_owned),
                }));
            }
        }
        let required: Vec<bool> = (0..schema.fields().len())
            .map(|i| i < field::BUILT_IN && i != field::PCN && i != field::PRACTICE)
            .collect();
        let bound = BoundBatch::bind(batch, schema, &required).map_err(record)?;
        let at = timestamp_micros(batch, "at").map_err(record)?;
        let rows = bound.rows();

        let parts = crate::parallel::ranges(rows, MIN_CHUNK, |start, end| {
            route_rows(self, &bound, &at, start, end)
        });

        let mut all = Part::default();
        all.needs_offsets.push(0);
        for part in parts {
            let part = part?;
            let base = all.needs.len() as i32;
            all.referral_row.extend(part.referral_row);
            all.rank.extend(part.rank);
            all.service.extend(part.service);
            all.needs_offsets
                .extend(part.needs_offsets.iter().skip(1).map(|o| o + base));
            all.needs.extend(part.needs);
            all.escalate.extend(part.escalate);
            all.outcome.extend(part.outcome);
        }
        let ids: StringArray = all
            .referral_row
            .iter()
            .map(|&r| match bound.scalar(field::ID, r as usize) {
                Scalar::Str(s) => Some(s),
                _ => None,
            })
            .collect();
        // The columns are built consistent by construction; an Arrow error
        // here is a library fault, reported as such.
        output(self, all, ids).map_err(|_| ReferralError::new(RK::Internal))
    }
}

impl Directory {
    /// The schema of [`route_batch`](Self::route_batch)'s output.
    pub fn route_batch_schema(&self) -> Arc<ArrowSchema> {
        let dict_type = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        let need_field = Arc::new(Field::new("item", dict_type.clone(), false));
        Arc::new(ArrowSchema::new(vec![
            Field::new("referral_id", DataType::Utf8, false),
            Field::new("rank", DataType::UInt32, true),
            Field::new("service_id", dict_type.clone(), true),
            Field::new("matched_needs", DataType::List(need_field), false),
            Field::new("escalate", DataType::Boolean, false),
            Field::new("outcome", dict_type, false),
        ]))
    }
}

fn route_rows(
    directory: &Directory,
    bound: &BoundBatch<'_>,
    at: &[Option<i64>],
    start: usize,
    end: usize,
) -> Result<Part, ReferralError> {
    let inner = &*directory.0;
    let mut part = Part {
        needs_offsets: vec![0],
        ..Part::default()
    };
    let mut ranked: Vec<Ranked> = Vec::new();
    let mut days = DayCache::default();
    for r in start..end {
        let row = BatchRow {
            batch: bound,
            row: r,
        };
        // A null `at` is missing; one chrono cannot hold is out of range.
        let instant = match at.get(r).copied().flatten() {
            None => Err(RK::Record(RecordError::MissingField { field: "at".into() })),
            Some(micros) => {
                DateTime::<Utc>::from_timestamp_micros(micros).ok_or(RK::DateOutOfRange)
            }
        }
        .map_err(|kind| ReferralError::new(kind).at_row(r))?;
        let p = prepare(inner, &row, instant, &mut days).map_err(|e| e.at_row(r))?;
        let (outcome, _) = rank(inner, &p, &row, &mut ranked);
        let outcome_key = OUTCOMES.iter().position(|o| *o == outcome).unwrap_or(0) as i32;
        let referral_row = u32::try_from(r).unwrap_or(u32::MAX);
        if ranked.is_empty() {
            part.referral_row.push(referral_row);
            part.rank.push(None);
            part.service.push(None);
            part.needs_offsets.push(part.needs.len() as i32);
            part.escalate.push(false);
            part.outcome.push(outcome_key);
        }
        for (n, m) in ranked.iter().enumerate() {
            part.referral_row.push(referral_row);
            part.rank.push(Some(n as u32 + 1));
            part.service.push(Some(m.service as i32));
            part.needs.extend(m.matched.iter().map(|i| i as i32));
            part.needs_offsets.push(part.needs.len() as i32);
            part.escalate
                .push(m.route != super::route::RouteKind::Service);
            part.outcome.push(outcome_key);
        }
    }
    Ok(part)
}

fn output(directory: &Directory, all: Part, ids: StringArray) -> Result<RecordBatch, ArrowError> {
    let inner = &*directory.0;
    let dict = |keys: Int32Array, values: StringArray| -> Result<ArrayRef, ArrowError> {
        Ok(Arc::new(DictionaryArray::<Int32Type>::try_new(
            keys,
            Arc::new(values),
        )?))
    };
    let service_names: StringArray = inner.services.iter().map(|s| Some(&*s.id)).collect();
    let need_names: StringArray = inner
        .vocabulary
        .needs()
        .iter()
        .map(|n| Some(&*n.id))
        .collect();
    let outcome_names: StringArray = OUTCOMES.iter().map(|o| Some(o.key())).collect();

    let need_values = dict(Int32Array::from(all.needs), need_names)?;
    let need_field = Arc::new(Field::new("item", need_values.data_type().clone(), false));
    let matched = ListArray::try_new(
        need_field,
        OffsetBuffer::new(all.needs_offsets.into()),
        need_values,
        None,
    )?;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(ids),
        Arc::new(UInt32Array::from(all.rank)),
        dict(Int32Array::from(all.service), service_names)?,
        Arc::new(matched),
        Arc::new(BooleanArray::from(all.escalate)),
        dict(Int32Array::from(all.outcome), outcome_names)?,
    ];
    let schema = directory.route_batch_schema();
    RecordBatch::try_new(schema, columns)
}
