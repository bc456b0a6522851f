//! Caseload prioritisation: who needs help first, and why.
//!
//! Risk rules are data: a rule file (TOML, or the same model in JSON)
//! declares the fields it reads, scoring rules (each a condition, or ordered
//! bands where the first match gives points and a reason), tiers by score,
//! overrides applied after scoring (a safeguarding flag sends a patient to the
//! top tier whatever the score), and `[[test]]` cases the library runs.
//!
//! Everything is checked when the file is loaded: syntax, unknown fields
//! (with "did you mean"), type mismatches, duplicate ids, bands that can never
//! be chosen, tiers that can never be reached, and, when the schema marks a
//! safeguarding flag, that an override sends every flagged patient to the top
//! tier. Each error carries its line and column.
//!
//! See `examples/rules/frailty_priority.toml` for a complete rule set.

#[cfg(feature = "arrow")]
mod assemble;
#[cfg(feature = "arrow")]
mod columnar;
mod error;
mod impact;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod record;
mod ruleset;
mod unreachable;

pub use error::{RecordError, RuleError, RuleErrorKind};
pub use impact::{ImpactReport, RuleChange, RuleImpact, RuleRegistry, TierMove, impact};
pub use ruleset::{
    BandTrace, Explanation, OverrideTrace, Priority, Reason, Row, RuleSet, RuleTrace, TestOutcome,
};

#[cfg(test)]
mod tests;
