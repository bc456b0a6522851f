//! Loading a directory file: parse (TOML or JSON), then check everything a
//! person could get wrong, with the line and column of each mistake.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveTime, Weekday};
use toml::Spanned;

use crate::caseload::load::{FieldProblem, Source, date_of, declared_field, json_to_toml};
use crate::diag::{LineCol, did_you_mean, line_col};
use crate::expr::{self, Field, FieldRole, Schema, Type};

use super::area::{AreaKind, normalise};
use super::directory::{
    Catchment, CompiledService, Consent, Directory, DirectoryInner, Escalation, RankKey, Service,
    Sex, Urgency,
};
use super::error::{DirectoryError, DirectoryErrorKind as K};
use super::fast_hash::FastMap;
use super::model::{CatchmentSpec, DirectoryFile, ServiceSpec};
use super::needs::{MAX_NEEDS, Need, NeedClass, NeedSet, NeedVocabulary};

/// The fields every referral has, in row order; a directory's own `[fields]`
/// follow them.
pub(crate) mod field {
    pub const ID: usize = 0;
    pub const AGE: usize = 1;
    pub const SEX: usize = 2;
    pub const DISTRICT: usize = 3;
    pub const PCN: usize = 4;
    pub const PRACTICE: usize = 5;
    pub const NEEDS: usize = 6;
    pub const URGENCY: usize = 7;
    pub const CONSENT: usize = 8;
    pub const BUILT_IN: usize = 9;
}

fn built_in_fields() -> Vec<Field> {
    let enum_of = |keys: &[&str]| Type::Enum(keys.iter().map(|k| (*k).to_owned()).collect());
    let f = |name: &str, ty: Type, nullable: bool| Field {
        name: name.to_owned(),
        ty,
        nullable,
        role: None,
    };
    vec![
        Field {
            role: Some(FieldRole::Id),
            ..f("id", Type::Str, false)
        },
        f("age", Type::Int, false),
        f("sex", enum_of(&Sex::ALL.map(Sex::key)), false),
        f("district", Type::Str, false),
        f("pcn", Type::Str, true),
        f("practice", Type::Str, true),
        f("needs", Type::StrList, false),
        f("urgency", enum_of(&Urgency::ALL.map(Urgency::key)), false),
        f("consent", enum_of(&Consent::ALL.map(Consent::key)), false),
    ]
}

pub(crate) fn parse_toml(text: &str) -> Result<DirectoryFile, DirectoryError> {
    toml::from_str::<DirectoryFile>(text).map_err(|e| {
        let location = e.span().map(|s| line_col(text, s.start));
        DirectoryError::new(
            K::Syntax {
                message: e.message().trim().to_owned(),
            },
            "",
            location,
        )
    })
}

/// JSON is read into the same model through TOML's data model, so the two
/// formats cannot drift.
pub(crate) fn parse_json(text: &str) -> Result<DirectoryFile, DirectoryError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        DirectoryError::new(
            K::Syntax {
                message: e.to_string(),
            },
            "",
            Some(LineCol {
                line: e.line(),
                column: e.column(),
            }),
        )
    })?;
    let syntax = |message: String| DirectoryError::new(K::Syntax { message }, "", None);
    let table = json_to_toml(json)
        .ok_or_else(|| syntax("the top level of a directory file must be an object".into()))?;
    let text = toml::to_string(&table).map_err(|e| syntax(e.to_string()))?;
    toml::from_str::<DirectoryFile>(&text).map_err(|e| syntax(e.message().trim().to_owned()))
}

struct Ctx<'a> {
    src: &'a Source<'a>,
}

impl Ctx<'_> {
    fn err<T>(&self, kind: K, path: impl Into<String>, s: &Spanned<T>) -> DirectoryError {
        DirectoryError::new(kind, path, self.src.at_span(s))
    }
}

