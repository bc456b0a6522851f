//! What a new version of a rule set would change on a caseload, and the
//! registry that picks the version in force on a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::expr::{EvalContext, Value};

use super::error::RecordError;
use super::ruleset::RuleSet;

/// How many patients move from one tier to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierMove {
    /// The tier under the old rules.
    pub from: String,
    /// The tier under the new rules.
    pub to: String,
    /// How many patients.
    pub patients: usize,
}

/// How a rule differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleChange {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with different conditions, points or reasons.
    Changed,
    /// In both, the same.
    Unchanged,
}

impl RuleChange {
    /// `added`, `removed`, `changed` or `unchanged`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
            Self::Unchanged => "unchanged",
        }
    }
}

/// One rule's part in the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleImpact {
    /// The rule.
    pub rule_id: String,
    /// How it differs between the versions.
    pub change: RuleChange,
    /// Patients who moved tier and whose points from this rule differ.
    pub moved_patients: usize,
    /// All patients whose points from this rule differ.
    pub all_patients: usize,
}

/// What replacing `old` by `new` would do to a caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactReport {
    /// Patients assessed.
    pub patients: usize,
    /// Patients whose tier changes.
    pub moved: usize,
    /// Every (from, to) pair with at least one patient, in tier order of
    /// the old rules then the new; unchanged tiers included (from == to).
    pub matrix: Vec<TierMove>,
    /// Every rule of either version, changed rules first, then by how many
    /// moved patients they account for.
    pub rules: Vec<RuleImpact>,
}

/// Points each rule gives a row, by rule id.
fn points_by_rule(rules: &RuleSet, row: &[Value], ctx: &EvalContext) -> BTreeMap<String, i64> {
    let inner = rules.inner();
    rules
        .fired_bands(row, ctx)
        .filter_map(|(r, b)| {
            let rule = inner.rules.get(r)?;
            Some((rule.id.to_string(), rule.bands.get(b)?.points))
        })
        .collect()
}

/// A rule's definition as text, to tell changed rules from unchanged ones.
fn definition(rules: &RuleSet, id: &str) -> Option<Vec<(String, i64, String)>> {
    let rule = rules.inner().rules.iter().find(|r| &*r.id == id)?;
    Some(
        rule.bands
            .iter()
            .map(|b| (b.when.source().to_owned(), b.points, b.reason.to_string()))
            .collect(),
    )
}

/// Compares two versions of a rule set on the same caseload: how many
/// patients move tier (a from → to matrix) and which rule changes drive it.
///
/// Each record is checked against each version's schema; a record that fits
/// neither is an error naming the field.
pub fn impact<'r>(
    old: &RuleSet,
    new: &RuleSet,
    records: impl IntoIterator<Item = &'r [(String, Value)]>,
    today: NaiveDate,
) -> Result<ImpactReport, RecordError> {
    let ctx = EvalContext { today };
    let mut matrix: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut moved_by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut patients, mut moved) = (0usize, 0usize);
    for record in records {
        let pairs = || record.iter().map(|(k, v)| (k.as_str(), v.clone()));
        let (old_row, new_row) = (old.row(pairs())?, new.row(pairs())?);
        let (a, b) = (old.evaluate(&old_row, today), new.evaluate(&new_row, today));
        patients += 1;
        let tier_moved = a.tier() != b.tier();
        moved += usize::from(tier_moved);
        *matrix.entry((a.tier_index, b.tier_index)).or_default() += 1;
        let (pa, pb) = (
            points_by_rule(old, old_row.values(), &ctx),
            points_by_rule(new, new_row.values(), &ctx),
        );
        let ids: std::collections::BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
        for id in ids {
            if pa.get(id).copied().unwrap_or(0) != pb.get(id).copied().unwrap_or(0) {
                let entry = moved_by_rule.entry(id.clone()).or_default();
                entry.1 += 1;
                entry.0 += usize::from(tier_moved);
            }
        }
    }

    let old_tiers: Vec<&str> = old.tiers().collect();
    let new_tiers: Vec<&str> = new.tiers().collect();
    let matrix = matrix
        .into_iter()
        .map(|((from, to), patients)| TierMove {
            from: old_tiers.get(from).copied().unwrap_or("").to_owned(),
            to: new_tiers.get(to).copied().unwrap_or("").to_owned(),
            patients,
        })
        .collect();

    let mut ids: Vec<String> = old.rule_ids().map(str::to_owned).collect();
    for id in new.rule_ids() {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }
    let mut rules: Vec<RuleImpact> = ids
        .into_iter()
        .map(|id| {
            let change = match (definition(old, &id), definition(new, &id)) {
                (None, Some(_)) => RuleChange::Added,
                (Some(_), None) => RuleChange::Removed,
                (Some(a), Some(b)) if a != b => RuleChange::Changed,
                _ => RuleChange::Unchanged,
            };
            let (moved_patients, all_patients) = moved_by_rule.get(&id).copied().unwrap_or((0, 0));
            RuleImpact {
                rule_id: id,
                change,
                moved_patients,
                all_patients,
            }
        })
        .collect();
    rules.sort_by_key(|r| {
        (
            r.change == RuleChange::Unchanged,
            std::cmp::Reverse(r.moved_patients),
        )
    });
    Ok(ImpactReport {
        patients,
        moved,
        matrix,
        rules,
    })
}

