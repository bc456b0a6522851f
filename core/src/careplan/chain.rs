//! The hash chain over a plan's events, so that an edit, a deletion or a
//! truncation of a stored history is found when it is read.
//!
//! Each event's link is `SHA-256("carecoord plan chain 1\n" ‖ previous link
//! ‖ "\n" ‖ the event's JSON)`, where the first event's previous link is
//! `plan <plan id>` (so a history cannot be moved to another plan unseen);
//! the last link is the history's *head*. The event's JSON is carecoord's
//! own serialisation (struct fields in declared order, no whitespace): it is
//! pinned by a test, because changing it would make every stored head
//! disagree. Stores keep each event's link and the head beside the events
//! (`SqliteStore`), and JSON histories carry their head.
//!
//! The chain detects damage and naive edits, not a forger who recomputes it:
//! anyone with the file can. It is an integrity control; access to the file
//! is the security control.

use sha2::{Digest, Sha256};

use super::command::Event;
use super::error::{CarePlanError, CarePlanErrorKind};

const DOMAIN: &[u8] = b"carecoord plan chain 1\n";

/// The link that follows `previous` for `event` (lower-case hex).
pub(crate) fn link(previous: &str, event: &Event) -> Result<String, CarePlanError> {
    let json = serde_json::to_vec(event).map_err(|_| {
        CarePlanError::new(CarePlanErrorKind::Storage {
            detail: "could not write an event for its hash".to_owned(),
        })
    })?;
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(&json);
    Ok(hex(&hasher.finalize()))
}

/// What the first event of `plan_id` is linked to.
pub(crate) fn genesis(plan_id: &str) -> String {
    format!("plan {plan_id}")
}

/// The head of `plan_id`'s `events`: the last link, or empty for no events.
pub(crate) fn head(plan_id: &str, events: &[Event]) -> Result<String, CarePlanError> {
    if events.is_empty() {
        return Ok(String::new());
    }
    let mut previous = genesis(plan_id);
    for event in events {
        previous = link(&previous, event)?;
    }
    Ok(previous)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            if let Some(d) = DIGITS.get(usize::from(nibble)) {
                out.push(char::from(*d));
            }
        }
    }
    out
}