pub(crate) fn build(file: DirectoryFile, src: &Source<'_>) -> Result<Directory, DirectoryError> {
    let cx = Ctx { src };
    let meta = &file.directory;
    let Some(effective_from) = date_of(meta.effective_from.get_ref()) else {
        return Err(cx.err(
            K::Invalid {
                message: "effective_from must be a date such as 2026-04-01".into(),
            },
            "directory.effective_from",
            &meta.effective_from,
        ));
    };

    let vocabulary = build_vocabulary(&file, &cx)?;
    let schema = build_schema(&file, &cx)?;
    let ranking = build_ranking(&file, &cx)?;

    if file.services.is_empty() {
        return Err(DirectoryError::new(
            K::Invalid {
                message: "the directory has no services".into(),
            },
            "service",
            None,
        ));
    }

    // Intern every area code a service names, so routing compares integers.
    let mut areas: FastMap<String, u32> = FastMap::default();
    let mut services = Vec::with_capacity(file.services.len());
    let mut ids = HashSet::new();
    for spec in &file.services {
        let id = spec.id.get_ref();
        if !ids.insert(id.clone()) {
            return Err(cx.err(
                K::DuplicateId { id: id.clone() },
                format!("service[{id}]"),
                &spec.id,
            ));
        }
        services.push(build_service(spec, &cx, &vocabulary, &schema, &mut areas)?);
    }

    let escalation = build_escalation(&file, &cx, &services, &vocabulary)?;
    let safeguarding_needs = vocabulary.mask_of(NeedClass::Safeguarding);
    let red_flag_needs = vocabulary.mask_of(NeedClass::RedFlag);

    // An ordinary service cannot claim escalation needs: they must never be
    // routed anywhere but the escalation routes.
    for (i, s) in services.iter().enumerate() {
        let is_route = i == escalation.safeguarding_lead || Some(i) == escalation.red_flag_route;
        let claims = s.compiled.needs.and(safeguarding_needs.or(red_flag_needs));
        if !is_route && !claims.is_empty() {
            let spec = file.services.get(i);
            return Err(DirectoryError::new(
                K::Invalid {
                    message: "only the escalation routes may serve safeguarding or red-flag needs"
                        .into(),
                },
                format!("service[{}].needs", s.id),
                spec.and_then(|sp| src.at_span(&sp.needs)),
            ));
        }
    }

    Ok(Directory(Arc::new(DirectoryInner {
        name: meta.name.clone(),
        version: meta.version.clone(),
        effective_from,
        description: meta.description.clone(),
        vocabulary,
        schema,
        services,
        escalation,
        ranking,
        areas,
        safeguarding_needs,
        red_flag_needs,
    })))
}

fn build_vocabulary(file: &DirectoryFile, cx: &Ctx<'_>) -> Result<NeedVocabulary, DirectoryError> {
    let mut vocabulary = NeedVocabulary::built_in();
    for spec in &file.needs {
        let id = spec.id.get_ref();
        let path = format!("need[{id}]");
        if !is_tag(id) {
            return Err(cx.err(
                K::Invalid {
                    message: format!("need id `{id}` must be lower-case letters, digits and _"),
                },
                path,
                &spec.id,
            ));
        }
        let class = match spec.class.as_ref().map(|c| c.get_ref().as_str()) {
            None | Some("ordinary") => NeedClass::Ordinary,
            Some("red_flag") => NeedClass::RedFlag,
            Some(_) => {
                let at = spec
                    .class
                    .as_ref()
                    .map_or(spec.id.span().start, |c| c.span().start);
                return Err(DirectoryError::new(
                    K::Invalid {
                        message: "a declared need's class must be `ordinary` or `red_flag` (safeguarding is built in)".into(),
                    },
                    format!("{path}.class"),
                    cx.src.at(at),
                ));
            }
        };
        let referral_code = match &spec.referral_code {
            Some(code) => Some(check_code(code, cx, &format!("{path}.referral_code"))?),
            None => None,
        };
        let need = Need {
            id: id.as_str().into(),
            label: spec.label.as_str().into(),
            class,
            referral_code,
        };
        if vocabulary.push(need).is_err() {
            let message = if vocabulary.index_of(id).is_some() {
                return Err(cx.err(K::DuplicateId { id: id.clone() }, path, &spec.id));
            } else {
                format!("a directory may know at most {MAX_NEEDS} needs")
            };
            return Err(cx.err(K::Invalid { message }, path, &spec.id));
        }
    }
    Ok(vocabulary)
}

