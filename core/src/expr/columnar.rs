//! Reading schema fields straight out of Arrow arrays (feature `arrow`).
//!
//! A record batch is bound to a [`Schema`] once: each field's column is
//! checked (type, nulls where the schema forbids them, enum values) and kept
//! as a typed view, from which the vectorised evaluator (`vector.rs`) reads
//! a slice of rows at a time.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type,
};
use arrow_array::{
    Array, BooleanArray, GenericListArray, LargeStringArray, PrimitiveArray, RecordBatch,
    StringArray, StringViewArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::DataType;
use chrono::NaiveDate;

use super::schema::{Field, Schema, Type};
use super::value::{ListRef, Scalar};
use std::borrow::Cow;
use std::rc::Rc;

use super::mask::{Mask, Numbers, WORDS, Words, ones};
use super::vector::Vector;
use crate::caseload::RecordError;

/// Text values of an Arrow string column of any of its three layouts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StrValues<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> StrValues<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        if let Some(a) = array.as_string_opt::<i32>() {
            Some(Self::Utf8(a))
        } else if let Some(a) = array.as_string_opt::<i64>() {
            Some(Self::Large(a))
        } else {
            array.as_string_view_opt().map(Self::View)
        }
    }

    #[inline]
    pub(crate) fn value(self, i: usize) -> &'a str {
        match self {
            Self::Utf8(a) => a.value(i),
            Self::Large(a) => a.value(i),
            Self::View(a) => a.value(i),
        }
    }

    fn len(self) -> usize {
        match self {
            Self::Utf8(a) => a.len(),
            Self::Large(a) => a.len(),
            Self::View(a) => a.len(),
        }
    }

    #[inline]
    fn is_null(self, i: usize) -> bool {
        match self {
            Self::Utf8(a) => a.is_null(i),
            Self::Large(a) => a.is_null(i),
            Self::View(a) => a.is_null(i),
        }
    }
}

/// A text column read row by row without going through [`Scalar`]: a plain
/// string column of any layout, or a dictionary of strings.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Texts<'a> {
    /// A `Utf8` column as its offsets into its values, which were checked
    /// as UTF-8 once (so a row costs two bounds checks, not a validation).
    Utf8 {
        offsets: &'a [i32],
        values: &'a str,
        nulls: Option<&'a NullBuffer>,
    },
    Plain(StrValues<'a>),
    Dict {
        keys: &'a [usize],
        nulls: Option<&'a NullBuffer>,
        values: StrValues<'a>,
    },
}

impl<'a> Texts<'a> {
    /// Row `i`'s text, or `None` for null.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Option<&'a str> {
        // The common layout inline, in the caller's loop; the others out of line.
        match *self {
            Self::Utf8 {
                offsets,
                values,
                nulls,
            } => {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    return None;
                }
                let (a, b) = (*offsets.get(i)?, *offsets.get(i + 1)?);
                values.get(usize::try_from(a).ok()?..usize::try_from(b).ok()?)
            }
            _ => self.get_other(i),
        }
    }

    #[inline(never)]
    fn get_other(self, i: usize) -> Option<&'a str> {
        match self {
            Self::Utf8 { .. } => None,
            Self::Plain(v) => (!v.is_null(i)).then(|| v.value(i)),
            Self::Dict {
                keys,
                nulls,
                values,
            } => dict_text(keys, nulls, values, i),
        }
    }
}

