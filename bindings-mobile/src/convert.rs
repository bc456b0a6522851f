//! Instants across the FFI: the core's checked conversions between
//! `SystemTime` (Kotlin `java.time.Instant`, Swift `Date`) and UTC instants.

pub use carecoord::ffi::{instant, system_time};