fn is_tag(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A SNOMED CT concept id: 6 to 18 digits, no leading zero, with a valid
/// Verhoeff check digit.
fn check_code(
    code: &Spanned<String>,
    cx: &Ctx<'_>,
    path: &str,
) -> Result<Arc<str>, DirectoryError> {
    let text = code.get_ref().trim();
    if !crate::ids::is_sctid(text) {
        return Err(cx.err(
            K::Invalid {
                message: format!(
                    "`{text}` is not a SNOMED CT concept id (6-18 digits with a valid check digit)"
                ),
            },
            path,
            code,
        ));
    }
    Ok(text.into())
}

fn build_schema(file: &DirectoryFile, cx: &Ctx<'_>) -> Result<Schema, DirectoryError> {
    let mut fields = built_in_fields();
    for (name, spec) in &file.fields {
        let path = format!("fields.{name}");
        if fields.iter().any(|f| &f.name == name) {
            return Err(cx.err(
                K::Invalid {
                    message: format!("`{name}` is a built-in referral field; choose another name"),
                },
                path,
                spec,
            ));
        }
        let field = declared_field(name, spec.get_ref()).map_err(|p| {
            let message = match p {
                FieldProblem::UnknownType(t) => format!(
                    "unknown field type `{t}` (use int, float, bool, string, date, list<string> or enum)"
                ),
                FieldProblem::Invalid(m) => m,
            };
            cx.err(K::Invalid { message }, path.clone(), spec)
        })?;
        // Extra fields may be missing from a referral: criteria see null.
        fields.push(Field {
            nullable: true,
            ..field
        });
    }
    Schema::new(fields).map_err(|id| DirectoryError::new(K::DuplicateId { id }, "fields", None))
}

fn build_ranking(file: &DirectoryFile, cx: &Ctx<'_>) -> Result<Vec<RankKey>, DirectoryError> {
    let Some(spec) = &file.ranking else {
        return Ok(RankKey::DEFAULT.to_vec());
    };
    let mut order = Vec::new();
    for word in spec.order.get_ref() {
        let Some(key) = RankKey::ALL.into_iter().find(|k| k.key() == word) else {
            let suggestion = did_you_mean(word, RankKey::ALL.map(RankKey::key));
            return Err(cx.err(
                K::Invalid {
                    message: format!(
                        "unknown ranking key `{word}`{} (use matched_needs, open_on_day, local, wait, id)",
                        suggestion.map(|s| format!(": did you mean `{s}`?")).unwrap_or_default()
                    ),
                },
                "ranking.order",
                &spec.order,
            ));
        };
        if order.contains(&key) {
            return Err(cx.err(
                K::Invalid {
                    message: format!("ranking key `{word}` is repeated"),
                },
                "ranking.order",
                &spec.order,
            ));
        }
        order.push(key);
    }
    // The id is always the last tie-break, so the order is total and the
    // same in every language.
    if !order.contains(&RankKey::Id) {
        order.push(RankKey::Id);
    }
    Ok(order)
}

fn intern(areas: &mut FastMap<String, u32>, code: String) -> u32 {
    let next = u32::try_from(areas.len()).unwrap_or(u32::MAX);
    *areas.entry(code).or_insert(next)
}

/// One service, each section of its entry checked by its own function.
fn build_service(
    spec: &ServiceSpec,
    cx: &Ctx<'_>,
    vocabulary: &NeedVocabulary,
    schema: &Schema,
    areas: &mut FastMap<String, u32>,
) -> Result<Service, DirectoryError> {
    let id = spec.id.get_ref().as_str();
    if id.trim().is_empty() {
        return Err(cx.err(
            K::Invalid {
                message: "a service id cannot be empty".into(),
            },
            "service",
            &spec.id,
        ));
    }
    let at = Section { cx, id };
    let needs = at.needs(spec, vocabulary)?;
    let (min_age, max_age) = at.ages(spec)?;
    let sex = at.sexes(spec)?;
    let (catchment, area_ids) = at.catchment(spec, areas)?;
    let (registered_practices, registered) = at.registration(spec, &catchment, areas)?;
    let days = at.days(spec)?;
    let hours = at.hours(spec)?;
    let wait_days = at.wait_days(spec)?;
    let referral_code = match &spec.referral_code {
        Some(code) => Some(check_code(code, cx, &at.path("referral_code"))?),
        None => None,
    };
    let criteria = at.criteria(spec, schema)?;
    let compiled = CompiledService {
        needs,
        sex_bits: sex
            .as_ref()
            .map_or(0b1111, |l| l.iter().fold(0, |bits, s| bits | s.bit())),
        day_bits: days
            .iter()
            .fold(0u8, |bits, d| bits | (1 << d.num_days_from_monday())),
        everywhere: matches!(spec.catchment.get_ref(), CatchmentSpec::Word(_)),
        areas: area_ids,
        registered,
    };
    Ok(Service {
        id: id.into(),
        name: spec.name.as_str().into(),
        kind: spec.kind.as_str().into(),
        needs: needs
            .iter()
            .filter_map(|i| vocabulary.needs().get(i).map(|n| n.id.clone()))
            .collect(),
        referral_code,
        contact: spec.contact.as_deref().map(Arc::from),
        min_age,
        max_age,
        sex,
        catchment,
        registered_practices,
        days,
        hours,
        open_bank_holidays: spec.open_bank_holidays,
        accepting: spec.accepting,
        wait_days,
        consent_required: spec.consent_required,
        criteria,
        compiled,
    })
}

/// Where in the file a service's section is, for errors: `service[id].key`.
struct Section<'a> {
    cx: &'a Ctx<'a>,
    id: &'a str,
}

