//! Loading a rule file: parse (TOML or JSON), then check everything a person
//! could get wrong, with the line and column of each mistake.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use toml::Spanned;

use crate::diag::{LineCol, did_you_mean, line_col};
use crate::expr::{
    self, CompiledExpr, EvalContext, ExprError, Field, FieldRole, Schema, Truth, Type, Value,
};

use super::error::{RuleError, RuleErrorKind};
use super::model::{FieldSpec, RuleFile};
use super::record::row_from_toml;
use super::ruleset::{Band, Inner, Override, Rule, RuleSet, RuleTest, Tier};
use super::unreachable::first_unreachable_band;

/// Where the text came from, which decides whether spans mean anything.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    /// Whether byte spans from the parser refer to `text` (true for TOML).
    pub spans_valid: bool,
}

impl Source<'_> {
    pub(crate) fn at(&self, offset: usize) -> Option<LineCol> {
        self.spans_valid.then(|| line_col(self.text, offset))
    }

    pub(crate) fn at_span<T>(&self, s: &Spanned<T>) -> Option<LineCol> {
        self.at(s.span().start)
    }

    /// The file location of an expression error inside a quoted TOML string.
    pub(crate) fn at_expr(&self, string: &Spanned<String>, err: &ExprError) -> Option<LineCol> {
        let span = string.span();
        let raw = self.text.get(span.clone()).unwrap_or_default();
        // Only when the string is written without escapes do its bytes line up
        // with the expression's; otherwise point at the string itself.
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        let exact = raw.len() >= 2 && inner == string.get_ref().as_str();
        self.at(if exact {
            span.start + 1 + err.span.start
        } else {
            span.start
        })
    }
}

pub(crate) fn parse_toml(text: &str) -> Result<RuleFile, RuleError> {
    toml::from_str::<RuleFile>(text).map_err(|e| {
        let location = e.span().map(|s| line_col(text, s.start));
        RuleError::new(
            RuleErrorKind::Syntax {
                message: e.message().trim().to_owned(),
            },
            "",
            location,
        )
    })
}

/// JSON is read into the same model through TOML's data model, so the two
/// formats cannot drift. Positions in a JSON file are known for syntax errors
/// only; later errors carry their path.
pub(crate) fn parse_json(text: &str) -> Result<RuleFile, RuleError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        RuleError::new(
            RuleErrorKind::Syntax {
                message: e.to_string(),
            },
            "",
            Some(LineCol {
                line: e.line(),
                column: e.column(),
            }),
        )
    })?;
    let syntax = |message: String| RuleError::new(RuleErrorKind::Syntax { message }, "", None);
    let table = json_to_toml(json)
        .ok_or_else(|| syntax("the top level of a rule file must be an object".into()))?;
    let text = toml::to_string(&table).map_err(|e| syntax(e.to_string()))?;
    toml::from_str::<RuleFile>(&text).map_err(|e| syntax(e.message().trim().to_owned()))
}

/// JSON to TOML values: nulls are dropped (TOML has none; absent means null),
/// and `YYYY-MM-DD` strings under `effective_from` and `today` become dates.
pub(crate) fn json_to_toml(v: serde_json::Value) -> Option<toml::Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        J::String(s) => toml::Value::String(s),
        J::Array(items) => toml::Value::Array(items.into_iter().filter_map(json_to_toml).collect()),
        J::Object(map) => {
            let mut table = toml::Table::new();
            for (k, v) in map {
                let date_key = k == "effective_from" || k == "today";
                let value = match (&v, date_key) {
                    (J::String(s), true) => s
                        .parse::<toml::value::Datetime>()
                        .ok()
                        .map(toml::Value::Datetime),
                    _ => None,
                };
                if let Some(value) = value.or_else(|| json_to_toml(v)) {
                    table.insert(k, value);
                }
            }
            toml::Value::Table(table)
        }
    })
}

