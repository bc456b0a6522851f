//! Routing one referral: escalations first, then eligible services ranked,
//! every other service with the reasons it was excluded.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use crate::caseload::record::coerce;
use crate::expr::{Check, EvalContext, Fields, Scalar, Schema, Value};
use crate::time::{is_bank_holiday, london_date};

use super::area::{AreaKind, normalise};
use super::directory::{Consent, Directory, DirectoryInner, RankKey, Service, Sex, Urgency};
use super::error::{ReferralError, ReferralErrorKind as RK};
use super::fast_hash::FastMap;
use super::load::field;
use super::needs::{NeedSet, PATIENT_REFERRAL};

/// A referral to route: the minimum the directory's eligibility needs, no
/// name, NHS number, date of birth or full postcode.
#[derive(Clone, PartialEq)]
pub struct Referral {
    /// The referral's own id (not a patient identifier).
    pub id: String,
    /// Age in whole years.
    pub age: i64,
    /// Sex as recorded.
    pub sex: Sex,
    /// Postcode district (outward code only, e.g. `LS6`).
    pub district: String,
    /// The PCN code of the registered practice, if known.
    pub pcn: Option<String>,
    /// The registered practice code, if known.
    pub practice: Option<String>,
    /// Needs, as vocabulary tags.
    pub needs: Vec<String>,
    /// How soon it must be acted on.
    pub urgency: Urgency,
    /// The person's consent to being referred.
    pub consent: Consent,
    /// When the referral is made (UTC); its Europe/London date decides which
    /// services are open on the day.
    pub at: DateTime<Utc>,
    /// Values of the extra fields the directory's criteria read, by name.
    pub extra: Vec<(String, Value)>,
}

impl fmt::Debug for Referral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Referral")
            .field("id", &self.id)
            .field("needs", &self.needs.len())
            .field("urgency", &self.urgency)
            .field("consent", &self.consent)
            .finish_non_exhaustive()
    }
}

/// The overall result of routing a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Outcome {
    /// A safeguarding concern or red flag: escalate now (other matches may follow).
    Escalated,
    /// One or more eligible services, ranked.
    Routed,
    /// Nothing eligible, but at least one service would be if the person consented.
    NeedsConsent,
    /// Nothing eligible: an unmet need, kept for monitoring and evaluation.
    Unmet,
}

impl Outcome {
    /// `escalated`, `routed`, `needs_consent` or `unmet`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Escalated => "escalated",
            Self::Routed => "routed",
            Self::NeedsConsent => "needs_consent",
            Self::Unmet => "unmet",
        }
    }
}

/// Which way a match was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RouteKind {
    /// The named safeguarding lead, for a safeguarding concern.
    Safeguarding,
    /// The escalation route for a clinical red flag.
    RedFlag,
    /// An ordinary service whose eligibility the referral meets.
    Service,
}

impl RouteKind {
    /// `safeguarding`, `red_flag` or `service`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Safeguarding => "safeguarding",
            Self::RedFlag => "red_flag",
            Self::Service => "service",
        }
    }
}

/// The lawful basis on which information goes with the referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ConsentBasis {
    /// The person consented.
    Consent,
    /// The service does not require consent.
    NotRequired,
    /// A safeguarding concern, shared without consent to protect the person
    /// (record the justification in the notes).
    SafeguardingWithoutConsent,
    /// A clinical red flag returned to the person's own GP or urgent route for
    /// direct care.
    DirectCare,
}

impl ConsentBasis {
    /// `consent`, `not_required`, `safeguarding_without_consent` or `direct_care`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::NotRequired => "not_required",
            Self::SafeguardingWithoutConsent => "safeguarding_without_consent",
            Self::DirectCare => "direct_care",
        }
    }
}