impl Section<'_> {
    fn path(&self, key: &str) -> String {
        format!("service[{}].{key}", self.id)
    }

    fn err<T>(&self, kind: K, key: &str, s: &Spanned<T>) -> DirectoryError {
        self.cx.err(kind, self.path(key), s)
    }

    /// The needs it serves: known to the vocabulary, at least one.
    fn needs(
        &self,
        spec: &ServiceSpec,
        vocabulary: &NeedVocabulary,
    ) -> Result<NeedSet, DirectoryError> {
        let mut needs = NeedSet::EMPTY;
        for (i, need) in spec.needs.get_ref().iter().enumerate() {
            let Some(index) = vocabulary.index_of(need) else {
                let kind = K::UnknownNeed {
                    name: need.clone(),
                    suggestion: vocabulary.suggest(need),
                };
                return Err(self.err(kind, &format!("needs[{i}]"), &spec.needs));
            };
            needs.insert(index);
        }
        if needs.is_empty() {
            let message = "a service must serve at least one need".into();
            return Err(self.err(K::Invalid { message }, "needs", &spec.needs));
        }
        Ok(needs)
    }

    /// The age range: each bound a possible age, the lower not above the upper.
    fn ages(&self, spec: &ServiceSpec) -> Result<(Option<i64>, Option<i64>), DirectoryError> {
        let age = |a: &Option<Spanned<i64>>, key: &str| match a {
            Some(v) if !(0..=130).contains(v.get_ref()) => {
                let message = format!("{key} must be between 0 and 130");
                Err(self.err(K::ContradictoryEligibility { message }, key, v))
            }
            Some(v) => Ok(Some(*v.get_ref())),
            None => Ok(None),
        };
        let (min_age, max_age) = (
            age(&spec.min_age, "min_age")?,
            age(&spec.max_age, "max_age")?,
        );
        if let (Some(lo), Some(hi), Some(at)) = (min_age, max_age, &spec.max_age) {
            if lo > hi {
                let message = format!("min_age {lo} is above max_age {hi}");
                return Err(self.err(K::ContradictoryEligibility { message }, "max_age", at));
            }
        }
        Ok((min_age, max_age))
    }

    /// The sexes it accepts: known words, not an empty list.
    fn sexes(&self, spec: &ServiceSpec) -> Result<Option<Vec<Sex>>, DirectoryError> {
        let Some(list) = &spec.sex else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for word in list.get_ref() {
            let Some(s) = Sex::from_key(word) else {
                let message = format!("unknown sex `{word}` (use female, male, other, unknown)");
                return Err(self.err(K::Invalid { message }, "sex", list));
            };
            out.push(s);
        }
        if out.is_empty() {
            let message = "an empty `sex` list accepts no one (leave it out to accept all)".into();
            return Err(self.err(K::ContradictoryEligibility { message }, "sex", list));
        }
        Ok(Some(out))
    }

    /// Where it takes referrals from, and the interned ids of its areas.
    fn catchment(
        &self,
        spec: &ServiceSpec,
        areas: &mut FastMap<String, u32>,
    ) -> Result<(Catchment, Vec<u32>), DirectoryError> {
        let a = match spec.catchment.get_ref() {
            CatchmentSpec::Word(w) if w == "everywhere" => {
                return Ok((Catchment::Everywhere, Vec::new()));
            }
            CatchmentSpec::Word(w) => {
                let message = format!(
                    "catchment `{w}`: write \"everywhere\" or a table of districts, pcns and practices"
                );
                return Err(self.err(K::Invalid { message }, "catchment", &spec.catchment));
            }
            CatchmentSpec::Areas(a) => a,
        };
        let mut area_ids = Vec::new();
        let mut norm = |codes: &[String], kind: AreaKind| -> Result<Vec<String>, DirectoryError> {
            let mut out = Vec::with_capacity(codes.len());
            for code in codes {
                let Some(n) = normalise(kind, code) else {
                    let kind = K::MalformedArea {
                        what: kind.what(),
                        code: code.clone(),
                    };
                    return Err(self.err(kind, "catchment", &spec.catchment));
                };
                area_ids.push(intern(areas, n.clone()));
                out.push(n);
            }
            Ok(out)
        };
        let districts = norm(&a.districts, AreaKind::District)?;
        let pcns = norm(&a.pcns, AreaKind::Pcn)?;
        let practices = norm(&a.practices, AreaKind::Practice)?;
        if districts.is_empty() && pcns.is_empty() && practices.is_empty() {
            let message = "an empty catchment accepts no one (write catchment = \"everywhere\" for an area-wide service)".into();
            return Err(self.err(
                K::ContradictoryEligibility { message },
                "catchment",
                &spec.catchment,
            ));
        }
        area_ids.sort_unstable();
        area_ids.dedup();
        let catchment = Catchment::Areas {
            districts,
            pcns,
            practices,
        };
        Ok((catchment, area_ids))
    }

    /// The practices a person must be registered with, if any: well formed,
    /// not empty, and not disjoint from a catchment of practices only.
    #[allow(
        clippy::type_complexity,
        reason = "the codes as written and their interned ids, each optional together"
    )]
    fn registration(
        &self,
        spec: &ServiceSpec,
        catchment: &Catchment,
        areas: &mut FastMap<String, u32>,
    ) -> Result<(Option<Vec<String>>, Option<Vec<u32>>), DirectoryError> {
        let Some(list) = &spec.registered_practices else {
            return Ok((None, None));
        };
        let mut codes = Vec::new();
        let mut ids = Vec::new();
        for code in list.get_ref() {
            let Some(n) = normalise(AreaKind::Practice, code) else {
                let kind = K::MalformedArea {
                    what: AreaKind::Practice.what(),
                    code: code.clone(),
                };
                return Err(self.err(kind, "registered_practices", list));
            };
            ids.push(intern(areas, n.clone()));
            codes.push(n);
        }
        if codes.is_empty() {
            let message = "an empty `registered_practices` list accepts no one".into();
            return Err(self.err(
                K::ContradictoryEligibility { message },
                "registered_practices",
                list,
            ));
        }
        ids.sort_unstable();
        ids.dedup();
        if let Catchment::Areas {
            practices,
            districts,
            pcns,
        } = catchment
        {
            // A catchment of practices only, none of which is an allowed
            // registration, accepts no one.
            if districts.is_empty()
                && pcns.is_empty()
                && !practices.iter().any(|p| codes.contains(p))
            {
                let message =
                    "the catchment's practices and registered_practices have none in common".into();
                return Err(self.err(
                    K::ContradictoryEligibility { message },
                    "registered_practices",
                    &spec.catchment,
                ));
            }
        }
        Ok((Some(codes), Some(ids)))
    }

    /// The days it opens, Monday first, each once; at least one if it is
    /// accepting referrals. Days are read as everywhere in carecoord
    /// ([`crate::time::parse_weekday`]).
    fn days(&self, spec: &ServiceSpec) -> Result<Vec<Weekday>, DirectoryError> {
        let mut days = Vec::new();
        for word in spec.days.get_ref() {
            let Ok(d) = crate::time::parse_weekday(word, "days") else {
                let message =
                    format!("unknown day `{word}` (use mon, tue, wed, thu, fri, sat, sun)");
                return Err(self.err(K::InvalidHours { message }, "days", &spec.days));
            };
            if !days.contains(&d) {
                days.push(d);
            }
        }
        days.sort_by_key(|d| d.num_days_from_monday());
        if days.is_empty() && spec.accepting {
            let message = "a service accepting referrals must open on at least one day".into();
            return Err(self.err(K::ContradictoryEligibility { message }, "days", &spec.days));
        }
        Ok(days)
    }

    /// Its opening hours, `HH:MM-HH:MM` in London time, opening before closing.
    fn hours(&self, spec: &ServiceSpec) -> Result<Option<(NaiveTime, NaiveTime)>, DirectoryError> {
        let Some(h) = &spec.hours else {
            return Ok(None);
        };
        let message = "hours must be HH:MM-HH:MM, opening before closing (Europe/London time)";
        parse_hours(h.get_ref()).map(Some).ok_or_else(|| {
            self.err(
                K::InvalidHours {
                    message: message.into(),
                },
                "hours",
                h,
            )
        })
    }

    /// How long referrals wait, in days: not negative.
    fn wait_days(&self, spec: &ServiceSpec) -> Result<Option<u32>, DirectoryError> {
        let Some(w) = &spec.wait_days else {
            return Ok(None);
        };
        let message = "wait_days cannot be negative".into();
        u32::try_from(*w.get_ref())
            .map(Some)
            .map_err(|_| self.err(K::Invalid { message }, "wait_days", w))
    }

    /// Its extra criterion in the rule language, compiled against the schema.
    fn criteria(
        &self,
        spec: &ServiceSpec,
        schema: &Schema,
    ) -> Result<Option<expr::CompiledExpr>, DirectoryError> {
        let Some(text) = &spec.criteria else {
            return Ok(None);
        };
        expr::compile_condition(text.get_ref(), schema)
            .map(Some)
            .map_err(|e| {
                DirectoryError::new(
                    K::Expr(e.kind.clone()),
                    self.path("criteria"),
                    self.cx.src.at_expr(text, &e),
                )
            })
    }
}

