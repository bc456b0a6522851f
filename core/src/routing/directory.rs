//! The checked service directory: services, their eligibility, the need
//! vocabulary, the escalation routes and the ranking order.

use std::fmt;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, Weekday};

use crate::expr::{CompiledExpr, Schema};

use super::fast_hash::FastMap;
use super::needs::{NeedSet, NeedVocabulary};

/// Sex as recorded for eligibility (FHIR administrative gender).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Other.
    Other,
    /// Not known.
    Unknown,
}

impl Sex {
    /// All values, in code order.
    pub const ALL: [Self; 4] = [Self::Female, Self::Male, Self::Other, Self::Unknown];

    /// `female`, `male`, `other` or `unknown`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
            Self::Unknown => "unknown",
        }
    }

    /// The value for a key written as [`key`](Self::key) gives.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// How soon a referral must be acted on (FHIR request priority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Urgency {
    /// Normal priority.
    Routine,
    /// Sooner than routine.
    Urgent,
    /// As soon as possible.
    Asap,
    /// Immediately: the highest priority.
    Stat,
}

impl Urgency {
    /// All values, in code order.
    pub const ALL: [Self; 4] = [Self::Routine, Self::Urgent, Self::Asap, Self::Stat];

    /// `routine`, `urgent`, `asap` or `stat`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Routine => "routine",
            Self::Urgent => "urgent",
            Self::Asap => "asap",
            Self::Stat => "stat",
        }
    }

    /// The value for a key written as [`key`](Self::key) gives.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether the service must be open on the day of the referral.
    pub fn needs_open_service(self) -> bool {
        self != Self::Routine
    }
}

/// The person's consent to the referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Consent {
    /// The person agreed to the referral.
    Given,
    /// The person declined.
    Refused,
    /// Not yet asked (or not recorded).
    NotAsked,
}

impl Consent {
    /// All values, in code order.
    pub const ALL: [Self; 3] = [Self::Given, Self::Refused, Self::NotAsked];

    /// `given`, `refused` or `not_asked`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Refused => "refused",
            Self::NotAsked => "not_asked",
        }
    }

    /// The value for a key written as [`key`](Self::key) gives.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// One criterion used to order eligible services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RankKey {
    /// More of the referral's needs served first.
    MatchedNeeds,
    /// Open on the day of the referral first.
    OpenOnDay,
    /// Local (catchment by district, PCN or practice) before area-wide.
    Local,
    /// Shorter waiting time first; unknown waits last.
    Wait,
    /// Service id, alphabetical: the final tie-break, always applied.
    Id,
}

impl RankKey {
    /// `matched_needs`, `open_on_day`, `local`, `wait` or `id`.
    pub fn key(self) -> &'static str {
        match self {
            Self::MatchedNeeds => "matched_needs",
            Self::OpenOnDay => "open_on_day",
            Self::Local => "local",
            Self::Wait => "wait",
            Self::Id => "id",
        }
    }

    pub(crate) const ALL: [Self; 5] = [
        Self::MatchedNeeds,
        Self::OpenOnDay,
        Self::Local,
        Self::Wait,
        Self::Id,
    ];

    /// The default order: matched needs, open on the day, local before
    /// area-wide, shorter wait, then id.
    pub const DEFAULT: [Self; 5] = Self::ALL;
}

/// Where a service takes referrals from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catchment {
    /// Anyone, wherever they live: an area-wide service.
    Everywhere,
    /// People living in one of the postcode districts, or registered with one
    /// of the PCNs or practices (any one is enough): a local service.
    Areas {
        /// Postcode districts (outward codes), upper case.
        districts: Vec<String>,
        /// PCN codes.
        pcns: Vec<String>,
        /// Practice codes.
        practices: Vec<String>,
    },
}

/// One service of the directory.
#[derive(Clone, PartialEq)]
pub struct Service {
    /// Its id, unique in the directory.
    pub id: Arc<str>,
    /// Its name.
    pub name: Arc<str>,
    /// Its kind, e.g. `social_prescribing`.
    pub kind: Arc<str>,
    /// The needs it serves (vocabulary ids).
    pub needs: Vec<Arc<str>>,
    /// Its own SNOMED CT referral code, if set.
    pub referral_code: Option<Arc<str>>,
    /// A named contact role (for escalations).
    pub contact: Option<Arc<str>>,
    /// The youngest age it accepts.
    pub min_age: Option<i64>,
    /// The oldest age it accepts.
    pub max_age: Option<i64>,
    /// The sexes it accepts (all when `None`).
    pub sex: Option<Vec<Sex>>,
    /// Where it takes referrals from.
    pub catchment: Catchment,
    /// Only people registered with one of these practices, if set.
    pub registered_practices: Option<Vec<String>>,
    /// The weekdays it is open.
    pub days: Vec<Weekday>,
    /// Its opening hours on those days (Europe/London wall time), if stated.
    pub hours: Option<(NaiveTime, NaiveTime)>,
    /// Whether it opens on bank holidays.
    pub open_bank_holidays: bool,
    /// Whether it is accepting new referrals.
    pub accepting: bool,
    /// Its current waiting time in days, if known.
    pub wait_days: Option<u32>,
    /// Whether the person's consent is needed.
    pub consent_required: bool,
    /// Extra criteria in the rule language, if any.
    pub criteria: Option<CompiledExpr>,
    pub(crate) compiled: CompiledService,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("needs", &self.needs)
            .field("accepting", &self.accepting)
            .finish_non_exhaustive()
    }
}