/// Row `i` of a dictionary of strings: null through its key or its value.
#[inline]
fn dict_text<'a>(
    keys: &[usize],
    nulls: Option<&NullBuffer>,
    values: StrValues<'a>,
    i: usize,
) -> Option<&'a str> {
    if nulls.is_some_and(|n| n.is_null(i)) {
        return None;
    }
    match keys.get(i) {
        Some(&k) if !values.is_null(k) => Some(values.value(k)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Offsets<'a> {
    Small(&'a [i32]),
    Large(&'a [i64]),
}

/// One column, viewed as its schema type.
#[derive(Debug)]
enum Column<'a> {
    Int(IntColumn<'a>),
    /// An integer column read as float (a float field given whole numbers).
    IntAsFloat(IntColumn<'a>),
    Float64(&'a PrimitiveArray<Float64Type>),
    Float32(&'a PrimitiveArray<Float32Type>),
    Bool(&'a BooleanArray),
    Str(StrValues<'a>),
    Dict {
        keys: Vec<usize>,
        nulls: Option<NullBuffer>,
        values: StrValues<'a>,
    },
    Date32(&'a PrimitiveArray<Date32Type>),
    Date64(&'a PrimitiveArray<Date64Type>),
    List {
        offsets: Offsets<'a>,
        nulls: Option<&'a NullBuffer>,
        values: StrValues<'a>,
    },
    /// A declared field the rules never read and the data does not have.
    Absent,
}

#[derive(Debug, Clone, Copy)]
enum IntColumn<'a> {
    I64(&'a PrimitiveArray<Int64Type>),
    I32(&'a PrimitiveArray<Int32Type>),
    I16(&'a PrimitiveArray<Int16Type>),
    I8(&'a PrimitiveArray<Int8Type>),
    U32(&'a PrimitiveArray<UInt32Type>),
    U16(&'a PrimitiveArray<UInt16Type>),
    U8(&'a PrimitiveArray<UInt8Type>),
}

impl<'a> IntColumn<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Int64 => Self::I64(array.as_primitive_opt()?),
            DataType::Int32 => Self::I32(array.as_primitive_opt()?),
            DataType::Int16 => Self::I16(array.as_primitive_opt()?),
            DataType::Int8 => Self::I8(array.as_primitive_opt()?),
            DataType::UInt32 => Self::U32(array.as_primitive_opt()?),
            DataType::UInt16 => Self::U16(array.as_primitive_opt()?),
            DataType::UInt8 => Self::U8(array.as_primitive_opt()?),
            _ => return None,
        })
    }

    fn nulls(self) -> Option<&'a NullBuffer> {
        match self {
            Self::I64(a) => a.nulls(),
            Self::I32(a) => a.nulls(),
            Self::I16(a) => a.nulls(),
            Self::I8(a) => a.nulls(),
            Self::U32(a) => a.nulls(),
            Self::U16(a) => a.nulls(),
            Self::U8(a) => a.nulls(),
        }
    }

    /// Values and known-mask of rows `start .. start + len`.
    fn slice(self, start: usize, len: usize) -> (Vec<i64>, Vec<bool>) {
        macro_rules! take {
            ($a:expr) => {{
                let values = $a
                    .values()
                    .get(start..start + len)
                    .map(|s| s.iter().map(|v| i64::from(*v)).collect())
                    .unwrap_or_default();
                let known = match $a.nulls() {
                    Some(n) => unpack_bits(n.inner(), start, len),
                    None => vec![true; len],
                };
                (values, known)
            }};
        }
        match self {
            Self::I64(a) => take!(a),
            Self::I32(a) => take!(a),
            Self::I16(a) => take!(a),
            Self::I8(a) => take!(a),
            Self::U32(a) => take!(a),
            Self::U16(a) => take!(a),
            Self::U8(a) => take!(a),
        }
    }

    /// Values of rows `start .. start + len` as 32-bit integers, for the
    /// types whose every value fits (all but 64-bit and unsigned 32-bit).
    fn small_slice(self, start: usize, len: usize) -> Option<Vec<i32>> {
        let rows = start..start + len;
        macro_rules! widen {
            ($a:expr) => {
                $a.values()
                    .get(rows)?
                    .iter()
                    .map(|v| i32::from(*v))
                    .collect()
            };
        }
        Some(match self {
            Self::I32(a) => a.values().get(rows)?.to_vec(),
            Self::I16(a) => widen!(a),
            Self::I8(a) => widen!(a),
            Self::U16(a) => widen!(a),
            Self::U8(a) => widen!(a),
            Self::I64(_) | Self::U32(_) => return None,
        })
    }

    #[inline]
    fn get(self, i: usize) -> Option<i64> {
        macro_rules! read {
            ($a:expr) => {
                if $a.is_null(i) {
                    None
                } else {
                    $a.values().get(i).map(|v| i64::from(*v))
                }
            };
        }
        match self {
            Self::I64(a) => read!(a),
            Self::I32(a) => read!(a),
            Self::I16(a) => read!(a),
            Self::I8(a) => read!(a),
            Self::U32(a) => read!(a),
            Self::U16(a) => read!(a),
            Self::U8(a) => read!(a),
        }
    }
}

/// Days from 0001-01-01 (chrono's day numbering) to 1970-01-01.
pub(crate) const UNIX_EPOCH_DAY: i32 = 719_163;

/// The date `days` after 1970-01-01 (Arrow's `Date32`), if representable.
pub(crate) fn date_from_epoch_days(days: i32) -> Option<NaiveDate> {
    days.checked_add(UNIX_EPOCH_DAY)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

impl<'a> Column<'a> {
    #[inline]
    fn get(&self, i: usize) -> Scalar<'_> {
        match self {
            Self::Int(c) => c.get(i).map_or(Scalar::Null, Scalar::Int),
            Self::IntAsFloat(c) => c.get(i).map_or(Scalar::Null, |v| Scalar::Float(v as f64)),
            Self::Float64(a) => primitive(*a, i).map_or(Scalar::Null, Scalar::Float),
            Self::Float32(a) => {
                primitive(*a, i).map_or(Scalar::Null, |v| Scalar::Float(f64::from(v)))
            }
            Self::Bool(a) => {
                if a.is_null(i) {
                    Scalar::Null
                } else {
                    Scalar::Bool(a.value(i))
                }
            }
            Self::Str(v) => {
                if v.is_null(i) {
                    Scalar::Null
                } else {
                    Scalar::Str(v.value(i))
                }
            }
            Self::Dict {
                keys,
                nulls,
                values,
            } => dict_text(keys, nulls.as_ref(), *values, i).map_or(Scalar::Null, Scalar::Str),
            Self::Date32(a) => primitive(*a, i)
                .and_then(date_from_epoch_days)
                .map_or(Scalar::Null, Scalar::Date),
            Self::Date64(a) => primitive(*a, i)
                .and_then(|ms| i32::try_from(ms.div_euclid(86_400_000)).ok())
                .and_then(date_from_epoch_days)
                .map_or(Scalar::Null, Scalar::Date),
            Self::List {
                offsets,
                nulls,
                values,
            } => {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    return Scalar::Null;
                }
                let bounds = match offsets {
                    Offsets::Small(o) => o.get(i).zip(o.get(i + 1)).and_then(|(a, b)| {
                        Some((usize::try_from(*a).ok()?, usize::try_from(*b).ok()?))
                    }),
                    Offsets::Large(o) => o.get(i).zip(o.get(i + 1)).and_then(|(a, b)| {
                        Some((usize::try_from(*a).ok()?, usize::try_from(*b).ok()?))
                    }),
                };
                bounds.map_or(Scalar::Null, |(start, end)| {
                    Scalar::List(ListRef::Arrow {
                        values: *values,
                        start,
                        end,
                    })
                })
            }
            Self::Absent => Scalar::Null,
        }
    }

    /// The validity bitmap and, for a boolean column, the values bitmap.
    fn bitmaps(&self) -> [Option<&BooleanBuffer>; 2] {
        let nulls = match self {
            Self::Int(c) | Self::IntAsFloat(c) => c.nulls(),
            Self::Float64(a) => a.nulls(),
            Self::Float32(a) => a.nulls(),
            Self::Bool(a) => a.nulls(),
            Self::Date32(a) => a.nulls(),
            Self::Date64(a) => a.nulls(),
            Self::Str(_) | Self::Dict { .. } | Self::List { .. } | Self::Absent => None,
        };
        let values = match self {
            Self::Bool(a) => Some(a.values()),
            _ => None,
        };
        [nulls.map(NullBuffer::inner), values]
    }

    /// How many nulls the column holds, logically (dictionary values included).
    fn has_nulls(&self, array: &dyn Array, len: usize) -> bool {
        match self {
            // A dictionary entry can be null through its key or its value.
            Self::Dict { .. } | Self::List { .. } | Self::Absent => {
                (0..len).any(|i| matches!(self.get(i), Scalar::Null))
            }
            _ => array.logical_null_count() > 0,
        }
    }
}

#[inline]
fn primitive<T: arrow_array::ArrowPrimitiveType>(
    a: &PrimitiveArray<T>,
    i: usize,
) -> Option<T::Native> {
    if a.is_null(i) {
        None
    } else {
        a.values().get(i).copied()
    }
}

/// A record batch bound to a schema: one typed view per declared field.
#[derive(Debug)]
pub(crate) struct BoundBatch<'a> {
    columns: Vec<Column<'a>>,
    rows: usize,
}

impl<'a> BoundBatch<'a> {
    /// Binds `batch` to `schema`. Every field in `required` must be a column
    /// of a matching type; nulls are refused where the schema forbids them,
    /// and enum columns may hold only their declared values.
    pub(crate) fn bind(
        batch: &'a RecordBatch,
        schema: &Schema,
        required: &[bool],
    ) -> Result<Self, RecordError> {
        let rows = batch.num_rows();
        let mut columns = Vec::with_capacity(schema.fields().len());
        for (i, field) in schema.fields().iter().enumerate() {
            let Some(array) = batch.column_by_name(&field.name) else {
                if required.get(i).copied().unwrap_or(true) {
                    return Err(RecordError::MissingColumn {
                        field: field.name.clone(),
                    });
                }
                columns.push(Column::Absent);
                continue;
            };
            let column = view(field, array.as_ref())?;
            if !field.nullable && column.has_nulls(array.as_ref(), rows) {
                return Err(RecordError::MissingField {
                    field: field.name.clone(),
                });
            }
            if let Type::Enum(allowed) = &field.ty {
                let ok = (0..rows).all(|r| match column.get(r) {
                    Scalar::Str(s) => allowed.iter().any(|a| a == s),
                    _ => true,
                });
                if !ok {
                    return Err(RecordError::UnknownEnumValue {
                        field: field.name.clone(),
                    });
                }
            }
            columns.push(column);
        }
        Ok(Self { columns, rows })
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Field `index` on one row, read in place.
    #[inline]
    pub(crate) fn scalar(&self, index: usize, row: usize) -> Scalar<'_> {
        self.columns.get(index).map_or(Scalar::Null, |c| c.get(row))
    }

    /// Float field `index` when the batch holds it as 64-bit floats (the
    /// common case, read without going through [`Scalar`]).
    pub(crate) fn float64(&self, index: usize) -> Option<&'a PrimitiveArray<Float64Type>> {
        match self.columns.get(index)? {
            Column::Float64(a) => Some(a),
            _ => None,
        }
    }

    /// Text field `index` as a row reader; `None` where the batch lacks the
    /// (optional) column or the field is not text.
    pub(crate) fn texts(&self, index: usize) -> Option<Texts<'_>> {
        match self.columns.get(index)? {
            Column::Str(StrValues::Utf8(a)) => Some(match std::str::from_utf8(a.value_data()) {
                Ok(values) => Texts::Utf8 {
                    offsets: a.value_offsets(),
                    values,
                    nulls: a.nulls(),
                },
                // Bytes outside every value need not be text: read row by row.
                Err(_) => Texts::Plain(StrValues::Utf8(a)),
            }),
            Column::Str(v) => Some(Texts::Plain(*v)),
            Column::Dict {
                keys,
                nulls,
                values,
            } => Some(Texts::Dict {
                keys,
                nulls: nulls.as_ref(),
                values: *values,
            }),
            _ => None,
        }
    }

    /// Field `index` on rows `start .. start + len`, as a typed vector,
    /// borrowing the Arrow buffers where the layout matches.
    pub(crate) fn field_vector(&self, index: usize, start: usize, len: usize) -> Vector<'_> {
        let Some(column) = self.columns.get(index) else {
            return Vector::Const(Scalar::Null);
        };
        let rows = start..start + len;
        let known_of = |nulls: Option<&NullBuffer>| -> Cow<'static, [bool]> {
            match nulls {
                Some(n) => unpack_bits(n.inner(), start, len),
                None => Cow::Borrowed(ALL_KNOWN.get(..len).unwrap_or(&[])),
            }
        };
        // Chunks are at most VECTOR rows, so the all-known mask always covers them.
        match column {
            Column::Int(IntColumn::I64(a)) => Vector::Int {
                v: Cow::Borrowed(a.values().get(rows.clone()).unwrap_or(&[])),
                known: known_of(a.nulls()),
            },
            Column::Int(c) => {
                let (v, known) = c.slice(start, len);
                Vector::Int {
                    v: v.into(),
                    known: known.into(),
                }
            }
            Column::IntAsFloat(c) => {
                let (v, known) = c.slice(start, len);
                Vector::Float {
                    v: v.into_iter().map(|x| x as f64).collect(),
                    known: known.into(),
                }
            }
            Column::Float64(a) => Vector::Float {
                v: Cow::Borrowed(a.values().get(rows.clone()).unwrap_or(&[])),
                known: known_of(a.nulls()),
            },
            Column::Float32(a) => Vector::Float {
                v: a.values()
                    .get(rows.clone())
                    .map(|s| s.iter().map(|x| f64::from(*x)).collect())
                    .unwrap_or_default(),
                known: known_of(a.nulls()),
            },
            Column::Bool(a) => Vector::Bool {
                v: unpack_bits(a.values(), start, len),
                known: known_of(a.nulls()),
            },
            Column::Date32(a) => Vector::Date {
                v: Cow::Borrowed(a.values().get(rows.clone()).unwrap_or(&[])),
                known: known_of(a.nulls()),
            },
            Column::Str(_) | Column::Dict { .. } => {
                let mut v = Vec::with_capacity(len);
                let mut known = Vec::with_capacity(len);
                for i in rows {
                    match column.get(i) {
                        Scalar::Str(s) => {
                            v.push(s);
                            known.push(true);
                        }
                        _ => {
                            v.push("");
                            known.push(false);
                        }
                    }
                }
                Vector::Str {
                    v,
                    known: known.into(),
                }
            }
            Column::Date64(_) | Column::List { .. } | Column::Absent => {
                Vector::Rows(rows.map(|i| column.get(i)).collect())
            }
        }
    }
}

impl<'a> BoundBatch<'a> {
    /// Which of rows `start .. start + len` of field `index` are not null,
    /// read word by word from the Arrow validity bitmap. `None` for layouts
    /// whose nulls are not one bitmap (dictionaries, lists, absent columns).
    pub(crate) fn valid_words(&self, index: usize, start: usize, len: usize) -> Option<Words> {
        let nulls = match self.columns.get(index)? {
            Column::Int(c) | Column::IntAsFloat(c) => c.nulls(),
            Column::Float64(a) => a.nulls(),
            Column::Float32(a) => a.nulls(),
            Column::Bool(a) => a.nulls(),
            Column::Date32(a) => a.nulls(),
            Column::Date64(a) => a.nulls(),
            Column::Str(_) | Column::Dict { .. } | Column::List { .. } | Column::Absent => {
                return None;
            }
        };
        Some(nulls.map_or_else(|| ones(len), |n| words_of(n.inner(), start, len)))
    }

    /// Reads one value per 64-byte cache line of every numeric and date
    /// column on rows `start .. start + len`, returning a checksum so that
    /// the reads are not optimised away.
    ///
    /// Why: chunk evaluation reads a dozen columns a few kilobytes at a
    /// time, which the hardware prefetcher follows poorly, so first reads
    /// wait on memory. One quick sequential sweep per column ahead of a
    /// block of chunks brings the block into cache at full memory bandwidth.
    pub(crate) fn warm(&self, start: usize, len: usize) -> u64 {
        fn sweep<T: Copy>(values: &[T], start: usize, len: usize, f: impl Fn(T) -> u64) -> u64 {
            let step = (64 / std::mem::size_of::<T>()).max(1);
            values
                .get(start..(start + len).min(values.len()))
                .unwrap_or(&[])
                .iter()
                .step_by(step)
                .fold(0u64, |a, x| a ^ f(*x))
        }
        let mut sum = 0u64;
        for column in &self.columns {
            sum ^= match column {
                Column::Int(IntColumn::I64(a)) | Column::IntAsFloat(IntColumn::I64(a)) => {
                    sweep(a.values(), start, len, |x| x as u64)
                }
                Column::Int(IntColumn::I32(a)) | Column::IntAsFloat(IntColumn::I32(a)) => {
                    sweep(a.values(), start, len, |x| x as u64)
                }
                Column::Float64(a) => sweep(a.values(), start, len, f64::to_bits),
                Column::Date32(a) => sweep(a.values(), start, len, |x| x as u64),
                Column::Date64(a) => sweep(a.values(), start, len, |x| x as u64),
                _ => 0,
            };
            // Bitmaps: one byte per 512 rows.
            for bits in column.bitmaps().into_iter().flatten() {
                let first = (bits.offset() + start) / 8;
                let last = (bits.offset() + start + len).div_ceil(8);
                let bytes = bits.values();
                sum ^= sweep(bytes, first, last.saturating_sub(first), u64::from);
            }
        }
        sum
    }

    /// A boolean field's rows as bits, straight from Arrow's bitmaps.
    pub(crate) fn bool_mask(&self, index: usize, start: usize, len: usize) -> Option<Mask> {
        let Some(Column::Bool(a)) = self.columns.get(index) else {
            return None;
        };
        let known = self.valid_words(index, start, len)?;
        let values = words_of(a.values(), start, len);
        let mut truth = [0u64; WORDS];
        for ((t, v), k) in truth.iter_mut().zip(&values).zip(&known) {
            *t = v & k;
        }
        Some(Mask { truth, known })
    }

    /// A numeric or date field's values on rows `start .. start + len`
    /// (borrowed where Arrow's layout is the evaluator's) and its known rows.
    pub(crate) fn field_numbers(
        &self,
        index: usize,
        start: usize,
        len: usize,
    ) -> Option<(Numbers<'_>, Words)> {
        let rows = start..start + len;
        let values = match self.columns.get(index)? {
            Column::Int(IntColumn::I64(a)) => Numbers::Int(Cow::Borrowed(a.values().get(rows)?)),
            Column::Int(c) => match c.small_slice(start, len) {
                Some(v) => Numbers::Small(Rc::new(v)),
                None => Numbers::Int(c.slice(start, len).0.into()),
            },
            Column::IntAsFloat(c) => Numbers::Float(
                c.slice(start, len)
                    .0
                    .into_iter()
                    .map(|x| x as f64)
                    .collect(),
            ),
            Column::Float64(a) => Numbers::Float(Cow::Borrowed(a.values().get(rows)?)),
            Column::Float32(a) => Numbers::Float(
                a.values()
                    .get(rows)?
                    .iter()
                    .map(|x| f64::from(*x))
                    .collect(),
            ),
            Column::Date32(a) => Numbers::Days(Cow::Borrowed(a.values().get(rows)?)),
            _ => return None,
        };
        Some((values, self.valid_words(index, start, len)?))
    }
}

/// Bits `start .. start + len` of a bitmap as words, bit 0 first.
fn words_of(bits: &BooleanBuffer, start: usize, len: usize) -> Words {
    let first = bits.offset() + start;
    let mut out = [0u64; WORDS];
    // On a byte boundary (every chunk of an unsliced array) the words are
    // the bitmap's own bytes; elsewhere Arrow's chunk iterator shifts them.
    if first % 8 == 0 {
        if let Some(bytes) = bits.values().get(first / 8..(first + len).div_ceil(8)) {
            // Whole words as fixed-size reads (no call to memcpy), then the
            // few bytes left over.
            let mut whole = bytes.chunks_exact(8);
            for (chunk, slot) in whole.by_ref().zip(out.iter_mut()) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                *slot = u64::from_le_bytes(word);
            }
            let rest = whole.remainder();
            if let Some(slot) = out.get_mut(bytes.len() / 8) {
                let mut word = [0u8; 8];
                for (w, b) in word.iter_mut().zip(rest) {
                    *w = *b;
                }
                *slot = u64::from_le_bytes(word);
            }
            let within = ones(len);
            for (w, o) in out.iter_mut().zip(&within) {
                *w &= o;
            }
            return out;
        }
    }
    let chunks = bits.inner().bit_chunks(first, len);
    let mut slots = out.iter_mut();
    // The chunks first: `zip` takes from its left side before its right.
    for (word, slot) in chunks.iter().zip(slots.by_ref()) {
        *slot = word;
    }
    if chunks.remainder_len() > 0 {
        if let Some(slot) = slots.next() {
            *slot = chunks.remainder_bits();
        }
    }
    out
}

/// Each byte's eight bits as booleans, least significant first (Arrow's order).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
const BYTE_BITS: [[bool; 8]; 256] = {
    let mut table = [[false; 8]; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            table[byte][bit] = (byte >> bit) & 1 == 1;
            bit += 1;
        }
        byte += 1;
    }
    table
};

/// Bits `start .. start + len` of a bitmap as booleans: a table lookup per
/// byte when the range starts on a byte boundary (always, for whole chunks
/// of an unsliced array), bit by bit otherwise.
fn unpack_bits<T: FromIterator<bool>>(bits: &BooleanBuffer, start: usize, len: usize) -> T {
    let offset = bits.offset() + start;
    if offset % 8 == 0 {
        if let Some(bytes) = bits.values().get(offset / 8..(offset + len).div_ceil(8)) {
            return bytes
                .iter()
                .flat_map(|b| BYTE_BITS.get(usize::from(*b)).copied().unwrap_or_default())
                .take(len)
                .collect();
        }
    }
    bits.slice(start, len).iter().collect()
}

/// An all-true "known" mask for columns without nulls, borrowed, not built.
static ALL_KNOWN: [bool; VECTOR] = [true; VECTOR];

/// Rows the vectorised evaluator takes at a time: small enough that a
/// node's vectors stay in cache.
pub(crate) const VECTOR: usize = 1024;

fn view<'a>(field: &Field, array: &'a dyn Array) -> Result<Column<'a>, RecordError> {
    let wrong = || RecordError::WrongColumnType {
        field: field.name.clone(),
        expected: field.ty.to_string(),
        found: array.data_type().to_string(),
    };
    // A column of Arrow's null type (pyarrow's type for a list of `None`)
    // holds only nulls: absent values, allowed where the field is nullable.
    if *array.data_type() == DataType::Null && field.nullable {
        return Ok(Column::Absent);
    }
    let column = match &field.ty {
        Type::Int => IntColumn::of(array).map(Column::Int),
        Type::Float => match array.data_type() {
            DataType::Float64 => array.as_primitive_opt().map(Column::Float64),
            DataType::Float32 => array.as_primitive_opt().map(Column::Float32),
            _ => IntColumn::of(array).map(Column::IntAsFloat),
        },
        Type::Bool => array.as_boolean_opt().map(Column::Bool),
        Type::Str | Type::Enum(_) => match array.as_any_dictionary_opt() {
            Some(dict) => {
                let values = StrValues::of(dict.values().as_ref()).ok_or_else(wrong)?;
                // An empty dictionary has no keys to normalise: every entry is null.
                let keys = if values.len() == 0 {
                    vec![0; array.len()]
                } else {
                    dict.normalized_keys()
                };
                let nulls = if values.len() == 0 {
                    Some(NullBuffer::new_null(array.len()))
                } else {
                    dict.keys().nulls().cloned()
                };
                Some(Column::Dict {
                    keys,
                    nulls,
                    values,
                })
            }
            None => StrValues::of(array).map(Column::Str),
        },
        Type::Date => match array.data_type() {
            DataType::Date32 => array.as_primitive_opt().map(Column::Date32),
            DataType::Date64 => array.as_primitive_opt().map(Column::Date64),
            _ => None,
        },
        Type::StrList => {
            if let Some(list) = array.as_list_opt::<i32>() {
                list_column(list, Offsets::Small(list.value_offsets()))
            } else if let Some(list) = array.as_list_opt::<i64>() {
                list_column(list, Offsets::Large(list.value_offsets()))
            } else {
                None
            }
        }
        Type::Null | Type::List(_) => None,
    };
    column.ok_or_else(wrong)
}

fn list_column<'a, O: arrow_array::OffsetSizeTrait>(
    list: &'a GenericListArray<O>,
    offsets: Offsets<'a>,
) -> Option<Column<'a>> {
    let values = StrValues::of(list.values().as_ref())?;
    Some(Column::List {
        offsets,
        nulls: list.nulls(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unpacking_bits_matches_arrow(bits in prop::collection::vec(any::<bool>(), 0..300), offset in 0usize..40, start in 0usize..40, len in 0usize..200) {
            let buffer = BooleanBuffer::from(bits.clone());
            prop_assume!(offset <= bits.len());
            let sliced = buffer.slice(offset, bits.len() - offset);
            prop_assume!(start + len <= sliced.len());
            let expected: Vec<bool> = sliced.slice(start, len).iter().collect();
            let got: Vec<bool> = unpack_bits(&sliced, start, len);
            prop_assert_eq!(got, expected);
        }

        /// Words read from a bitmap, aligned or not, hold its bits and
        /// nothing past the requested length.
        #[test]
        fn bitmap_words_match_arrow(bits in prop::collection::vec(any::<bool>(), 0..1400), offset in 0usize..80, start in 0usize..80, len in 0usize..=VECTOR) {
            let buffer = BooleanBuffer::from(bits.clone());
            prop_assume!(offset <= bits.len());
            let sliced = buffer.slice(offset, bits.len() - offset);
            prop_assume!(start + len <= sliced.len());
            let expected: Vec<bool> = sliced.slice(start, len).iter().collect();
            prop_assert_eq!(words_of(&sliced, start, len), crate::expr::mask::pack(&expected));
        }
    }
}

/// One row of a bound batch, read in place through [`Fields`]: lets the row
/// evaluator (and anything else written over `Fields`) run on Arrow data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchRow<'b, 'a> {
    pub batch: &'b BoundBatch<'a>,
    pub row: usize,
}

