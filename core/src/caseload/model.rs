//! The rule file as written (TOML, or the same model in JSON), before checking.
//!
//! Unknown keys are errors everywhere (`deny_unknown_fields`): a misspelt key
//! must not silently switch a rule off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A whole rule file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub ruleset: Meta,
    pub schema: SchemaSpec,
    #[serde(default, rename = "tier")]
    pub tiers: Vec<TierSpec>,
    #[serde(default, rename = "override")]
    pub overrides: Vec<OverrideSpec>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
    #[serde(default, rename = "test")]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub name: String,
    pub version: String,
    pub effective_from: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_top_reasons")]
    pub top_reasons: u32,
}

fn default_top_reasons() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemaSpec {
    /// The row-identifier field.
    pub id: Spanned<String>,
    /// The safeguarding-flag field, if the data has one.
    #[serde(default)]
    pub safeguarding: Option<Spanned<String>>,
    pub fields: BTreeMap<String, Spanned<FieldSpec>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum FieldSpec {
    /// `age = "int"`.
    Short(String),
    /// `age = { type = "int", nullable = true }`.
    Full(FullFieldSpec),
}

/// A type name, or a table.
impl<'de> Deserialize<'de> for FieldSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        word_or_table(
            deserializer,
            "a type name such as \"int\", or a table { type = .., nullable = .. }",
            FieldSpec::Short,
            FieldSpec::Full,
        )
    }
}

/// Reads a value written either as one word or as a table `T`. Written by
/// hand rather than with `#[serde(untagged)]` so that a mistake in the table
/// is reported as itself, not as "no variant matched".
pub(crate) fn word_or_table<'de, D, T, R>(
    deserializer: D,
    expecting: &'static str,
    word: fn(String) -> R,
    table: fn(T) -> R,
) -> Result<R, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Visitor<T, R> {
        expecting: &'static str,
        word: fn(String) -> R,
        table: fn(T) -> R,
    }
    impl<'de, T: Deserialize<'de>, R> serde::de::Visitor<'de> for Visitor<T, R> {
        type Value = R;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<R, E> {
            Ok((self.word)(v.to_owned()))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(self.table)
        }
    }
    deserializer.deserialize_any(Visitor {
        expecting,
        word,
        table,
    })
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FullFieldSpec {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TierSpec {
    pub name: Spanned<String>,
    /// Reached by scoring at least this; a tier without it is reached only by
    /// an override, except the last, which catches everything else.
    #[serde(default)]
    pub min_score: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverrideSpec {
    pub id: Spanned<String>,
    pub when: Spanned<String>,
    pub tier: Spanned<String>,
    pub reason: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub id: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    #[serde(default)]
    pub points: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub bands: Option<Spanned<Vec<BandSpec>>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandSpec {
    pub when: Spanned<String>,
    pub points: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestSpec {
    pub name: Spanned<String>,
    #[serde(default)]
    pub today: Option<toml::value::Datetime>,
    pub row: toml::Table,
    pub expect: ExpectSpec,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectSpec {
    #[serde(default)]
    pub score: Option<i64>,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
}