/// One service the referral goes to, in rank order.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// 1 for the first.
    pub rank: u32,
    /// The service.
    pub service_id: Arc<str>,
    /// Its name.
    pub service_name: Arc<str>,
    /// How it was reached.
    pub route: RouteKind,
    /// The referral's needs it serves (vocabulary order).
    pub matched_needs: Vec<Arc<str>>,
    /// The SNOMED CT referral procedure to record: the service's own code,
    /// else the first matched need's, else 3457005 |Patient referral|.
    pub referral_code: Arc<str>,
    /// Whether to act now (safeguarding and red flags).
    pub escalate: bool,
    /// Whether it is open on the day of the referral.
    pub open_on_day: bool,
    /// Whether it is local (catchment by area) rather than area-wide.
    pub local: bool,
    /// Its waiting time in days, if known.
    pub wait_days: Option<u32>,
    /// The basis on which the referral is made.
    pub consent_basis: ConsentBasis,
    /// The named contact, for escalations.
    pub contact: Option<Arc<str>>,
    /// Why it is here and at this rank, in words, ready for the notes.
    pub reasons: Vec<String>,
}

/// Why a service was not offered.
#[derive(Debug, Clone, PartialEq)]
pub enum ExclusionReason {
    /// It serves none of the referral's needs.
    NoMatchingNeed,
    /// The person is younger than it accepts.
    TooYoung {
        /// Its minimum age.
        min_age: i64,
    },
    /// The person is older than it accepts.
    TooOld {
        /// Its maximum age.
        max_age: i64,
    },
    /// It does not accept people of the recorded sex.
    Sex,
    /// The person lives outside its catchment.
    OutsideCatchment,
    /// The person is not registered with one of its practices.
    NotRegisteredPractice,
    /// It is not accepting new referrals.
    NotAccepting,
    /// An urgent referral, and it is closed on the day.
    ClosedOnDay {
        /// The weekday of the referral (Europe/London).
        weekday: Weekday,
        /// Whether the day is a bank holiday.
        bank_holiday: bool,
    },
    /// Its extra criteria are not met (false, or unknown for missing values).
    CriteriaNotMet {
        /// The criteria as written.
        criteria: String,
        /// The sub-conditions that failed and the values they saw.
        checks: Vec<Check>,
    },
    /// It needs consent, and the person has not given it.
    ConsentNotGiven {
        /// The consent recorded.
        consent: Consent,
    },
}

impl ExclusionReason {
    /// A stable code, e.g. `too_old`, `outside_catchment`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoMatchingNeed => "no_matching_need",
            Self::TooYoung { .. } => "too_young",
            Self::TooOld { .. } => "too_old",
            Self::Sex => "sex",
            Self::OutsideCatchment => "outside_catchment",
            Self::NotRegisteredPractice => "not_registered_practice",
            Self::NotAccepting => "not_accepting",
            Self::ClosedOnDay { .. } => "closed_on_day",
            Self::CriteriaNotMet { .. } => "criteria_not_met",
            Self::ConsentNotGiven { .. } => "consent_not_given",
        }
    }
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoMatchingNeed => f.write_str("serves none of the referral's needs"),
            Self::TooYoung { min_age } => write!(f, "accepts people aged {min_age} and over"),
            Self::TooOld { max_age } => write!(f, "accepts people aged {max_age} and under"),
            Self::Sex => f.write_str("does not accept people of the recorded sex"),
            Self::OutsideCatchment => f.write_str("the person lives outside its catchment"),
            Self::NotRegisteredPractice => {
                f.write_str("the person is not registered with one of its practices")
            }
            Self::NotAccepting => f.write_str("not accepting new referrals"),
            Self::ClosedOnDay {
                weekday,
                bank_holiday,
            } => {
                let day = weekday_name(*weekday);
                if *bank_holiday {
                    write!(
                        f,
                        "urgent referral, and it is closed on the bank holiday ({day})"
                    )
                } else {
                    write!(f, "urgent referral, and it is closed on {day}")
                }
            }
            Self::CriteriaNotMet { criteria, checks } => {
                write!(f, "criteria not met: {criteria}")?;
                let failed: Vec<&str> = checks.iter().map(|c| c.text.as_str()).collect();
                if !failed.is_empty() {
                    write!(f, " (failed: {})", failed.join("; "))?;
                }
                Ok(())
            }
            Self::ConsentNotGiven { consent } => write!(
                f,
                "needs the person's consent (recorded: {})",
                consent.key().replace('_', " ")
            ),
        }
    }
}

/// A service not offered, with every criterion it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    /// The service.
    pub service_id: Arc<str>,
    /// Each failed criterion, in a fixed order.
    pub reasons: Vec<ExclusionReason>,
}

