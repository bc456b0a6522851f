//! Versioned JSON for plans, histories and events.
//!
//! Every document carries `schema_version`. A document from a newer
//! carecoord is refused with
//! [`UnsupportedSchemaVersion`](CarePlanErrorKind::UnsupportedSchemaVersion)
//! before anything else is read; a damaged one with
//! [`CorruptRecord`](CarePlanErrorKind::CorruptRecord), giving the line,
//! column and kind of damage but never the content (a parser's own message
//! can quote the text it choked on, which may be what the person said).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::command::{Change, Event};
use super::error::{CarePlanError, CarePlanErrorKind};
use super::history::PlanHistory;
use super::model::CarePlan;

/// The schema version this carecoord writes, and the newest it reads.
pub const SCHEMA_VERSION: u64 = 1;

#[derive(Deserialize)]
struct Probe {
    schema_version: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryDocument {
    schema_version: u64,
    plan_id: String,
    events: Vec<Event>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDocument {
    schema_version: u64,
    plan: CarePlan,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventDocument {
    schema_version: u64,
    event: Event,
}

fn corrupt(what: &'static str, e: &serde_json::Error) -> CarePlanError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends too soon",
        Category::Data => "does not match the care-plan schema",
    };
    // serde's messages for missing and unknown fields name only the field
    // (a key from the schema or the document's structure), never a value.
    let message = e.to_string();
    let field = ["missing field `", "unknown field `", "unknown variant `"]
        .iter()
        .find_map(|prefix| {
            let rest = message.strip_prefix(prefix)?;
            let name: String = rest.chars().take_while(|c| *c != '`').collect();
            let plain = name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            plain.then(|| format!(" ({}`{name}`)", prefix.trim_end_matches('`')))
        })
        .unwrap_or_default();
    CarePlanError::new(CarePlanErrorKind::CorruptRecord {
        what,
        detail: format!("{kind}{field} at line {} column {}", e.line(), e.column()),
    })
}

fn read<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T, CarePlanError> {
    let probe: Probe = serde_json::from_str(text).map_err(|e| corrupt(what, &e))?;
    match probe.schema_version {
        None => Err(CarePlanError::new(CarePlanErrorKind::CorruptRecord {
            what,
            detail: "has no schema_version".to_owned(),
        })),
        Some(found) if found > SCHEMA_VERSION || found == 0 => Err(CarePlanError::new(
            CarePlanErrorKind::UnsupportedSchemaVersion {
                what,
                found,
                supported: SCHEMA_VERSION,
            },
        )),
        Some(_) => serde_json::from_str(text).map_err(|e| corrupt(what, &e)),
    }
}

fn write<T: Serialize>(value: &T) -> Result<String, CarePlanError> {
    serde_json::to_string(value).map_err(|_| {
        CarePlanError::new(CarePlanErrorKind::Storage {
            detail: "could not write JSON".to_owned(),
        })
    })
}

impl PlanHistory {
    /// The history as versioned JSON: `{"schema_version":1,"plan_id":…,"events":[…]}`.
    pub fn to_json(&self) -> Result<String, CarePlanError> {
        write(&HistoryDocument {
            schema_version: SCHEMA_VERSION,
            plan_id: self.id().to_owned(),
            events: self.events().to_vec(),
        })
    }

    /// Reads a history written by [`to_json`](Self::to_json), replaying and
    /// checking every event.
    pub fn from_json(text: &str) -> Result<Self, CarePlanError> {
        let document: HistoryDocument = read(text, "plan history")?;
        Self::from_events(&document.plan_id, document.events)
    }
}

impl CarePlan {
    /// The plan as versioned JSON: `{"schema_version":1,"plan":{…}}`. The same
    /// history always gives the same bytes.
    pub fn to_json(&self) -> Result<String, CarePlanError> {
        write(&PlanDocument {
            schema_version: SCHEMA_VERSION,
            plan: self.clone(),
        })
    }

    /// Reads a plan written by [`to_json`](Self::to_json). A plan snapshot is
    /// for reading and exchange; its history is the record.
    pub fn from_json(text: &str) -> Result<Self, CarePlanError> {
        read::<PlanDocument>(text, "plan").map(|d| d.plan)
    }
}

impl Event {
    /// One event as versioned JSON, `{"schema_version":1,"event":{…}}`
    /// (how stores keep events).
    pub fn to_json(&self) -> Result<String, CarePlanError> {
        write(&EventDocument {
            schema_version: SCHEMA_VERSION,
            event: self.clone(),
        })
    }

    /// Reads one event written by [`to_json`](Self::to_json).
    pub fn from_json(text: &str) -> Result<Self, CarePlanError> {
        read::<EventDocument>(text, "event").map(|d| d.event)
    }
}

impl Change {
    /// The change as JSON, `{"type":"add_goal",…}`: for queues of changes
    /// made offline and for test vectors. (Stored events carry the schema
    /// version; a change is only ever read by the same build that queued it
    /// or inside a versioned event.)
    pub fn to_json(&self) -> Result<String, CarePlanError> {
        write(self)
    }

    /// Reads a change written by [`to_json`](Self::to_json).
    ///
    /// ```
    /// use carecoord::careplan::Change;
    /// let change = Change::from_json(r#"{"type":"remove_risk","id":"risk-1"}"#)?;
    /// assert_eq!(change.kind(), "remove_risk");
    /// # Ok::<(), carecoord::careplan::CarePlanError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, CarePlanError> {
        serde_json::from_str(text).map_err(|e| corrupt("change", &e))
    }
}
