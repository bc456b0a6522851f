//! Referral routing for Kotlin and Swift: the directory, one referral in, a
//! ranked routing with reasons out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use carecoord::expr::Value;
use carecoord::routing as core;

use crate::caseload::FieldInfo;
use crate::caseload::FieldValue;
use crate::convert;
use crate::error::CarecoordError;
use crate::time::CalendarDate;
use carecoord::ffi::IsoDate;

pub use core::{Consent, ConsentBasis, Outcome, RouteKind, Sex, Urgency};

/// A referral to route: the minimum eligibility needs (no name, NHS number,
/// date of birth or full postcode). No `Debug`: it holds the district.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct Referral {
    /// The referral's own id.
    pub id: String,
    /// Age in whole years.
    pub age: i64,
    /// Sex as recorded.
    pub sex: Sex,
    /// Postcode district only (e.g. `LS6`).
    pub district: String,
    /// PCN code of the registered practice, if known.
    pub pcn: Option<String>,
    /// Registered practice code, if known.
    pub practice: Option<String>,
    /// Needs, as vocabulary tags.
    pub needs: Vec<String>,
    /// How soon.
    pub urgency: Urgency,
    /// Consent to being referred.
    pub consent: Consent,
    /// When it is made; its Europe/London date decides which services are open.
    pub at: SystemTime,
    /// Values of the directory's extra fields, by name.
    pub extra: HashMap<String, FieldValue>,
}

impl TryFrom<Referral> for core::Referral {
    type Error = CarecoordError;
    fn try_from(r: Referral) -> Result<Self, CarecoordError> {
        // The core names the alphabetically first unknown field, whatever
        // order the map iterates in.
        let extra = r
            .extra
            .into_iter()
            .map(|(k, v)| Ok((k, Value::try_from(v)?)))
            .collect::<Result<Vec<_>, CarecoordError>>()?;
        Ok(Self {
            id: r.id,
            age: r.age,
            sex: r.sex,
            district: r.district,
            pcn: r.pcn,
            practice: r.practice,
            needs: r.needs,
            urgency: r.urgency,
            consent: r.consent,
            at: convert::instant(r.at, "at")?,
            extra,
        })
    }
}

/// One service the referral goes to, in rank order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Match {
    /// 1 for the first.
    pub rank: u32,
    /// The service's id.
    pub service_id: String,
    /// Its name.
    pub service_name: String,
    /// How it was reached.
    pub route: RouteKind,
    /// The referral's needs it serves.
    pub matched_needs: Vec<String>,
    /// The SNOMED CT referral procedure code to record.
    pub referral_code: String,
    /// Whether to act now.
    pub escalate: bool,
    /// Whether it is open on the day of the referral.
    pub open_on_day: bool,
    /// Whether it is local rather than area-wide.
    pub local: bool,
    /// Its wait in days, if known.
    pub wait_days: Option<u32>,
    /// The basis for sharing.
    pub consent_basis: ConsentBasis,
    /// The named contact, for escalations.
    pub contact: Option<String>,
    /// Why it is here and at this rank, in words.
    pub reasons: Vec<String>,
}

impl From<core::Match> for Match {
    fn from(m: core::Match) -> Self {
        Self {
            rank: m.rank,
            service_id: m.service_id.to_string(),
            service_name: m.service_name.to_string(),
            route: m.route,
            matched_needs: m.matched_needs.iter().map(|n| n.to_string()).collect(),
            referral_code: m.referral_code.to_string(),
            escalate: m.escalate,
            open_on_day: m.open_on_day,
            local: m.local,
            wait_days: m.wait_days,
            consent_basis: m.consent_basis,
            contact: m.contact.as_deref().map(str::to_owned),
            reasons: m.reasons,
        }
    }
}

/// One criterion a service failed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExclusionReason {
    /// A stable code, e.g. `outside_catchment`.
    pub code: String,
    /// In words.
    pub message: String,
}

/// A service not offered, with every criterion it failed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Exclusion {
    /// The service's id.
    pub service_id: String,
    /// Each failed criterion.
    pub reasons: Vec<ExclusionReason>,
}

/// Where a referral should go, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Routing {
    /// The referral's id.
    pub referral_id: String,
    /// The overall outcome.
    pub outcome: Outcome,
    /// Whether anything must be acted on now.
    pub escalate_now: bool,
    /// Where it goes, escalations first.
    pub matches: Vec<Match>,
    /// Every other service, with why.
    pub excluded: Vec<Exclusion>,
    /// Ordinary needs no eligible service serves.
    pub unmet_needs: Vec<String>,
    /// The Europe/London date it was assessed on.
    pub day: CalendarDate,
}