/// Where a referral should go, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// The referral's id.
    pub referral_id: String,
    /// The overall outcome.
    pub outcome: Outcome,
    /// Whether anything must be acted on now (safeguarding or a red flag).
    pub escalate_now: bool,
    /// Where it goes, in rank order: escalations first.
    pub matches: Vec<Match>,
    /// Every other service, with why it was excluded (directory order).
    pub excluded: Vec<Exclusion>,
    /// Ordinary needs no eligible service serves (for monitoring).
    pub unmet_needs: Vec<Arc<str>>,
    /// The Europe/London date the referral was assessed on.
    pub day: NaiveDate,
}

pub(crate) fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// A referral reduced to what eligibility compares: validated, interned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared {
    pub age: i64,
    pub sex: Sex,
    /// Interned ids of the district, PCN and practice (unknown to the directory: `None`).
    pub areas: [Option<u32>; 3],
    pub needs: NeedSet,
    pub urgency: Urgency,
    pub consent: Consent,
    pub day: NaiveDate,
    pub weekday_bit: u8,
    pub bank_holiday: bool,
}

/// The Europe/London date of an instant, and whether it is a bank holiday,
/// remembered per UTC hour: the UK's offset is a whole number of hours and
/// changes on the hour, so every instant in one UTC hour has the same London
/// date. A batch made on a few hundred distinct hours converts each once.
#[derive(Debug, Default)]
pub(crate) struct DayCache(FastMap<i64, (NaiveDate, bool)>);

impl DayCache {
    pub(crate) fn london_day(
        &mut self,
        at: DateTime<Utc>,
    ) -> Result<(NaiveDate, bool), ReferralError> {
        let hour = at.timestamp().div_euclid(3600);
        if let Some(hit) = self.0.get(&hour) {
            return Ok(*hit);
        }
        let day = london_date(at);
        let bank_holiday = is_bank_holiday(day)
            .map_err(|_| ReferralError::new(RK::DateOutOfRange))?
            .is_some();
        self.0.insert(hour, (day, bank_holiday));
        Ok((day, bank_holiday))
    }
}

/// One eligible or escalation route, before it is dressed as a [`Match`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked {
    pub service: usize,
    pub route: RouteKind,
    pub matched: NeedSet,
    pub open: bool,
    pub local: bool,
}

fn area_id(
    inner: &DirectoryInner,
    text: &str,
    kind: AreaKind,
    field: &'static str,
) -> Result<Option<u32>, ReferralError> {
    let malformed = || {
        ReferralError::new(RK::MalformedArea {
            field,
            what: kind.what(),
        })
    };
    // Fast path: already upper case with no space, as data usually is.
    if let Some(&id) = inner.areas.get(text) {
        return Ok(Some(id));
    }
    let code = normalise(kind, text).ok_or_else(malformed)?;
    Ok(inner.areas.get(code.as_str()).copied())
}

fn enum_field<T: Copy>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    field: &'static str,
    allowed: &'static str,
) -> Result<T, ReferralError> {
    value
        .and_then(parse)
        .ok_or_else(|| ReferralError::new(RK::InvalidValue { field, allowed }))
}