/// Rule sets by name and version; picks the version in force on a date.
pub type RuleRegistry = crate::registry::Registry<RuleSet>;

impl crate::registry::Versioned for RuleSet {
    fn name(&self) -> &str {
        RuleSet::name(self)
    }
    fn effective_from(&self) -> NaiveDate {
        RuleSet::effective_from(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../examples/rules/frailty_priority.toml");

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn record(age: i64, efi: Option<i64>) -> Vec<(String, Value)> {
        vec![
            ("patient_id".into(), Value::str("P")),
            ("age".into(), Value::Int(age)),
            ("efi_deficits".into(), efi.into()),
            ("last_contact".into(), Value::str("2026-11-01")),
            ("safeguarding_flag".into(), Value::Bool(false)),
        ]
    }

    #[test]
    fn a_tighter_threshold_moves_patients_and_names_the_rule() {
        let old = RuleSet::from_toml(SAMPLE).unwrap();
        // Version 2 lowers the "medium" threshold from 5 to 4 and gives severe frailty 4 points.
        let v2 = SAMPLE
            .replace("version = \"1.0.0\"", "version = \"2.0.0\"")
            .replace("effective_from = 2026-04-01", "effective_from = 2027-04-01")
            .replace(
                "points = 3, reason = \"EFI_SEVERE\"",
                "points = 4, reason = \"EFI_SEVERE\"",
            );
        let new = RuleSet::from_toml(&v2).unwrap();
        let records = [
            record(86, Some(14)),
            record(60, Some(14)),
            record(60, None),
            record(90, Some(2)),
        ];
        let report = impact(&old, &new, records.iter().map(Vec::as_slice), today()).unwrap();
        assert_eq!(report.patients, 4);
        // 86 with severe frailty: 5 → 6 (medium both); 60 severe: 3 → 4 (low both). No tier moves yet.
        assert_eq!(report.moved, 0);
        let efi = report.rules.iter().find(|r| r.rule_id == "efi").unwrap();
        assert_eq!(
            (efi.change, efi.moved_patients, efi.all_patients),
            (RuleChange::Changed, 0, 2)
        );
        assert_eq!(
            report.rules.first().map(|r| r.rule_id.as_str()),
            Some("efi")
        );

        // Raise it further so that the 86-year-old crosses into "high" (8).
        let v3 = v2.replace(
            "points = 4, reason = \"EFI_SEVERE\"",
            "points = 6, reason = \"EFI_SEVERE\"",
        );
        let newer = RuleSet::from_toml(&v3).unwrap();
        let report = impact(&old, &newer, records.iter().map(Vec::as_slice), today()).unwrap();
        assert_eq!(report.moved, 2);
        assert!(report.matrix.contains(&TierMove {
            from: "medium".into(),
            to: "high".into(),
            patients: 1
        }));
        assert!(report.matrix.contains(&TierMove {
            from: "low".into(),
            to: "medium".into(),
            patients: 1
        }));
        assert!(report.matrix.contains(&TierMove {
            from: "low".into(),
            to: "low".into(),
            patients: 2
        }));
        let efi = report.rules.iter().find(|r| r.rule_id == "efi").unwrap();
        assert_eq!(efi.moved_patients, 2);
        assert!(
            report
                .rules
                .iter()
                .filter(|r| r.rule_id != "efi")
                .all(|r| r.change == RuleChange::Unchanged)
        );
    }

    #[test]
    fn registry_picks_the_version_in_force() {
        let v1 = RuleSet::from_toml(SAMPLE).unwrap();
        let v2 = RuleSet::from_toml(
            &SAMPLE
                .replace("effective_from = 2026-04-01", "effective_from = 2027-04-01")
                .replace("version = \"1.0.0\"", "version = \"2.0.0\""),
        )
        .unwrap();
        let mut registry = RuleRegistry::new();
        registry.add(v2).unwrap();
        registry.add(v1.clone()).unwrap();
        assert!(registry.add(v1).is_err());
        let on = |y, m, d| {
            registry
                .in_force(
                    "frailty_priority",
                    NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                )
                .map(|r| r.version().to_owned())
        };
        assert_eq!(on(2026, 3, 31), None);
        assert_eq!(on(2026, 4, 1).as_deref(), Some("1.0.0"));
        assert_eq!(on(2027, 3, 31).as_deref(), Some("1.0.0"));
        assert_eq!(on(2027, 4, 1).as_deref(), Some("2.0.0"));
        assert!(
            registry
                .in_force("other", NaiveDate::from_ymd_opt(2027, 4, 1).unwrap())
                .is_none()
        );
    }
}