fn parse_hours(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = text.split_once('-')?;
    let open = crate::time::parse_wall_clock(a.trim(), "hours").ok()?;
    let close = crate::time::parse_wall_clock(b.trim(), "hours").ok()?;
    (open < close).then_some((open, close))
}

fn build_escalation(
    file: &DirectoryFile,
    cx: &Ctx<'_>,
    services: &[Service],
    vocabulary: &NeedVocabulary,
) -> Result<Escalation, DirectoryError> {
    let no_lead =
        || DirectoryError::new(K::NoSafeguardingLead, "escalation.safeguarding_lead", None);
    let Some(spanned) = &file.escalation else {
        return Err(no_lead());
    };
    let find = |name: &Spanned<String>, key: &str| -> Result<usize, DirectoryError> {
        services
            .iter()
            .position(|s| *s.id == **name.get_ref())
            .ok_or_else(|| {
                cx.err(
                    K::UnknownService {
                        name: name.get_ref().clone(),
                        suggestion: did_you_mean(name.get_ref(), services.iter().map(|s| &*s.id))
                            .map(str::to_owned),
                    },
                    format!("escalation.{key}"),
                    name,
                )
            })
    };
    let spec = spanned.get_ref();
    let lead = match &spec.safeguarding_lead {
        Some(name) => find(name, "safeguarding_lead")?,
        None => {
            return Err(cx.err(
                K::NoSafeguardingLead,
                "escalation.safeguarding_lead",
                spanned,
            ));
        }
    };
    let safeguarding = vocabulary.mask_of(NeedClass::Safeguarding);
    if let (Some(s), Some(name)) = (services.get(lead), &spec.safeguarding_lead) {
        if s.compiled.needs.and(safeguarding).is_empty() {
            return Err(cx.err(
                K::Invalid {
                    message: format!(
                        "the safeguarding lead `{}` must serve the `safeguarding` need",
                        s.id
                    ),
                },
                "escalation.safeguarding_lead",
                name,
            ));
        }
        if s.contact.is_none() {
            return Err(cx.err(
                K::Invalid {
                    message: format!("the safeguarding lead `{}` needs a named `contact`", s.id),
                },
                "escalation.safeguarding_lead",
                name,
            ));
        }
    }
    let red_flags = vocabulary.mask_of(NeedClass::RedFlag);
    let red_flag_route = match &spec.red_flag_route {
        Some(name) => {
            let i = find(name, "red_flag_route")?;
            if i == lead {
                return Err(cx.err(
                    K::Invalid {
                        message: "the red-flag route must differ from the safeguarding lead".into(),
                    },
                    "escalation.red_flag_route",
                    name,
                ));
            }
            Some(i)
        }
        None if !red_flags.is_empty() => {
            return Err(DirectoryError::new(
                K::Invalid {
                    message:
                        "the directory knows red-flag needs but names no escalation.red_flag_route"
                            .into(),
                },
                "escalation.red_flag_route",
                None,
            ));
        }
        None => None,
    };
    Ok(Escalation {
        safeguarding_lead: lead,
        red_flag_route,
    })
}
