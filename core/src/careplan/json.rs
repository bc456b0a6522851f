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
///
/// 2 (2026-12-02): histories carry the head of their hash chain, and SQLite
/// stores keep each event's link and every plan's head. Version-1 JSON
/// histories (no head) are still read, replayed and checked as before;
/// version-1 SQLite files are upgraded in place when opened.
pub const SCHEMA_VERSION: u64 = 2;

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
    /// The head of the events' hash chain (from version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    head: Option<String>,
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

/// Reads `text` as a `T`, reporting damage by where and what, never by the
/// text: the element path (`events[3].change`), the kind of damage, and the
/// line and column where the parser knows them.
fn parse<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T, CarePlanError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| corrupt(what, &schema_path(e.path(), e.inner()), e.inner()))?;
    deserializer.end().map_err(|e| corrupt(what, "", &e))?;
    Ok(value)
}

/// The path to the failing element in the schema's own terms. Every key on
/// it was matched against the schema, except the last one of an unknown
/// field or word, which is the document's text and is left off.
fn schema_path(path: &serde_path_to_error::Path, e: &serde_json::Error) -> String {
    use serde_path_to_error::Segment;
    let message = e.to_string();
    let mut segments: Vec<&Segment> = path.iter().collect();
    let last_is_document_text = match segments.last() {
        Some(Segment::Enum { .. }) => message.starts_with("unknown variant"),
        Some(_) => message.starts_with("unknown field"),
        None => false,
    };
    if last_is_document_text {
        segments.pop();
    }
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

fn corrupt(what: &'static str, path: &str, e: &serde_json::Error) -> CarePlanError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends too soon",
        Category::Data => "does not match the care-plan schema",
    };
    // serde's own message can quote the document (an unknown variant is a
    // value; an unknown field is a key the document chose), so only the
    // kind of mismatch is taken from it, and a missing field's name, which
    // comes from the schema.
    let message = e.to_string();
    let mismatch = if let Some(rest) = message.strip_prefix("missing field `") {
        let name: String = rest.chars().take_while(|c| *c != '`').collect();
        let plain = name.len() <= 64 && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if plain {
            format!(": missing field `{name}`")
        } else {
            ": a missing field".to_owned()
        }
    } else if message.starts_with("unknown field") {
        ": a field the schema does not have".to_owned()
    } else if message.starts_with("unknown variant") {
        ": a word that is not one of its kind".to_owned()
    } else if message.starts_with("invalid type") {
        ": a value of the wrong type".to_owned()
    } else if message.starts_with("invalid value") || message.starts_with("invalid length") {
        ": a value out of range".to_owned()
    } else {
        String::new()
    };
    // The path is made of the schema's own keys and indexes: a document key
    // the schema does not know fails before it joins the path.
    let at_path = if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    let position = if e.line() == 0 {
        String::new()
    } else {
        format!(" (line {} column {})", e.line(), e.column())
    };
    CarePlanError::new(CarePlanErrorKind::CorruptRecord {
        what,
        detail: format!("{kind}{mismatch}{at_path}{position}"),
    })
}

fn read<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T, CarePlanError> {
    let probe: Probe = serde_json::from_str(text).map_err(|e| corrupt(what, "", &e))?;
    match probe.schema_version {
        None => Err(CarePlanError::new(CarePlanErrorKind::CorruptRecord {
            what,
            detail: "has no schema_version".to_owned(),
        })),
        // No carecoord ever wrote version 0: that is damage, not the future.
        Some(0) => Err(CarePlanError::new(CarePlanErrorKind::CorruptRecord {
            what,
            detail: "has schema_version 0".to_owned(),
        })),
        Some(found) if found > SCHEMA_VERSION => Err(CarePlanError::new(
            CarePlanErrorKind::UnsupportedSchemaVersion {
                what,
                found,
                supported: SCHEMA_VERSION,
            },
        )),
        Some(_) => parse(text, what),
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
    /// The history as versioned JSON:
    /// `{"schema_version":2,"plan_id":…,"events":[…],"head":…}`, where `head`
    /// closes the events' hash chain (see [`head`](Self::head)).
    pub fn to_json(&self) -> Result<String, CarePlanError> {
        write(&HistoryDocument {
            schema_version: SCHEMA_VERSION,
            plan_id: self.id().to_owned(),
            events: self.events().to_vec(),
            head: Some(self.head()?),
        })
    }

    /// Reads a history written by [`to_json`](Self::to_json), replaying and
    /// checking every event and its hash chain: an event edited, removed or
    /// added by hand is [`CorruptRecord`](CarePlanErrorKind::CorruptRecord).
    pub fn from_json(text: &str) -> Result<Self, CarePlanError> {
        let document: HistoryDocument = read(text, "plan history")?;
        // The plan id is the document's: one that is not an id is damage.
        Self::new(&document.plan_id).map_err(|_| {
            CarePlanError::new(CarePlanErrorKind::CorruptRecord {
                what: "plan history",
                detail: "its plan_id is not an id".to_owned(),
            })
        })?;
        let head = match (document.schema_version, document.head) {
            (1, None) => None,
            (_, Some(head)) => Some(head),
            (_, None) => {
                return Err(CarePlanError::new(CarePlanErrorKind::CorruptRecord {
                    what: "plan history",
                    detail: "has no head for its hash chain".to_owned(),
                }));
            }
        };
        let history = Self::from_events(&document.plan_id, document.events)?;
        if head.is_some_and(|head| head != history.head().unwrap_or_default()) {
            return Err(CarePlanError::in_plan(
                CarePlanErrorKind::CorruptRecord {
                    what: "plan history",
                    detail: "its events do not match its head: one was changed, removed or added"
                        .to_owned(),
                },
                &document.plan_id,
            ));
        }
        Ok(history)
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
        parse(text, "change")
    }
}
