//! Effective-dated versions of a document (a rule set, a service directory):
//! which version of a name is in force on a date.
//!
//! A rule set or directory changes by publishing a new version that starts on
//! a date; the version used for a decision is the one in force on the day the
//! decision is made, so yesterday's decisions can be explained with
//! yesterday's rules.

use std::fmt;

use chrono::NaiveDate;

/// A document published in versions, each in force from a date.
pub trait Versioned {
    /// The name shared by every version.
    fn name(&self) -> &str;
    /// The first day this version is in force.
    fn effective_from(&self) -> NaiveDate;
}

/// Versions of documents by name; picks the version in force on a date.
///
/// ```
/// use carecoord::caseload::{RuleRegistry, RuleSet};
/// use chrono::NaiveDate;
///
/// let rules = RuleSet::from_path("../examples/rules/frailty_priority.toml")?;
/// let mut registry = RuleRegistry::new();
/// registry.add(rules.clone())?;
/// // The same name and start date again would make the choice ambiguous.
/// assert_eq!(registry.add(rules).unwrap_err().code(), "registry.duplicate_version");
///
/// let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
/// assert_eq!(registry.in_force("frailty_priority", day).map(|r| r.version()), Some("1.0.0"));
/// # Ok::<(), carecoord::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry<T> {
    versions: Vec<T>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Self {
            versions: Vec::new(),
        }
    }
}

impl<T: Versioned> Registry<T> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a version. A second version with the same name and
    /// `effective_from` would make the choice ambiguous, so it is refused.
    pub fn add(&mut self, version: T) -> Result<(), RegistryError> {
        let clash = self
            .versions
            .iter()
            .any(|v| v.name() == version.name() && v.effective_from() == version.effective_from());
        if clash {
            return Err(RegistryError::DuplicateVersion {
                effective_from: version.effective_from(),
            });
        }
        self.versions.push(version);
        Ok(())
    }

    /// The version of `name` in force on `date`: the latest whose
    /// `effective_from` is on or before it.
    pub fn in_force(&self, name: &str, date: NaiveDate) -> Option<&T> {
        self.versions
            .iter()
            .filter(|v| v.name() == name && v.effective_from() <= date)
            .max_by_key(|v| v.effective_from())
    }

    /// How many versions it holds, of every name.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether it holds no version.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }

    /// Every version, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.versions.iter()
    }
}

/// Why a version was not added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryError {
    /// A version with the same name already starts on this day.
    DuplicateVersion {
        /// The day both start.
        effective_from: NaiveDate,
    },
}

impl RegistryError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DuplicateVersion { .. } => "registry.duplicate_version",
        }
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateVersion { effective_from } => write!(
                f,
                "a version of this name in force from {effective_from} is already registered"
            ),
        }
    }
}

impl std::error::Error for RegistryError {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Doc(&'static str, u32, &'static str);
    impl Versioned for Doc {
        fn name(&self) -> &str {
            self.0
        }
        fn effective_from(&self) -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, self.1, 1).unwrap()
        }
    }

    fn day(month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, d).unwrap()
    }

    #[test]
    fn the_latest_version_started_on_or_before_the_day_is_in_force() {
        let mut r = Registry::new();
        r.add(Doc("a", 4, "v1")).unwrap();
        r.add(Doc("a", 9, "v2")).unwrap();
        r.add(Doc("b", 1, "b1")).unwrap();
        assert_eq!(r.len(), 3);
        assert!(r.in_force("a", day(3, 31)).is_none());
        assert_eq!(r.in_force("a", day(4, 1)).map(|d| d.2), Some("v1"));
        assert_eq!(r.in_force("a", day(8, 31)).map(|d| d.2), Some("v1"));
        assert_eq!(r.in_force("a", day(9, 1)).map(|d| d.2), Some("v2"));
        assert_eq!(r.in_force("b", day(12, 1)).map(|d| d.2), Some("b1"));
    }

    #[test]
    fn a_second_version_starting_the_same_day_is_refused() {
        let mut r = Registry::new();
        r.add(Doc("a", 4, "v1")).unwrap();
        let e = r.add(Doc("a", 4, "v1 again")).unwrap_err();
        assert_eq!(
            e,
            RegistryError::DuplicateVersion {
                effective_from: day(4, 1)
            }
        );
        assert_eq!(r.len(), 1);
        // Another name may start the same day.
        r.add(Doc("b", 4, "b1")).unwrap();
        assert!(!r.is_empty());
    }
}