/// The precomputed form routing runs on: bit sets and interned area ids.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CompiledService {
    pub needs: NeedSet,
    pub sex_bits: u8,
    pub day_bits: u8,
    pub everywhere: bool,
    /// Interned ids of the catchment's districts, PCNs and practices, sorted.
    pub areas: Vec<u32>,
    /// Interned ids of the registered practices, sorted (`None`: any practice).
    pub registered: Option<Vec<u32>>,
}

/// Which kind of escalation a service is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Escalation {
    pub safeguarding_lead: usize,
    pub red_flag_route: Option<usize>,
}

/// The shared, immutable state of a loaded directory.
#[derive(Debug)]
pub(crate) struct DirectoryInner {
    pub name: String,
    pub version: String,
    pub effective_from: NaiveDate,
    pub description: String,
    pub vocabulary: NeedVocabulary,
    pub schema: Schema,
    pub services: Vec<Service>,
    pub escalation: Escalation,
    pub ranking: Vec<RankKey>,
    /// Every area code a catchment or registration list names → its id.
    pub areas: FastMap<String, u32>,
    /// Needs routed to the escalation routes, not ordinary services.
    pub safeguarding_needs: NeedSet,
    pub red_flag_needs: NeedSet,
}

/// A checked service directory, cheap to clone and share across threads.
///
/// Load one with [`Directory::from_toml`] or [`Directory::from_json`], then
/// [`route`](Directory::route) referrals against it.
#[derive(Debug, Clone)]
pub struct Directory(pub(crate) Arc<DirectoryInner>);

impl Directory {
    /// The directory's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// Its version.
    pub fn version(&self) -> &str {
        &self.0.version
    }

    /// The first day it is in force.
    pub fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }

    /// Its description.
    pub fn description(&self) -> &str {
        &self.0.description
    }

    /// Its services, in file order.
    pub fn services(&self) -> &[Service] {
        &self.0.services
    }

    /// The service `id`.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.0.services.iter().find(|s| &*s.id == id)
    }

    /// The needs it knows: built-ins and those it declares.
    pub fn vocabulary(&self) -> &NeedVocabulary {
        &self.0.vocabulary
    }

    /// The fields a referral carries (built-in fields, then the extra fields
    /// the directory declares for its criteria).
    pub fn schema(&self) -> &Schema {
        &self.0.schema
    }

    /// The named safeguarding lead.
    pub fn safeguarding_lead(&self) -> &Service {
        // Loading guarantees the index is valid; fall back to the first
        // service rather than panic if that ever changed.
        let i = self.0.escalation.safeguarding_lead;
        self.0
            .services
            .get(i)
            .or_else(|| self.0.services.first())
            .unwrap_or_else(|| unreachable_service())
    }

    /// The route red-flag needs go to, if the directory names one.
    pub fn red_flag_route(&self) -> Option<&Service> {
        self.0
            .escalation
            .red_flag_route
            .and_then(|i| self.0.services.get(i))
    }

    /// The ranking order applied to eligible services.
    pub fn ranking(&self) -> &[RankKey] {
        &self.0.ranking
    }
}

/// Loading refuses a directory without services, so this is never called;
/// it exists so that no accessor needs to panic.
#[cold]
fn unreachable_service() -> &'static Service {
    static EMPTY: std::sync::OnceLock<Service> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Service {
        id: "".into(),
        name: "".into(),
        kind: "".into(),
        needs: Vec::new(),
        referral_code: None,
        contact: None,
        min_age: None,
        max_age: None,
        sex: None,
        catchment: Catchment::Everywhere,
        registered_practices: None,
        days: Vec::new(),
        hours: None,
        open_bank_holidays: false,
        accepting: false,
        wait_days: None,
        consent_required: false,
        criteria: None,
        compiled: CompiledService::default(),
    })
}

/// Directories by name and version; picks the version in force on a date.
pub type DirectoryRegistry = crate::registry::Registry<Directory>;

impl crate::registry::Versioned for Directory {
    fn name(&self) -> &str {
        Directory::name(self)
    }
    fn effective_from(&self) -> NaiveDate {
        Directory::effective_from(self)
    }
}

macro_rules! from_str_via_key {
    ($ty:ty, $field:literal, $allowed:literal) => {
        impl std::str::FromStr for $ty {
            type Err = super::error::ReferralError;

            /// Reads the lower-case key; anything else is a typed error naming
            /// the field (never echoing the text).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_key(s).ok_or_else(|| {
                    super::error::ReferralError::new(
                        super::error::ReferralErrorKind::InvalidValue {
                            field: $field,
                            allowed: $allowed,
                        },
                    )
                })
            }
        }
    };
}

from_str_via_key!(Sex, "sex", "female, male, other, unknown");
from_str_via_key!(Urgency, "urgency", "routine, urgent, asap, stat");
from_str_via_key!(Consent, "consent", "given, refused, not_asked");
