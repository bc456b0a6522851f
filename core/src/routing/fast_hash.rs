//! A small, fast hasher for the directory's own lookup tables (need tags and
//! area codes): short keys, fixed at load time, so the cost of SipHash's
//! flooding resistance buys nothing here (nothing is inserted from data).

use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over the bytes, 64-bit, with a final mix.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// FNV's high bits mix poorly for short keys with a common prefix
    /// (`P000123`, `P000124`), and the table uses the high bits to tell
    /// entries apart: finish with MurmurHash3's 64-bit mix.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A 128-bit hash of `bytes` (an FNV-1a stream and a multiply-rotate stream
/// with another constant, each finished with a Murmur mix): a key under which distinct short texts
/// collide with probability about 2^-128 per pair.
#[inline]
#[cfg(feature = "arrow")]
pub(crate) fn hash128(bytes: &[u8]) -> u128 {
    let (mut a, mut b) = (0xcbf2_9ce4_8422_2325u64, 0x6c62_272e_07bb_0142u64);
    for &byte in bytes {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
    let (a, b) = (Fnv(a).finish(), Fnv(b ^ bytes.len() as u64).finish());
    (u128::from(a) << 64) | u128::from(b)
}

/// The first eight bytes of `bytes`, zero-padded, little-endian, read as at
/// most two (overlapping) loads rather than byte by byte.
#[inline]
pub(crate) fn word_le(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let load4 = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    if n >= 8 {
        bytes
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    } else if n >= 4 {
        // The two loads overlap on equal bytes, so OR-ing them is exact.
        load4(0) | (load4(n - 4) << ((n - 4) * 8))
    } else {
        bytes
            .iter()
            .enumerate()
            .fold(0, |w, (i, b)| w | (u64::from(*b) << (8 * i)))
    }
}

/// A 128-bit key for a text id: the bytes themselves (and the length) for
/// ids of up to 15 bytes, so distinct short ids never share a key; a
/// [`hash128`] with its top byte at least 16 for longer ones (so they never
/// share a key with a short one, and two share one with probability about
/// 2^-124 per pair).
#[inline]
#[cfg(feature = "arrow")]
pub(crate) fn key128(bytes: &[u8]) -> u128 {
    let n = bytes.len();
    if n <= 15 {
        let hi = bytes.get(8..).map_or(0, word_le);
        u128::from(word_le(bytes)) | (u128::from(hi) << 64) | ((n as u128) << 120)
    } else {
        hash128(bytes) | (0x10 << 120)
    }
}

/// A `HashMap` keyed by short text, hashed with [`Fnv`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fnv>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_first_eight_bytes() {
        for n in 0..12 {
            let bytes: Vec<u8> = (1..=n as u8).collect();
            let mut padded = [0u8; 8];
            for (p, b) in padded.iter_mut().zip(&bytes) {
                *p = *b;
            }
            assert_eq!(word_le(&bytes), u64::from_le_bytes(padded), "{n} bytes");
        }
    }

    #[test]
    #[cfg(feature = "arrow")]
    fn short_ids_are_their_own_keys_and_long_ones_never_meet_them() {
        let ids = [
            "",
            "a",
            "a\0",
            "P000123",
            "P000124",
            "123456789012345",
            "1234567890123456",
        ];
        let keys: Vec<u128> = ids.iter().map(|i| key128(i.as_bytes())).collect();
        for (i, x) in keys.iter().enumerate() {
            for (j, y) in keys.iter().enumerate() {
                assert_eq!(i == j, x == y, "{} {}", ids[i], ids[j]);
            }
        }
        // The length sits in the top byte: at most 15 for a short id.
        assert_eq!(key128(b"P000123") >> 120, 7);
        assert!(key128(&[b'x'; 40]) >> 120 >= 16);
    }

    #[test]
    fn spreads_short_keys_with_a_common_prefix() {
        use std::hash::BuildHasher;
        let b = BuildHasherDefault::<Fnv>::default();
        let keys: Vec<String> = (0..100_000).map(|i| format!("P{i:06}")).collect();
        // The top 7 bits pick the probe tag: each of the 128 values should be common.
        let mut tags = [0u32; 128];
        for k in &keys {
            tags[(b.hash_one(k.as_str()) >> 57) as usize] += 1;
        }
        let (lo, hi) = (tags.iter().min().unwrap(), tags.iter().max().unwrap());
        assert!(*lo > 500 && *hi < 1100, "{lo} {hi}");
    }
}