pub(crate) fn date_of(dt: &toml::value::Datetime) -> Option<NaiveDate> {
    let d = dt.date?;
    if dt.time.is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

pub(crate) fn build(file: RuleFile, src: &Source<'_>) -> Result<RuleSet, RuleError> {
    let err = |kind, path: String, at| Err(RuleError::new(kind, path, at));

    let meta = &file.ruleset;
    let Some(effective_from) = date_of(meta.effective_from.get_ref()) else {
        return err(
            RuleErrorKind::Syntax {
                message: "effective_from must be a date (YYYY-MM-DD)".into(),
            },
            "ruleset.effective_from".into(),
            src.at_span(&meta.effective_from),
        );
    };

    let schema = build_schema(&file, src)?;
    let id_index = schema.index_of(file.schema.id.get_ref()).unwrap_or(0);

    // Tiers: at least one; names unique; the last is the catch-all (no
    // min_score); scored tiers strictly descending so each can be reached.
    if file.tiers.is_empty() {
        return err(
            RuleErrorKind::InvalidTiers {
                message: "declare at least one [[tier]]".into(),
            },
            "tier".into(),
            None,
        );
    }
    let mut tiers = Vec::with_capacity(file.tiers.len());
    let mut seen = HashSet::new();
    let mut last_min: Option<i64> = None;
    for (i, t) in file.tiers.iter().enumerate() {
        let name = t.name.get_ref();
        let path = format!("tier[{name}]");
        if !seen.insert(name.clone()) {
            return err(
                RuleErrorKind::DuplicateId { id: name.clone() },
                path,
                src.at_span(&t.name),
            );
        }
        let is_last = i + 1 == file.tiers.len();
        match (t.min_score, is_last) {
            (Some(_), true) => {
                return err(
                    RuleErrorKind::InvalidTiers {
                        message:
                            "the last tier catches every remaining score: remove its min_score"
                                .into(),
                    },
                    path,
                    src.at_span(&t.name),
                );
            }
            (Some(m), false) => {
                if last_min.is_some_and(|l| m >= l) {
                    return err(
                        RuleErrorKind::InvalidTiers {
                            message: format!(
                                "tier `{name}` can never be reached: min_score must be lower than the tier above"
                            ),
                        },
                        path,
                        src.at_span(&t.name),
                    );
                }
                last_min = Some(m);
            }
            (None, _) => {}
        }
        tiers.push(Tier {
            name: Arc::from(name.as_str()),
            min_score: t.min_score,
        });
    }
    let tier_index = |name: &Spanned<String>, path: String| -> Result<usize, RuleError> {
        tiers
            .iter()
            .position(|t| &*t.name == name.get_ref().as_str())
            .ok_or_else(|| {
                let suggestion =
                    did_you_mean(name.get_ref(), tiers.iter().map(|t| &*t.name)).map(str::to_owned);
                RuleError::new(
                    RuleErrorKind::UnknownTier {
                        name: name.get_ref().clone(),
                        suggestion,
                    },
                    path,
                    src.at_span(name),
                )
            })
    };
    let condition = |when: &Spanned<String>, path: &str| -> Result<CompiledExpr, RuleError> {
        expr::compile_condition(when.get_ref(), &schema).map_err(|e| {
            RuleError::new(
                RuleErrorKind::Expr(e.kind.clone()),
                path,
                src.at_expr(when, &e),
            )
        })
    };

    let mut overrides = Vec::with_capacity(file.overrides.len());
    let mut seen = HashSet::new();
    for o in &file.overrides {
        let id = o.id.get_ref();
        let path = format!("override[{id}]");
        if !seen.insert(id.clone()) {
            return err(
                RuleErrorKind::DuplicateId { id: id.clone() },
                path,
                src.at_span(&o.id),
            );
        }
        let when = condition(&o.when, &format!("{path}.when"))?;
        let tier = tier_index(&o.tier, format!("{path}.tier"))?;
        overrides.push(Override {
            id: Arc::from(id.as_str()),
            when,
            tier,
            reason: Arc::from(o.reason.as_str()),
        });
    }

    let mut rules = Vec::with_capacity(file.rules.len());
    let mut seen = HashSet::new();
    for r in &file.rules {
        let id = r.id.get_ref();
        let path = format!("rule[{id}]");
        if !seen.insert(id.clone()) {
            return err(
                RuleErrorKind::DuplicateId { id: id.clone() },
                path,
                src.at_span(&r.id),
            );
        }
        let invalid = |message: &str| {
            Err(RuleError::new(
                RuleErrorKind::InvalidRule {
                    message: message.into(),
                },
                path.clone(),
                src.at_span(&r.id),
            ))
        };
        let bands = match (&r.when, &r.bands) {
            (Some(when), None) => {
                let (Some(points), Some(reason)) = (r.points, &r.reason) else {
                    return invalid("a rule with `when` needs `points` and `reason`");
                };
                vec![Band {
                    when: condition(when, &format!("{path}.when"))?,
                    points,
                    reason: Arc::from(reason.as_str()),
                }]
            }
            (None, Some(bands)) => {
                if r.points.is_some() || r.reason.is_some() {
                    return invalid(
                        "a rule with `bands` gives points and reason in each band, not on the rule",
                    );
                }
                if bands.get_ref().is_empty() {
                    return invalid("`bands` is empty");
                }
                let mut compiled = Vec::with_capacity(bands.get_ref().len());
                for (i, b) in bands.get_ref().iter().enumerate() {
                    let when = condition(&b.when, &format!("{path}.bands[{}].when", i + 1))?;
                    compiled.push(Band {
                        when,
                        points: b.points,
                        reason: Arc::from(b.reason.as_str()),
                    });
                }
                if let Some((band, why)) = first_unreachable_band(&compiled) {
                    let at = bands
                        .get_ref()
                        .get(band)
                        .map(|b| src.at_span(&b.when))
                        .unwrap_or_else(|| src.at_span(bands));
                    return err(
                        RuleErrorKind::UnreachableBand {
                            band: band + 1,
                            why,
                        },
                        format!("{path}.bands[{}]", band + 1),
                        at,
                    );
                }
                compiled
            }
            (Some(_), Some(_)) => return invalid("a rule has either `when` or `bands`, not both"),
            (None, None) => {
                return invalid("a rule needs `when` (with points and reason) or `bands`");
            }
        };
        rules.push(Rule {
            id: Arc::from(id.as_str()),
            description: Arc::from(r.description.as_str()),
            bands,
        });
    }

    check_safeguarding(&file, &schema, &overrides, &tiers, src)?;

    let mut tests = Vec::with_capacity(file.tests.len());
    let mut seen = HashSet::new();
    for t in &file.tests {
        let name = t.name.get_ref();
        let path = format!("test[{name}]");
        if !seen.insert(name.clone()) {
            return err(
                RuleErrorKind::DuplicateId { id: name.clone() },
                path,
                src.at_span(&t.name),
            );
        }
        let row = row_from_toml(&schema, &t.row).map_err(|e| {
            RuleError::new(
                RuleErrorKind::InvalidTestRow(e.to_string()),
                format!("{path}.row"),
                src.at_span(&t.name),
            )
        })?;
        let today = match &t.today {
            Some(d) => date_of(d).ok_or_else(|| {
                RuleError::new(
                    RuleErrorKind::Syntax {
                        message: "today must be a date".into(),
                    },
                    format!("{path}.today"),
                    src.at_span(&t.name),
                )
            })?,
            None => effective_from,
        };
        tests.push(RuleTest {
            name: name.clone(),
            row,
            today,
            expect: t.expect.clone(),
        });
    }

    Ok(RuleSet::from_inner(Inner {
        name: meta.name.clone(),
        version: meta.version.clone(),
        effective_from,
        description: meta.description.clone(),
        top_reasons: usize::try_from(meta.top_reasons).unwrap_or(usize::MAX),
        schema,
        id_index,
        tiers,
        overrides,
        rules,
        tests,
    }))
}

fn build_schema(file: &RuleFile, src: &Source<'_>) -> Result<Schema, RuleError> {
    let spec = &file.schema;
    let mut fields = Vec::with_capacity(spec.fields.len());
    for (name, field) in &spec.fields {
        let path = format!("schema.fields.{name}");
        let at = src.at_span(field);
        let invalid = |message: String| {
            RuleError::new(RuleErrorKind::InvalidField { message }, path.clone(), at)
        };
        let field = declared_field(name, field.get_ref()).map_err(|p| match p {
            FieldProblem::UnknownType(name) => {
                RuleError::new(RuleErrorKind::UnknownType { name }, path.clone(), at)
            }
            FieldProblem::Invalid(message) => invalid(message),
        })?;
        fields.push(field);
    }

    let id = find_role(&fields, src, &spec.id, "id", &|t| {
        matches!(t, Type::Str | Type::Int)
    })?;
    if let Some(f) = fields.get_mut(id) {
        f.role = Some(FieldRole::Id);
        if f.nullable {
            return Err(RuleError::new(
                RuleErrorKind::InvalidRole {
                    message: "the id field cannot be nullable".into(),
                },
                "schema.id",
                src.at_span(&spec.id),
            ));
        }
    }
    if let Some(s) = &spec.safeguarding {
        let i = find_role(&fields, src, s, "safeguarding", &|t| *t == Type::Bool)?;
        if let Some(f) = fields.get_mut(i) {
            f.role = Some(FieldRole::Safeguarding);
        }
    }
    Schema::new(fields).map_err(|name| {
        RuleError::new(
            RuleErrorKind::DuplicateId { id: name },
            "schema.fields",
            None,
        )
    })
}

/// The position of the field a schema role (`id`, `safeguarding`) names.
fn find_role(
    fields: &[Field],
    src: &Source<'_>,
    wanted: &Spanned<String>,
    what: &str,
    ok: &dyn Fn(&Type) -> bool,
) -> Result<usize, RuleError> {
    let path = format!("schema.{what}");
    let at = src.at_span(wanted);
    let Some(i) = fields.iter().position(|f| &f.name == wanted.get_ref()) else {
        let suggestion = did_you_mean(wanted.get_ref(), fields.iter().map(|f| f.name.as_str()));
        let hint = suggestion
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(RuleError::new(
            RuleErrorKind::InvalidRole {
                message: format!("{what} field `{}` is not declared{hint}", wanted.get_ref()),
            },
            path,
            at,
        ));
    };
    if fields.get(i).is_some_and(|f| !ok(&f.ty)) {
        return Err(RuleError::new(
            RuleErrorKind::InvalidRole {
                message: format!("the {what} field has the wrong type"),
            },
            path,
            at,
        ));
    }
    Ok(i)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A rule set whose schema has a safeguarding flag must send every flagged
/// row to the top tier. Checked semantically: the override must be true when
/// the flag is true and *every other field is unknown*. Under three-valued
/// logic that means it is true whatever the other fields hold.
fn check_safeguarding(
    file: &RuleFile,
    schema: &Schema,
    overrides: &[Override],
    tiers: &[Tier],
    src: &Source<'_>,
) -> Result<(), RuleError> {
    let Some(flag) = schema.safeguarding_field() else {
        return Ok(());
    };
    let flag_index = schema.index_of(&flag.name).unwrap_or(usize::MAX);
    let mut row = vec![Value::Null; schema.fields().len()];
    if let Some(slot) = row.get_mut(flag_index) {
        *slot = Value::Bool(true);
    }
    // No date is special here; any fixed day gives the same answer for a
    // condition that must hold whatever the other fields are.
    let ctx = EvalContext {
        today: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
    };
    // The first override that fires decides the tier, so the check walks
    // them in order: one sending flagged rows elsewhere first is also wrong.
    for o in overrides {
        match o.when.truth(&row, &ctx) {
            Truth::True if o.tier == 0 => return Ok(()),
            Truth::True => break,
            _ => {}
        }
    }
    let top_tier = tiers
        .first()
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    Err(RuleError::new(
        RuleErrorKind::MissingSafeguardingOverride {
            field: flag.name.clone(),
            top_tier,
        },
        "override",
        file.schema
            .safeguarding
            .as_ref()
            .and_then(|s| src.at_span(s)),
    ))
}

/// Why a declared field cannot be used.
pub(crate) enum FieldProblem {
    /// A type name the language does not have.
    UnknownType(String),
    /// Anything else, described.
    Invalid(String),
}

/// A field declared in a file (`name = "int"` or a table), checked: a known
/// type, enum values present, unique and only on enums, an identifier name.
pub(crate) fn declared_field(name: &str, spec: &FieldSpec) -> Result<Field, FieldProblem> {
    let (ty_name, nullable, values) = match spec {
        FieldSpec::Short(t) => (t.as_str(), false, None),
        FieldSpec::Full(f) => (f.ty.as_str(), f.nullable, f.values.as_ref()),
    };
    let ty = match (ty_name, values) {
        ("enum", Some(values)) if !values.is_empty() => {
            let unique: HashSet<&String> = values.iter().collect();
            if unique.len() != values.len() {
                return Err(FieldProblem::Invalid(format!(
                    "enum field `{name}` repeats a value"
                )));
            }
            Type::Enum(values.iter().cloned().collect())
        }
        ("enum", _) => {
            return Err(FieldProblem::Invalid(format!(
                "enum field `{name}` needs a non-empty `values` list"
            )));
        }
        (_, Some(_)) => {
            return Err(FieldProblem::Invalid(format!(
                "`values` is for enum fields; `{name}` is {ty_name}"
            )));
        }
        (other, None) => {
            Type::from_name(other).ok_or_else(|| FieldProblem::UnknownType(other.to_owned()))?
        }
    };
    if !is_identifier(name) {
        return Err(FieldProblem::Invalid(format!(
            "field name `{name}` must be letters, digits and _ (not starting with a digit)"
        )));
    }
    Ok(Field {
        name: name.to_owned(),
        ty,
        nullable,
        role: None,
    })
}