/// Validates and interns one referral read through [`Fields`] (a row of
/// values or a row of an Arrow batch): one path for both, so they agree.
pub(crate) fn prepare<R: Fields + ?Sized>(
    inner: &DirectoryInner,
    row: &R,
    at: DateTime<Utc>,
    days: &mut DayCache,
) -> Result<Prepared, ReferralError> {
    use Scalar as S;
    let text = |i: usize| match row.field(i) {
        S::Str(s) => Some(s),
        _ => None,
    };
    match text(field::ID) {
        Some(id) if !id.trim().is_empty() => {}
        _ => return Err(ReferralError::new(RK::EmptyId)),
    }
    let age = match row.field(field::AGE) {
        S::Int(a) if (0..=130).contains(&a) => a,
        _ => return Err(ReferralError::new(RK::ImpossibleAge)),
    };
    let sex = enum_field(
        text(field::SEX),
        Sex::from_key,
        "sex",
        "female, male, other, unknown",
    )?;
    let urgency = enum_field(
        text(field::URGENCY),
        Urgency::from_key,
        "urgency",
        "routine, urgent, asap, stat",
    )?;
    let consent = enum_field(
        text(field::CONSENT),
        Consent::from_key,
        "consent",
        "given, refused, not_asked",
    )?;
    let district = text(field::DISTRICT).ok_or_else(|| {
        ReferralError::new(RK::MalformedArea {
            field: "district",
            what: AreaKind::District.what(),
        })
    })?;
    let district = area_id(inner, district, AreaKind::District, "district")?;
    // Optional codes: empty text (as CSV files write a missing value) is absent.
    let optional = |i: usize| text(i).filter(|t| !t.trim().is_empty());
    let pcn = match optional(field::PCN) {
        Some(p) => area_id(inner, p, AreaKind::Pcn, "pcn")?,
        None => None,
    };
    let practice = match optional(field::PRACTICE) {
        Some(p) => area_id(inner, p, AreaKind::Practice, "practice")?,
        None => None,
    };
    let mut needs = NeedSet::EMPTY;
    match row.field(field::NEEDS) {
        S::List(list) => {
            for need in list.iter() {
                let Some(i) = inner.vocabulary.index_of(need) else {
                    return Err(ReferralError::new(RK::UnknownNeed {
                        suggestion: inner.vocabulary.suggest(need),
                    }));
                };
                needs.insert(i);
            }
        }
        _ => return Err(ReferralError::new(RK::NoNeeds)),
    }
    if needs.is_empty() {
        return Err(ReferralError::new(RK::NoNeeds));
    }
    let (day, bank_holiday) = days.london_day(at)?;
    Ok(Prepared {
        age,
        sex,
        areas: [district, pcn, practice],
        needs,
        urgency,
        consent,
        day,
        weekday_bit: 1 << day.weekday().num_days_from_monday(),
        bank_holiday,
    })
}

impl Service {
    fn open_on(&self, p: &Prepared) -> bool {
        self.compiled.day_bits & p.weekday_bit != 0 && (!p.bank_holiday || self.open_bank_holidays)
    }

    fn in_catchment(&self, p: &Prepared) -> bool {
        self.compiled.everywhere
            || p.areas
                .iter()
                .flatten()
                .any(|id| self.compiled.areas.binary_search(id).is_ok())
    }

    /// The criteria an ordinary service applies, in a fixed order, consent
    /// last (so "excluded only for consent" is "the first failure is
    /// consent"). Calls `fail` for each failure; stops when it returns false.
    fn check<R: Fields + ?Sized>(
        &self,
        p: &Prepared,
        row: &R,
        ctx: &EvalContext,
        explain: Option<(&[Value], &Schema)>,
        fail: &mut dyn FnMut(ExclusionReason) -> bool,
    ) {
        let c = &self.compiled;
        macro_rules! fail {
            ($reason:expr) => {
                if !fail($reason) {
                    return;
                }
            };
        }
        if c.needs.and(p.needs).is_empty() {
            fail!(ExclusionReason::NoMatchingNeed);
        }
        if let Some(min_age) = self.min_age.filter(|m| p.age < *m) {
            fail!(ExclusionReason::TooYoung { min_age });
        }
        if let Some(max_age) = self.max_age.filter(|m| p.age > *m) {
            fail!(ExclusionReason::TooOld { max_age });
        }
        if c.sex_bits & p.sex.bit() == 0 {
            fail!(ExclusionReason::Sex);
        }
        if !self.in_catchment(p) {
            fail!(ExclusionReason::OutsideCatchment);
        }
        if let Some(reg) = &c.registered {
            let [_, _, practice] = p.areas;
            if practice.is_none_or(|id| reg.binary_search(&id).is_err()) {
                fail!(ExclusionReason::NotRegisteredPractice);
            }
        }
        if !self.accepting {
            fail!(ExclusionReason::NotAccepting);
        }
        if p.urgency.needs_open_service() && !self.open_on(p) {
            fail!(ExclusionReason::ClosedOnDay {
                weekday: p.day.weekday(),
                bank_holiday: p.bank_holiday,
            });
        }
        if let Some(criteria) = &self.criteria {
            if !criteria.fires(row, ctx) {
                let checks = explain
                    .map(|(values, schema)| criteria.explain(values, ctx, schema))
                    .unwrap_or_default();
                fail!(ExclusionReason::CriteriaNotMet {
                    criteria: criteria.source().to_owned(),
                    checks,
                });
            }
        }
        if self.consent_required && p.consent != Consent::Given {
            fail!(ExclusionReason::ConsentNotGiven { consent: p.consent });
        }
    }
}

