//! The directory file as written (TOML, or the same model in JSON), before
//! checking. Unknown keys are errors everywhere: a misspelt key must not
//! silently widen who a service accepts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::caseload::model::FieldSpec;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectoryFile {
    pub directory: Meta,
    #[serde(default)]
    pub fields: BTreeMap<String, Spanned<FieldSpec>>,
    #[serde(default, rename = "need")]
    pub needs: Vec<NeedSpec>,
    pub escalation: Option<Spanned<EscalationSpec>>,
    #[serde(default)]
    pub ranking: Option<RankingSpec>,
    #[serde(default, rename = "service")]
    pub services: Vec<ServiceSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub name: String,
    pub version: String,
    pub effective_from: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NeedSpec {
    pub id: Spanned<String>,
    pub label: String,
    /// `ordinary` (the default) or `red_flag`.
    #[serde(default)]
    pub class: Option<Spanned<String>>,
    #[serde(default)]
    pub referral_code: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalationSpec {
    /// The service id of the named safeguarding clinical lead.
    pub safeguarding_lead: Option<Spanned<String>>,
    /// The service id red-flag needs go back to (the GP or an urgent route).
    pub red_flag_route: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankingSpec {
    pub order: Spanned<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceSpec {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: String,
    pub needs: Spanned<Vec<String>>,
    #[serde(default)]
    pub referral_code: Option<Spanned<String>>,
    /// A named contact role for escalations (e.g. "Named GP for safeguarding adults").
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub min_age: Option<Spanned<i64>>,
    #[serde(default)]
    pub max_age: Option<Spanned<i64>>,
    #[serde(default)]
    pub sex: Option<Spanned<Vec<String>>>,
    pub catchment: Spanned<CatchmentSpec>,
    #[serde(default)]
    pub registered_practices: Option<Spanned<Vec<String>>>,
    pub days: Spanned<Vec<String>>,
    #[serde(default)]
    pub hours: Option<Spanned<String>>,
    #[serde(default)]
    pub open_bank_holidays: bool,
    pub accepting: bool,
    #[serde(default)]
    pub wait_days: Option<Spanned<i64>>,
    pub consent_required: bool,
    #[serde(default)]
    pub criteria: Option<Spanned<String>>,
}

/// `"everywhere"`, or `{ districts = [..], pcns = [..], practices = [..] }`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum CatchmentSpec {
    Word(String),
    Areas(AreasSpec),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AreasSpec {
    #[serde(default)]
    pub districts: Vec<String>,
    #[serde(default)]
    pub pcns: Vec<String>,
    #[serde(default)]
    pub practices: Vec<String>,
}

/// Written by hand rather than `untagged` so that a mistake in the table is
/// reported as itself, not as "no variant matched".
impl<'de> Deserialize<'de> for CatchmentSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CatchmentSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"everywhere\", or a table { districts = [..], pcns = [..], practices = [..] }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CatchmentSpec, E> {
                Ok(CatchmentSpec::Word(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<CatchmentSpec, A::Error> {
                AreasSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CatchmentSpec::Areas)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