impl From<core::Routing> for Routing {
    fn from(r: core::Routing) -> Self {
        Self {
            referral_id: r.referral_id,
            outcome: r.outcome,
            escalate_now: r.escalate_now,
            matches: r.matches.into_iter().map(Match::from).collect(),
            excluded: r
                .excluded
                .into_iter()
                .map(|e| Exclusion {
                    service_id: e.service_id.to_string(),
                    reasons: e
                        .reasons
                        .iter()
                        .map(|x| ExclusionReason {
                            code: x.code().to_owned(),
                            message: x.to_string(),
                        })
                        .collect(),
                })
                .collect(),
            unmet_needs: r.unmet_needs.iter().map(|n| n.to_string()).collect(),
            day: r.day.into(),
        }
    }
}

/// A need a directory knows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NeedInfo {
    /// Its tag, e.g. `loneliness`.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// How routing treats it.
    pub class: core::NeedClass,
}

/// Directory versions by name; picks the one in force on a date. Thread-safe.
#[derive(Debug, Default, uniffi::Object)]
pub struct DirectoryRegistry(std::sync::Mutex<core::DirectoryRegistry>);

#[uniffi::export]
impl DirectoryRegistry {
    /// An empty registry.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Adds a version; one of the same name starting on the same day is
    /// refused (`registry.duplicate_version`).
    pub fn add(&self, directory: Arc<Directory>) -> Result<(), CarecoordError> {
        Ok(crate::locked(&self.0).add(directory.0.clone())?)
    }

    /// The version of `name` in force on `date`, or null.
    pub fn in_force(&self, name: String, date: IsoDate) -> Option<Arc<Directory>> {
        let registry = crate::locked(&self.0);
        registry
            .in_force(&name, date)
            .map(|d| Arc::new(Directory(d.clone())))
    }
}

/// A service directory, loaded and checked.
#[derive(Debug, uniffi::Object)]
pub struct Directory(core::Directory);

#[uniffi::export]
impl Directory {
    /// Loads a directory from TOML text. Throws `InvalidDirectory` with the
    /// path, line and column of any mistake.
    #[uniffi::constructor]
    pub fn from_toml(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Arc::new(Self(core::Directory::from_toml(&text)?)))
    }

    /// Loads a directory from JSON text (the same model as TOML).
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, CarecoordError> {
        Ok(Arc::new(Self(core::Directory::from_json(&text)?)))
    }

    /// Its name.
    pub fn name(&self) -> String {
        self.0.name().to_owned()
    }

    /// Its version.
    pub fn version(&self) -> String {
        self.0.version().to_owned()
    }

    /// The first day it is in force.
    pub fn effective_from(&self) -> CalendarDate {
        self.0.effective_from().into()
    }

    /// Service ids, in file order.
    pub fn service_ids(&self) -> Vec<String> {
        self.0.services().iter().map(|s| s.id.to_string()).collect()
    }

    /// The needs it knows, with their labels and how routing treats them.
    pub fn needs(&self) -> Vec<NeedInfo> {
        let needs = self.0.vocabulary().needs().iter();
        needs
            .map(|n| NeedInfo {
                id: n.id.to_string(),
                label: n.label.to_string(),
                class: n.class,
            })
            .collect()
    }

    /// The extra fields its criteria read (beyond the built-in referral fields).
    pub fn extra_fields(&self) -> Vec<FieldInfo> {
        self.0.extra_fields().iter().map(FieldInfo::from).collect()
    }

    /// The ranking order, as keys such as `matched_needs` and `wait`.
    pub fn ranking(&self) -> Vec<String> {
        self.0
            .ranking()
            .iter()
            .map(|k| k.key().to_owned())
            .collect()
    }

    /// Routes one referral: the safeguarding lead first for a safeguarding
    /// need (always), the red-flag route next, then eligible services ranked;
    /// every other service with why; needs left unmet. Throws
    /// `InvalidReferral` naming the field (never its value).
    pub fn route(&self, referral: Referral) -> Result<Routing, CarecoordError> {
        let referral = core::Referral::try_from(referral)?;
        Ok(self.0.route(&referral)?.into())
    }
}
