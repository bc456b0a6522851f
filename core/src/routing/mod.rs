//! Referral routing: a service directory, ranked matches with reasons, and
//! the escalations that must never be missed.
//!
//! A directory file (TOML, or the same model in JSON) lists services: the
//! needs each serves (a vocabulary of tags such as `loneliness`, `debt`,
//! `carer_strain`, extendable with `[[need]]`, each mapped to a SNOMED CT
//! referral code where one exists), eligibility (age range, sex, catchment
//! by postcode district, PCN or practice, or everywhere; registered
//! practice), opening days and hours, whether it accepts new referrals, its
//! wait, whether consent is needed, and optional extra criteria in the rule
//! language of [`crate::expr`]. The `[escalation]` table names the
//! safeguarding clinical lead and the route red-flag needs go back to.
//!
//! Routing a [`Referral`] gives a [`Routing`]:
//!
//! 1. a safeguarding need sends the referral to the named safeguarding lead
//!    first, always (whatever consent, capacity, hours or capacity to accept),
//!    with `escalate_now` set and the basis recorded;
//! 2. a clinical red flag (needs beyond the role's scope) goes to the
//!    escalation route next, also flagged;
//! 3. every ordinary service the referral is eligible for, ranked by the
//!    directory's order (default: more matched needs, open on the day, local
//!    before area-wide, shorter wait, then id);
//! 4. every other service with each criterion it failed;
//! 5. the needs nothing eligible serves, and an explicit
//!    [`Outcome::Unmet`] (or [`Outcome::NeedsConsent`]) when nothing is
//!    eligible: never an empty success.
//!
//! ```
//! use carecoord::routing::{Consent, Directory, Outcome, Referral, Sex, Urgency};
//! use chrono::{TimeZone, Utc};
//!
//! let directory = Directory::from_toml(include_str!("../../../examples/routing/directory.toml"))?;
//! let referral = Referral {
//!     id: "R1".into(),
//!     age: 79,
//!     sex: Sex::Female,
//!     district: "LS6".into(),
//!     pcn: Some("U00001".into()),
//!     practice: None,
//!     needs: vec!["loneliness".into(), "safeguarding".into()],
//!     urgency: Urgency::Routine,
//!     consent: Consent::NotAsked,
//!     at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
//!     extra: vec![],
//! };
//! let routing = directory.route(&referral).unwrap();
//! assert_eq!(routing.outcome, Outcome::Escalated);
//! assert_eq!(&*routing.matches[0].service_id, "safeguarding_lead");
//! assert!(routing.matches[0].escalate);
//! # Ok::<(), carecoord::routing::DirectoryError>(())
//! ```

mod area;
#[cfg(feature = "arrow")]
mod columnar;
mod directory;
mod error;
pub(crate) mod fast_hash;
mod fields;
mod load;
mod model;
mod needs;
mod route;

pub use directory::{
    Catchment, Consent, Directory, DirectoryRegistry, RankKey, Service, Sex, Urgency,
};
pub use error::{DirectoryError, DirectoryErrorKind, ReferralError, ReferralErrorKind};
pub use needs::{
    MAX_NEEDS, Need, NeedClass, NeedVocabulary, PATIENT_REFERRAL, SOCIAL_PRESCRIBING_REFERRAL,
    SOCIAL_SERVICES_REFERRAL,
};
pub use route::{
    ConsentBasis, Exclusion, ExclusionReason, Match, Outcome, Referral, RouteKind, Routing,
};

use crate::caseload::load::Source;

impl Directory {
    /// Loads and checks a directory written in TOML. Errors carry the path
    /// and the line and column of the mistake.
    pub fn from_toml(text: &str) -> Result<Self, DirectoryError> {
        let file = load::parse_toml(text)?;
        load::build(
            file,
            &Source {
                text,
                spans_valid: true,
            },
        )
    }

    /// Loads and checks a directory written in JSON (the same model as TOML).
    pub fn from_json(text: &str) -> Result<Self, DirectoryError> {
        let file = load::parse_json(text)?;
        load::build(
            file,
            &Source {
                text,
                spans_valid: false,
            },
        )
    }

    /// Loads a directory from a `.toml` or `.json` file (by its extension).
    ///
    /// ```
    /// use carecoord::routing::Directory;
    /// let d = Directory::from_path("../examples/routing/directory.toml")?;
    /// assert!(!d.services().is_empty());
    /// assert_eq!(Directory::from_path("no/such/file.toml").unwrap_err().code(), "directory.syntax");
    /// # Ok::<(), carecoord::routing::DirectoryError>(())
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, DirectoryError> {
        use crate::document::{Format, read};
        match read(path.as_ref()) {
            Ok((text, Format::Json)) => Self::from_json(&text),
            Ok((text, Format::Toml)) => Self::from_toml(&text),
            Err(kind) => Err(DirectoryError::new(
                DirectoryErrorKind::Syntax {
                    message: format!("cannot read the directory file: {kind}"),
                },
                "",
                None,
            )),
        }
    }
}

#[cfg(test)]
mod tests;