/// Escalations and eligible services in rank order, and the outcome. The
/// one routine both the row and the columnar paths run.
pub(crate) fn rank<R: Fields + ?Sized>(
    inner: &DirectoryInner,
    p: &Prepared,
    row: &R,
    out: &mut Vec<Ranked>,
) -> (Outcome, NeedSet) {
    out.clear();
    let ctx = EvalContext { today: p.day };
    let esc = inner.escalation;
    let safeguarding = p.needs.and(inner.safeguarding_needs);
    let red_flags = p.needs.and(inner.red_flag_needs);
    let mut push_route = |service: usize, route: RouteKind, matched: NeedSet| {
        if let Some(s) = inner.services.get(service) {
            out.push(Ranked {
                service,
                route,
                matched,
                open: s.open_on(p),
                local: !s.compiled.everywhere && s.in_catchment(p),
            });
        }
    };
    if !safeguarding.is_empty() {
        push_route(esc.safeguarding_lead, RouteKind::Safeguarding, safeguarding);
    }
    if let (false, Some(route)) = (red_flags.is_empty(), esc.red_flag_route) {
        push_route(route, RouteKind::RedFlag, red_flags);
    }
    let escalations = out.len();

    let ordinary_needs = p
        .needs
        .minus(inner.safeguarding_needs.or(inner.red_flag_needs));
    let mut consent_would_help = false;
    if !ordinary_needs.is_empty() {
        for (i, s) in inner.services.iter().enumerate() {
            if i == esc.safeguarding_lead || Some(i) == esc.red_flag_route {
                continue;
            }
            // The first criterion is a matching need; a service failing it
            // can be neither eligible nor "excluded only for consent".
            if s.compiled.needs.and(ordinary_needs).is_empty() {
                continue;
            }
            let mut first = None;
            s.check(p, row, &ctx, None, &mut |r| {
                first = Some(r);
                false
            });
            match first {
                None => out.push(Ranked {
                    service: i,
                    route: RouteKind::Service,
                    matched: s.compiled.needs.and(ordinary_needs),
                    open: s.open_on(p),
                    local: !s.compiled.everywhere,
                }),
                Some(ExclusionReason::ConsentNotGiven { .. }) => consent_would_help = true,
                Some(_) => {}
            }
        }
    }
    let ranked = out.get_mut(escalations..).unwrap_or_default();
    ranked.sort_by(|a, b| compare(inner, a, b));

    let served = ranked
        .iter()
        .fold(NeedSet::EMPTY, |acc, r| acc.or(r.matched));
    let unmet = ordinary_needs.minus(served);
    let outcome = if escalations > 0 {
        Outcome::Escalated
    } else if !ranked.is_empty() {
        Outcome::Routed
    } else if consent_would_help {
        Outcome::NeedsConsent
    } else {
        Outcome::Unmet
    };
    (outcome, unmet)
}

