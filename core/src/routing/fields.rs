//! A referral from named values, as Python dictionaries and Kotlin maps give
//! them: which names are referral fields, which are the directory's extra
//! fields, and which are mistakes, decided once for every language.

use chrono::{DateTime, Utc};

use crate::caseload::record::coerce;
use crate::expr::{Field, Type, Value};

use super::directory::Directory;
use super::error::{ReferralError, ReferralErrorKind as RK};
use super::load::field;
use super::route::Referral;

impl Referral {
    /// The name under which callers give [`at`](Referral::at) beside the
    /// other fields. It is not a field of the directory's schema: a field
    /// value is never an instant, so bindings convert it on its own.
    pub const AT: &'static str = "at";
}

impl Directory {
    /// The extra fields the directory's criteria read (beyond the built-in
    /// referral fields `id` … `consent`), in the order of the directory's
    /// schema (by name).
    pub fn extra_fields(&self) -> &[Field] {
        self.schema()
            .fields()
            .get(field::BUILT_IN..)
            .unwrap_or_default()
    }

    /// A referral from `(name, value)` pairs made at `at`: the built-in
    /// fields (`id`, `age`, `sex`, `district`, `pcn`, `practice`, `needs`,
    /// `urgency`, `consent`) and any of the directory's
    /// [`extra_fields`](Self::extra_fields).
    ///
    /// Every value is checked against its field (an int for a float field
    /// and `YYYY-MM-DD` text for a date are taken). A name that is no field
    /// is refused, not ignored: a misspelt field must not silently leave a
    /// criterion unknown. When several are unknown the first in alphabetical
    /// order is named, so the error does not depend on the caller's map order.
    ///
    /// ```
    /// use carecoord::expr::Value;
    /// use carecoord::routing::Directory;
    ///
    /// let d = Directory::from_path("../examples/routing/directory.toml")?;
    /// let at = "2026-11-23T11:40:00Z".parse().unwrap();
    /// let fields = vec![
    ///     ("id".to_owned(), Value::str("R1")),
    ///     ("age".to_owned(), Value::Int(84)),
    ///     ("sex".to_owned(), Value::str("female")),
    ///     ("district".to_owned(), Value::str("LS6")),
    ///     ("needs".to_owned(), Value::list(["loneliness"])),
    ///     ("urgency".to_owned(), Value::str("routine")),
    ///     ("consent".to_owned(), Value::str("given")),
    /// ];
    /// let referral = d.referral(fields.clone(), at)?;
    /// assert_eq!(referral.age, 84);
    ///
    /// let mut misspelt = fields;
    /// misspelt.push(("urgncy".to_owned(), Value::str("urgent")));
    /// assert_eq!(d.referral(misspelt, at).unwrap_err().code(), "referral.unknown_field");
    /// # Ok::<(), carecoord::Error>(())
    /// ```
    pub fn referral(
        &self,
        fields: impl IntoIterator<Item = (String, Value)>,
        at: DateTime<Utc>,
    ) -> Result<Referral, ReferralError> {
        let schema = self.schema();
        let mut row = vec![Value::Null; field::BUILT_IN];
        let mut extra = Vec::new();
        for (name, value) in fields {
            match schema.index_of(&name).and_then(|i| row.get_mut(i)) {
                Some(slot) => *slot = value,
                // Extra fields, and names that are no field at all.
                None => extra.push((name, value)),
            }
        }
        super::route::check_extra_names(schema, &extra)?;
        // Each built-in field checked against its declared type: after this
        // the match arms below see only the type the schema allows. Text in
        // a word field (sex, urgency, consent) is left to the word's own
        // parser, which names the words allowed.
        let mut take = |i: usize| -> Result<Value, ReferralError> {
            let (Some(f), Some(slot)) = (schema.fields().get(i), row.get_mut(i)) else {
                return Err(ReferralError::new(RK::Internal));
            };
            match (&f.ty, std::mem::replace(slot, Value::Null)) {
                (Type::Enum(_), text @ Value::Str(_)) => Ok(text),
                (_, value) => coerce(f, value).map_err(|e| ReferralError::new(RK::Record(e))),
            }
        };
        let text = |v: Value| match v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        };
        let referral = Referral {
            id: text(take(field::ID)?).unwrap_or_default(),
            age: match take(field::AGE)? {
                Value::Int(n) => n,
                _ => 0,
            },
            sex: text(take(field::SEX)?).unwrap_or_default().parse()?,
            district: text(take(field::DISTRICT)?).unwrap_or_default(),
            pcn: text(take(field::PCN)?),
            practice: text(take(field::PRACTICE)?),
            needs: match take(field::NEEDS)? {
                Value::List(items) => items.iter().map(|n| n.to_string()).collect(),
                _ => Vec::new(),
            },
            urgency: text(take(field::URGENCY)?).unwrap_or_default().parse()?,
            consent: text(take(field::CONSENT)?).unwrap_or_default().parse()?,
            at,
            extra,
        };
        Ok(referral)
    }
}
