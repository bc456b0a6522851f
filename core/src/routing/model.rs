//! The directory file as written (TOML, or the same model in JSON), before
//! checking. Unknown keys are errors everywhere: a misspelt key must not
//! silently widen who a service accepts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::caseload::model::{FieldSpec, word_or_table};

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

impl<'de> Deserialize<'de> for CatchmentSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        word_or_table(
            deserializer,
            "\"everywhere\", or a table { districts = [..], pcns = [..], practices = [..] }",
            CatchmentSpec::Word,
            CatchmentSpec::Areas,
        )
    }
}