fn compare(inner: &DirectoryInner, a: &Ranked, b: &Ranked) -> Ordering {
    let (sa, sb) = (inner.services.get(a.service), inner.services.get(b.service));
    for key in &inner.ranking {
        let o = match key {
            RankKey::MatchedNeeds => b.matched.len().cmp(&a.matched.len()),
            RankKey::OpenOnDay => b.open.cmp(&a.open),
            RankKey::Local => b.local.cmp(&a.local),
            RankKey::Wait => {
                let wait =
                    |s: Option<&Service>| s.and_then(|s| s.wait_days).map_or(u64::MAX, u64::from);
                wait(sa).cmp(&wait(sb))
            }
            RankKey::Id => sa.map(|s| &s.id).cmp(&sb.map(|s| &s.id)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.service.cmp(&b.service)
}

impl Directory {
    /// Routes one referral: the safeguarding lead first (always, whatever
    /// consent, capacity or hours) when a safeguarding need is present, then
    /// the red-flag route for clinical red flags, then every eligible service
    /// ranked; every other service with each criterion it failed; and the
    /// needs no eligible service serves. An empty result is never a success:
    /// nothing eligible gives [`Outcome::Unmet`] (or [`Outcome::NeedsConsent`]).
    ///
    /// Errors name the field that is wrong, never its value: an empty id,
    /// an impossible age, a malformed area code, an unknown need, a missing
    /// or mistyped extra field.
    ///
    /// ```
    /// use carecoord::expr::Value;
    /// use carecoord::routing::{Directory, Outcome};
    ///
    /// let d = Directory::from_path("../examples/routing/directory.toml")?;
    /// let referral = d.referral(
    ///     [
    ///         ("id", Value::str("R1")),
    ///         ("age", Value::Int(84)),
    ///         ("sex", Value::str("male")),
    ///         ("district", Value::str("LS7")),
    ///         ("needs", Value::list(["safeguarding", "carer_strain"])),
    ///         ("urgency", Value::str("urgent")),
    ///         ("consent", Value::str("not_asked")),
    ///     ]
    ///     .map(|(k, v)| (k.to_owned(), v)),
    ///     "2026-11-23T11:40:00Z".parse().unwrap(),
    /// )?;
    /// let routing = d.route(&referral)?;
    /// // Safeguarding goes to the named lead first, whatever the consent.
    /// assert_eq!(routing.outcome, Outcome::Escalated);
    /// assert_eq!(&*routing.matches[0].service_id, "safeguarding_lead");
    /// # Ok::<(), carecoord::Error>(())
    /// ```
    pub fn route(&self, referral: &Referral) -> Result<Routing, ReferralError> {
        let inner = &*self.0;
        let row = referral_row(&inner.schema, referral)?;
        let p = prepare(inner, row.as_slice(), referral.at, &mut DayCache::default())?;
        let mut ranked = Vec::new();
        let (outcome, unmet) = rank(inner, &p, row.as_slice(), &mut ranked);
        let ctx = EvalContext { today: p.day };

        let mut matches = Vec::with_capacity(ranked.len());
        for (n, r) in ranked.iter().enumerate() {
            if let Some(s) = inner.services.get(r.service) {
                let rank = u32::try_from(n + 1).unwrap_or(u32::MAX);
                matches.push(dress(inner, s, r, rank, &p));
            }
        }
        let mut excluded = Vec::new();
        for (i, s) in inner.services.iter().enumerate() {
            if ranked.iter().any(|r| r.service == i) {
                continue;
            }
            let mut reasons = Vec::new();
            if i == inner.escalation.safeguarding_lead || Some(i) == inner.escalation.red_flag_route
            {
                // Escalation routes take only escalation needs, which this
                // referral does not have.
                reasons.push(ExclusionReason::NoMatchingNeed);
            } else {
                s.check(
                    &p,
                    row.as_slice(),
                    &ctx,
                    Some((row.as_slice(), &inner.schema)),
                    &mut |r| {
                        reasons.push(r);
                        true
                    },
                );
            }
            excluded.push(Exclusion {
                service_id: s.id.clone(),
                reasons,
            });
        }
        Ok(Routing {
            referral_id: referral.id.clone(),
            outcome,
            escalate_now: outcome == Outcome::Escalated,
            matches,
            excluded,
            unmet_needs: need_ids(inner, unmet),
            day: p.day,
        })
    }
}

pub(crate) fn need_ids(inner: &DirectoryInner, set: NeedSet) -> Vec<Arc<str>> {
    set.iter()
        .filter_map(|i| inner.vocabulary.needs().get(i).map(|n| n.id.clone()))
        .collect()
}

/// The SNOMED CT code recorded for a referral to `s` for `matched`.
pub(crate) fn referral_code(inner: &DirectoryInner, s: &Service, matched: NeedSet) -> Arc<str> {
    s.referral_code
        .clone()
        .or_else(|| {
            matched.iter().find_map(|i| {
                inner
                    .vocabulary
                    .needs()
                    .get(i)
                    .and_then(|n| n.referral_code.clone())
            })
        })
        .unwrap_or_else(|| PATIENT_REFERRAL.into())
}

fn dress(inner: &DirectoryInner, s: &Service, r: &Ranked, rank: u32, p: &Prepared) -> Match {
    let matched_needs = need_ids(inner, r.matched);
    let consent_basis = match (r.route, p.consent) {
        (_, Consent::Given) => ConsentBasis::Consent,
        (RouteKind::Safeguarding, _) => ConsentBasis::SafeguardingWithoutConsent,
        (RouteKind::RedFlag, _) => ConsentBasis::DirectCare,
        (RouteKind::Service, _) => ConsentBasis::NotRequired,
    };
    let mut reasons = Vec::new();
    match r.route {
        RouteKind::Safeguarding => reasons.push(format!(
            "safeguarding concern: escalate now to {}",
            s.contact.as_deref().unwrap_or(&s.name)
        )),
        RouteKind::RedFlag => reasons.push(format!(
            "beyond the care coordinator's scope ({}): escalate now to {}",
            matched_needs.join(", "),
            s.contact.as_deref().unwrap_or(&s.name)
        )),
        RouteKind::Service => {
            reasons.push(format!("serves {}", matched_needs.join(", ")));
            reasons.push(if r.open {
                format!("open on {}", weekday_name(p.day.weekday()))
            } else {
                format!("closed on {}", weekday_name(p.day.weekday()))
            });
            reasons.push(
                if r.local {
                    "local service"
                } else {
                    "area-wide service"
                }
                .into(),
            );
            if let Some(w) = s.wait_days {
                reasons.push(format!("wait about {w} days"));
            }
        }
    }
    if consent_basis == ConsentBasis::SafeguardingWithoutConsent {
        reasons.push(
            "shared without consent on safeguarding grounds: record the justification".into(),
        );
    }
    Match {
        rank,
        service_id: s.id.clone(),
        service_name: s.name.clone(),
        route: r.route,
        matched_needs,
        referral_code: referral_code(inner, s, r.matched),
        escalate: r.route != RouteKind::Service,
        open_on_day: r.open,
        local: r.local,
        wait_days: s.wait_days,
        consent_basis,
        contact: s.contact.clone(),
        reasons,
    }
}

/// Refuses a name among `extra` that is none of the directory's extra
/// fields: the alphabetically first, whatever order the caller gave them in,
/// so every language names the same one.
pub(super) fn check_extra_names(
    schema: &Schema,
    extra: &[(String, Value)],
) -> Result<(), ReferralError> {
    let unknown = extra
        .iter()
        .map(|(name, _)| name)
        .filter(|name| schema.index_of(name).is_none_or(|i| i < field::BUILT_IN))
        .min();
    let Some(name) = unknown else {
        return Ok(());
    };
    let extras = schema
        .fields()
        .iter()
        .skip(field::BUILT_IN)
        .map(|f| f.name.as_str());
    Err(ReferralError::new(RK::UnknownField {
        field: crate::diag::shown_id(name),
        suggestion: crate::diag::did_you_mean(name, extras).map(str::to_owned),
    }))
}

/// A referral as a row of values in the directory's schema order.
fn referral_row(schema: &Schema, r: &Referral) -> Result<Vec<Value>, ReferralError> {
    let mut row = vec![Value::Null; schema.fields().len()];
    let mut set = |i: usize, v: Value| {
        if let Some(slot) = row.get_mut(i) {
            *slot = v;
        }
    };
    set(field::ID, Value::str(&r.id));
    set(field::AGE, Value::Int(r.age));
    set(field::SEX, Value::str(r.sex.key()));
    set(field::DISTRICT, Value::str(&r.district));
    set(field::PCN, r.pcn.as_deref().map_or(Value::Null, Value::str));
    set(
        field::PRACTICE,
        r.practice.as_deref().map_or(Value::Null, Value::str),
    );
    set(
        field::NEEDS,
        Value::List(r.needs.iter().map(|n| Arc::from(n.as_str())).collect()),
    );
    set(field::URGENCY, Value::str(r.urgency.key()));
    set(field::CONSENT, Value::str(r.consent.key()));
    check_extra_names(schema, &r.extra)?;
    let extra_index = |name: &str| schema.index_of(name).filter(|i| *i >= field::BUILT_IN);
    for (name, value) in &r.extra {
        let Some(i) = extra_index(name) else { continue };
        let Some(f) = schema.fields().get(i) else {
            continue;
        };
        let v = coerce(f, value.clone()).map_err(|e| ReferralError::new(RK::Record(e)))?;
        if let Some(slot) = row.get_mut(i) {
            *slot = v;
        }
    }
    Ok(row)
}