impl crate::expr::Fields for BatchRow<'_, '_> {
    #[inline]
    fn field(&self, index: usize) -> Scalar<'_> {
        self.batch.scalar(index, self.row)
    }
}

/// Whether an Arrow column's time zone is one Arrow allows: an IANA name
/// (`Europe/London`, `UTC`) or a fixed offset (`+01:00`). The instants are
/// UTC whatever the zone, but a zone no one knows ("Mars/Olympus") means the
/// column was not made as the caller thinks.
fn known_zone(zone: &str) -> bool {
    zone == "Z"
        || zone.parse::<chrono_tz::Tz>().is_ok()
        || zone.parse::<chrono::FixedOffset>().is_ok()
}

/// A timestamp column read in place as microseconds since the epoch (UTC).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Times<'a> {
    values: &'a [i64],
    nulls: Option<&'a NullBuffer>,
    unit: arrow_schema::TimeUnit,
}

impl<'a> Times<'a> {
    /// The column `name` of `batch`: a timestamp with a time zone, in any
    /// unit. A timestamp without a zone is refused: it names no instant.
    pub(crate) fn of(batch: &'a RecordBatch, name: &str) -> Result<Self, RecordError> {
        use arrow_array::types::{
            TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
            TimestampSecondType,
        };
        use arrow_schema::TimeUnit;
        let wrong = |found: String| RecordError::WrongColumnType {
            field: name.into(),
            expected: "timestamp with a time zone".into(),
            found,
        };
        let Some(col) = batch.column_by_name(name) else {
            return Err(RecordError::MissingColumn { field: name.into() });
        };
        let unit = match col.data_type() {
            DataType::Timestamp(_, Some(zone)) if !known_zone(zone) => {
                return Err(wrong("a timestamp in a time zone no one knows".into()));
            }
            DataType::Timestamp(unit, Some(_)) => *unit,
            DataType::Timestamp(_, None) => {
                return Err(wrong("a timestamp without a time zone".into()));
            }
            other => return Err(wrong(other.to_string())),
        };
        macro_rules! raw {
            ($ty:ty) => {
                col.as_primitive_opt::<$ty>()
                    .map(|a| (a.values().as_ref(), a.nulls()))
            };
        }
        let (values, nulls) = match unit {
            TimeUnit::Second => raw!(TimestampSecondType),
            TimeUnit::Millisecond => raw!(TimestampMillisecondType),
            TimeUnit::Microsecond => raw!(TimestampMicrosecondType),
            TimeUnit::Nanosecond => raw!(TimestampNanosecondType),
        }
        .ok_or_else(|| wrong(col.data_type().to_string()))?;
        Ok(Self {
            values,
            nulls,
            unit,
        })
    }

    /// Row `i` in microseconds, or `None` for null.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<i64> {
        use arrow_schema::TimeUnit;
        if self.nulls.is_some_and(|n| n.is_null(i)) {
            return None;
        }
        let v = *self.values.get(i)?;
        Some(match self.unit {
            TimeUnit::Second => v.saturating_mul(1_000_000),
            TimeUnit::Millisecond => v.saturating_mul(1_000),
            TimeUnit::Microsecond => v,
            TimeUnit::Nanosecond => v.div_euclid(1_000),
        })
    }
}

/// Reads the column `name` as microseconds since the epoch (UTC), as
/// [`Times`] does, into a vector.
pub(crate) fn timestamp_micros(
    batch: &RecordBatch,
    name: &str,
) -> Result<Vec<Option<i64>>, RecordError> {
    let times = Times::of(batch, name)?;
    Ok((0..batch.num_rows()).map(|i| times.get(i)).collect())
}
