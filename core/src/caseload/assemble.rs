//! Score, tier and top reasons of a chunk of rows from the bits of which
//! conditions fired (feature `arrow`), without visiting rows one at a time.
//!
//! Every reason a row can have gets a fixed *rank*: overrides first, then
//! bands by points descending, earlier rule first. That is exactly the order
//! in which [`RuleSet::assemble`](super::RuleSet) lists a row's reasons, so a
//! row's top N reasons are the N smallest ranks among its fired overrides
//! and chosen bands. Each band's bits are spread to one byte per row; the
//! score adds the band's points where the byte is set, and the band's rank
//! is inserted into the N smallest seen so far with element-wise `min`/`max`
//! (a sorting network of one comparator per kept reason). These are plain
//! loops over arrays of small integers, which the compiler vectorises.

use arrow_array::types::{ArrowDictionaryKeyType, Int8Type, Int16Type, Int32Type};
use arrow_buffer::ArrowNativeType;

use crate::expr::columnar::VECTOR;
use crate::expr::mask::{WORDS, Words, bits};

/// One byte per bit, 0 or 1, bit `j` of the index at byte `j` (little endian).
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
const BYTE_LANES: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            if (byte >> bit) & 1 == 1 {
                table[byte] |= 1u64 << (8 * bit);
            }
            bit += 1;
        }
        byte += 1;
    }
    table
};

/// A row's bits as bytes (0 or 1).
pub(crate) fn spread(words: &Words, out: &mut [u8; VECTOR]) {
    for (word, bytes) in words.iter().zip(out.chunks_exact_mut(64)) {
        for (b, lanes) in word.to_le_bytes().iter().zip(bytes.chunks_exact_mut(8)) {
            let spread = BYTE_LANES.get(usize::from(*b)).copied().unwrap_or(0);
            lanes.copy_from_slice(&spread.to_le_bytes());
        }
    }
}

/// An unsigned rank type: the narrowest that holds every rank plus "none".
pub(crate) trait Rank: Copy + Ord + Default {
    const NONE: Self;
    fn from_index(i: usize) -> Self;
    fn index(self) -> usize;
}

/// The key type of the output's dictionary columns (tier and reasons): the
/// narrowest that numbers every tier and reason code, so a million rows of
/// four columns take 4 MB rather than 16.
pub(crate) trait OutKey: ArrowNativeType + Default + Send + Sync + 'static {
    type Arrow: ArrowDictionaryKeyType<Native = Self>;
    fn from_index(i: usize) -> Self;
}

macro_rules! out_key {
    ($t:ty, $arrow:ty) => {
        impl OutKey for $t {
            type Arrow = $arrow;
            #[inline]
            fn from_index(i: usize) -> Self {
                <$t>::try_from(i).unwrap_or(<$t>::MAX)
            }
        }
    };
}
out_key!(i8, Int8Type);
out_key!(i16, Int16Type);
out_key!(i32, Int32Type);

macro_rules! rank {
    ($t:ty) => {
        impl Rank for $t {
            const NONE: Self = <$t>::MAX;
            fn from_index(i: usize) -> Self {
                <$t>::try_from(i).unwrap_or(Self::NONE)
            }
            fn index(self) -> usize {
                usize::try_from(self).unwrap_or(usize::MAX)
            }
        }
    };
}
rank!(u8);
rank!(u16);
rank!(u32);

/// The N smallest ranks per row of one chunk, kept sorted.
pub(crate) struct TopRanks<R> {
    best: Vec<[R; VECTOR]>,
    scratch: Box<[R; VECTOR]>,
}

impl<R: Rank> TopRanks<R> {
    pub(crate) fn new(top: usize) -> Self {
        Self {
            best: vec![[R::NONE; VECTOR]; top],
            scratch: Box::new([R::NONE; VECTOR]),
        }
    }

    pub(crate) fn clear(&mut self) {
        for b in &mut self.best {
            b.fill(R::NONE);
        }
    }

    /// Adds `rank` to the rows whose byte in `hit` is 1.
    pub(crate) fn insert(&mut self, hit: &[u8; VECTOR], rank: R) {
        if self.best.is_empty() {
            return;
        }
        for (v, h) in self.scratch.iter_mut().zip(hit.iter()) {
            *v = if *h != 0 { rank } else { R::NONE };
        }
        for best in &mut self.best {
            for (b, v) in best.iter_mut().zip(self.scratch.iter_mut()) {
                let (low, high) = ((*b).min(*v), (*b).max(*v));
                *b = low;
                *v = high;
            }
        }
    }

    /// Reason column `k`: each row's key (0 where it has none) and which
    /// rows have one, as bits.
    ///
    /// `ranks_are_keys` when each rank is its own key (no lookup needed).
    pub(crate) fn column<K: OutKey>(
        &self,
        k: usize,
        keys: &[usize],
        ranks_are_keys: bool,
        out: &mut [K],
        valid: &mut [u64],
    ) {
        let Some(best) = self.best.get(k) else {
            return;
        };
        if ranks_are_keys {
            for (o, r) in out.iter_mut().zip(best.iter()) {
                *o = if *r == R::NONE {
                    K::default()
                } else {
                    K::from_index(r.index())
                };
            }
        } else {
            for (o, r) in out.iter_mut().zip(best.iter()) {
                *o = keys
                    .get(r.index())
                    .map_or(K::default(), |k| K::from_index(*k));
            }
        }
        let len = out.len();
        let present = bits(best.get(..len).unwrap_or(&[]), |r| r != R::NONE);
        for (v, p) in valid.iter_mut().zip(present.iter().take(WORDS)) {
            *v = *p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Inserting ranks keeps each row's N smallest, in order.
        #[test]
        fn top_ranks_are_the_smallest(hits in prop::collection::vec(prop::collection::vec(any::<bool>(), VECTOR), 0..12), top in 0usize..4) {
            let mut ranks = TopRanks::<u8>::new(top);
            for (r, row_hits) in hits.iter().enumerate().rev() {
                let mut bytes = [0u8; VECTOR];
                for (b, h) in bytes.iter_mut().zip(row_hits) {
                    *b = u8::from(*h);
                }
                ranks.insert(&bytes, u8::try_from(r).unwrap());
            }
            let keys: Vec<usize> = (0..12).map(|k| 100 + k).collect();
            for k in 0..top {
                let mut out = vec![0i32; VECTOR];
                let mut valid = vec![0u64; WORDS];
                ranks.column(k, &keys, false, &mut out, &mut valid);
                for row in 0..VECTOR {
                    let expected = hits.iter().enumerate().filter(|(_, h)| h[row]).map(|(r, _)| r).nth(k);
                    let has = (valid[row / 64] >> (row % 64)) & 1 == 1;
                    prop_assert_eq!(has, expected.is_some());
                    if let Some(r) = expected {
                        prop_assert_eq!(usize::try_from(out[row]).unwrap(), keys[r]);
                    }
                }
            }
        }

        #[test]
        fn spreading_bits_gives_one_byte_per_row(words in prop::array::uniform16(any::<u64>())) {
            let mut bytes = [0u8; VECTOR];
            spread(&words, &mut bytes);
            for (i, b) in bytes.iter().enumerate() {
                prop_assert_eq!(u64::from(*b), (words[i / 64] >> (i % 64)) & 1);
            }
        }
    }
}
