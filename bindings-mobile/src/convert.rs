//! Instants across the FFI: `SystemTime` (Kotlin `Instant`, Swift `Date`) to
//! and from chrono's UTC instants, without the panics of the blanket `From`
//! impls on extreme values.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use carecoord::time::TimeError;
use chrono::{DateTime, Utc};

/// A `SystemTime` as a UTC instant, or `time.instant_out_of_range`.
pub fn instant(t: SystemTime, field: &'static str) -> Result<DateTime<Utc>, TimeError> {
    let out_of_range = TimeError::InstantOutOfRange { field };
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).map_err(|_| out_of_range.clone())?,
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).map_err(|_| out_of_range.clone())?;
            match before.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    };
    DateTime::from_timestamp(secs, nanos).ok_or(out_of_range)
}

/// A UTC instant as a `SystemTime`.
pub fn system_time(t: DateTime<Utc>) -> Result<SystemTime, TimeError> {
    let out_of_range = TimeError::InstantOutOfRange { field: "result" };
    let secs = t.timestamp();
    let whole = Duration::from_secs(secs.unsigned_abs());
    let base = if secs >= 0 {
        UNIX_EPOCH.checked_add(whole)
    } else {
        UNIX_EPOCH.checked_sub(whole)
    };
    base.and_then(|b| b.checked_add(Duration::from_nanos(u64::from(t.timestamp_subsec_nanos()))))
        .ok_or(out_of_range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_before_and_after_the_epoch() -> Result<(), TimeError> {
        for (secs, nanos) in [(0, 0), (1_790_000_000, 5), (-1, 999_999_999), (-86_401, 1)] {
            let t = DateTime::from_timestamp(secs, nanos)
                .ok_or(TimeError::InstantOutOfRange { field: "t" })?;
            assert_eq!(instant(system_time(t)?, "t")?, t);
        }
        Ok(())
    }

    #[test]
    fn extreme_system_times_are_errors() {
        let far = UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX / 4));
        if let Some(far) = far {
            assert_eq!(
                instant(far, "t"),
                Err(TimeError::InstantOutOfRange { field: "t" })
            );
        }
    }
}
