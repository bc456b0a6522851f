//! A plan store in an SQLite file (cargo feature `sqlite`, SQLite bundled):
//! offline on a phone, one file for the demo, and the same file readable from
//! Rust, Python, Kotlin and Swift.
//!
//! Two tables: `careplan_events (plan_id, version, schema_version, event,
//! chain)`, keyed by plan and version, each event with its link in the plan's
//! hash chain; and `careplan_heads (plan_id, version, head)`, each plan's last
//! version and chain head. Reading a plan checks every link and the head, so
//! an event edited, deleted or added by hand, or a truncated history, is
//! [`CorruptRecord`](CarePlanErrorKind::CorruptRecord). A version-1 file
//! (no chain) is upgraded when opened, after its histories replay.
//!
//! An append runs in an `IMMEDIATE` transaction
//! (the write lock is taken before the version is read), so the version
//! check and the insert are one atomic step even with several connections
//! or processes on the same file; the primary key is a second guard.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use super::chain;
use super::command::Event;
use super::error::{CarePlanError, CarePlanErrorKind};
use super::history::PlanHistory;
use super::json::SCHEMA_VERSION;
use super::store::{PlanStore, checked_append};

/// A [`PlanStore`] in an SQLite database.
///
/// ```
/// use carecoord::careplan::{PlanStore, SqliteStore};
///
/// let store = SqliteStore::in_memory()?;
/// assert!(store.plan_ids()?.is_empty());
/// # Ok::<(), carecoord::careplan::CarePlanError>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

/// What failed in SQLite, by error code only: SQLite messages can quote SQL
/// or values.
fn storage(e: &rusqlite::Error) -> CarePlanError {
    let detail = match e.sqlite_error_code() {
        Some(code) => format!("SQLite error {code:?}"),
        None => "SQLite could not read or write a value".to_owned(),
    };
    CarePlanError::new(CarePlanErrorKind::Storage { detail })
}

impl SqliteStore {
    /// Opens (or creates) a store in the file at `path`.
    ///
    /// SQLite reads an empty path as a private temporary database and
    /// `:memory:` (or a `file:` URI) as one in memory: everything written
    /// there is lost when the store closes. Those are refused here
    /// (`careplan.storage`); use [`in_memory`](Self::in_memory) to ask for a
    /// store in memory.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, CarePlanError> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        if text.trim().is_empty() || text == ":memory:" || text.starts_with("file:") {
            return Err(CarePlanError::new(CarePlanErrorKind::Storage {
                detail: "the store needs the path of a file (an empty path, `:memory:` or a \
                         `file:` URI would keep nothing)"
                    .to_owned(),
            }));
        }
        let connection = Connection::open(path).map_err(|e| storage(&e))?;
        Self::init(connection)
    }

    /// A store in memory (for tests).
    pub fn in_memory() -> Result<Self, CarePlanError> {
        let connection = Connection::open_in_memory().map_err(|e| storage(&e))?;
        Self::init(connection)
    }

    fn init(mut connection: Connection) -> Result<Self, CarePlanError> {
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| storage(&e))?;
        // The version is read under the write lock, so two processes opening
        // an old file do not both upgrade it.
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage(&e))?;
        let version: i64 = transaction
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| storage(&e))?;
        let version = u64::try_from(version).unwrap_or(u64::MAX);
        if version > SCHEMA_VERSION {
            return Err(CarePlanError::new(
                CarePlanErrorKind::UnsupportedSchemaVersion {
                    what: "SQLite plan store",
                    found: version,
                    supported: SCHEMA_VERSION,
                },
            ));
        }
        match version {
            0 => transaction
                .execute_batch(&format!("{EVENTS_TABLE} {HEADS_TABLE}"))
                .map_err(|e| storage(&e))?,
            1 => upgrade_from_1(&transaction)?,
            _ => {}
        }
        transaction
            .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))
            .map_err(|e| storage(&e))?;
        transaction.commit().map_err(|e| storage(&e))?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, CarePlanError> {
        self.connection.lock().map_err(|_| {
            CarePlanError::new(CarePlanErrorKind::Storage {
                detail: "the store's lock was poisoned by a failed writer".to_owned(),
            })
        })
    }
}

/// Events, keyed by plan and version, each with its link in the plan's hash
/// chain.
const EVENTS_TABLE: &str = "CREATE TABLE careplan_events (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    event TEXT NOT NULL,
    chain TEXT,
    PRIMARY KEY (plan_id, version)
) WITHOUT ROWID;";

/// Each plan's last version and the head of its chain: a deleted or
/// truncated history no longer matches it.
const HEADS_TABLE: &str = "CREATE TABLE careplan_heads (
    plan_id TEXT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL,
    head TEXT NOT NULL
) WITHOUT ROWID;";

/// Version 1 files had no chain: each plan's history is replayed and checked
/// as before, then its links and head are written. A history that does not
/// replay stops the upgrade (nothing is changed).
fn upgrade_from_1(connection: &Connection) -> Result<(), CarePlanError> {
    connection
        .execute_batch(&format!(
            "ALTER TABLE careplan_events ADD COLUMN chain TEXT; {HEADS_TABLE}"
        ))
        .map_err(|e| storage(&e))?;
    let ids: Vec<String> = {
        let mut statement = connection
            .prepare("SELECT DISTINCT plan_id FROM careplan_events ORDER BY plan_id")
            .map_err(|e| storage(&e))?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| storage(&e))?;
        rows.collect::<Result<_, _>>().map_err(|e| storage(&e))?
    };
    for plan_id in ids {
        let rows = read_rows(connection, &plan_id)?;
        let events: Vec<Event> = rows.into_iter().map(|(event, _)| event).collect();
        let history = PlanHistory::from_events(&plan_id, events)?;
        write_links(
            connection,
            &plan_id,
            &chain::genesis(&plan_id),
            history.events(),
        )?;
    }
    Ok(())
}

/// Writes the links of `events` (following `previous`) into their rows and
/// moves the plan's head to the last of them.
fn write_links(
    connection: &Connection,
    plan_id: &str,
    previous: &str,
    events: &[Event],
) -> Result<(), CarePlanError> {
    let mut previous = previous.to_owned();
    let mut update = connection
        .prepare_cached("UPDATE careplan_events SET chain = ?3 WHERE plan_id = ?1 AND version = ?2")
        .map_err(|e| storage(&e))?;
    let mut last = None;
    for event in events {
        let link = chain::link(&previous, event)?;
        let version = sql_version(event.version, plan_id)?;
        update
            .execute(params![plan_id, version, link])
            .map_err(|e| storage(&e))?;
        last = Some(version);
        previous = link;
    }
    if let Some(version) = last {
        connection
            .prepare_cached(
                "INSERT INTO careplan_heads (plan_id, version, head) VALUES (?1, ?2, ?3)
                 ON CONFLICT (plan_id) DO UPDATE SET version = excluded.version, head = excluded.head",
            )
            .and_then(|mut s| s.execute(params![plan_id, version, previous]))
            .map_err(|e| storage(&e))?;
    }
    Ok(())
}

fn sql_version(version: u64, plan_id: &str) -> Result<i64, CarePlanError> {
    i64::try_from(version).map_err(|_| {
        CarePlanError::in_plan(
            CarePlanErrorKind::InvalidValue {
                field: "version",
                expected: "must fit in a signed 64-bit integer",
            },
            plan_id,
        )
    })
}

fn damaged(plan_id: &str, detail: String) -> CarePlanError {
    CarePlanError::in_plan(
        CarePlanErrorKind::CorruptRecord {
            what: "plan history",
            detail,
        },
        plan_id,
    )
}

/// A plan's stored events in version order, each with its stored link.
fn read_rows(
    connection: &Connection,
    plan_id: &str,
) -> Result<Vec<(Event, Option<String>)>, CarePlanError> {
    let mut statement = connection
        .prepare_cached(
            "SELECT version, schema_version, event, chain FROM careplan_events
             WHERE plan_id = ?1 ORDER BY version",
        )
        .map_err(|e| storage(&e))?;
    let rows = statement
        .query_map(params![plan_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })
        .map_err(|e| storage(&e))?;
    let mut out = Vec::new();
    for row in rows {
        let (version, schema_version, text, link) = row.map_err(|e| storage(&e))?;
        let schema_version = u64::try_from(schema_version).unwrap_or(0);
        if schema_version > SCHEMA_VERSION {
            return Err(CarePlanError::in_plan(
                CarePlanErrorKind::UnsupportedSchemaVersion {
                    what: "event",
                    found: schema_version,
                    supported: SCHEMA_VERSION,
                },
                plan_id,
            ));
        }
        let event = Event::from_json(&text).map_err(|e| e.with_plan(plan_id))?;
        if i64::try_from(event.version).ok() != Some(version) {
            return Err(damaged(
                plan_id,
                format!("row for version {version} holds another version"),
            ));
        }
        out.push((event, link));
    }
    Ok(out)
}

/// A plan's history, its hash chain and head checked, every event replayed.
fn read_history(
    connection: &Connection,
    plan_id: &str,
) -> Result<Option<PlanHistory>, CarePlanError> {
    let rows = read_rows(connection, plan_id)?;
    let mut previous = chain::genesis(plan_id);
    let mut events = Vec::with_capacity(rows.len());
    for (event, stored) in rows {
        let link = chain::link(&previous, &event)?;
        if stored.as_deref() != Some(link.as_str()) {
            return Err(damaged(
                plan_id,
                format!(
                    "event {} does not match the hash chain: it or one before it was changed or removed",
                    event.version
                ),
            ));
        }
        previous = link;
        events.push(event);
    }
    let head: Option<(i64, String)> = connection
        .prepare_cached("SELECT version, head FROM careplan_heads WHERE plan_id = ?1")
        .and_then(|mut s| {
            s.query_map(params![plan_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .next()
                .transpose()
        })
        .map_err(|e| storage(&e))?;
    let last = events.last().map(|e| e.version);
    match (last, head) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(damaged(plan_id, "its events are missing".to_owned())),
        (Some(_), None) => Err(damaged(plan_id, "has no head record".to_owned())),
        (Some(last), Some((version, head))) => {
            if i64::try_from(last).ok() != Some(version) || head != previous {
                return Err(damaged(
                    plan_id,
                    format!(
                        "its last event (version {last}) is not its head: events were removed or added"
                    ),
                ));
            }
            PlanHistory::from_events(plan_id, events).map(Some)
        }
    }
}

impl PlanStore for SqliteStore {
    fn load(&self, plan_id: &str) -> Result<PlanHistory, CarePlanError> {
        let mut connection = self.lock()?;
        // One read transaction, so the events and the head are one snapshot
        // even while another connection appends.
        let snapshot = connection.transaction().map_err(|e| storage(&e))?;
        read_history(&snapshot, plan_id)?
            .ok_or_else(|| CarePlanError::in_plan(CarePlanErrorKind::UnknownPlan, plan_id))
    }

    fn append(
        &self,
        plan_id: &str,
        expected_version: u64,
        events: &[Event],
    ) -> Result<u64, CarePlanError> {
        let mut connection = self.lock()?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage(&e))?;
        let current = read_history(&transaction, plan_id)?;
        let next = checked_append(plan_id, current.as_ref(), expected_version, events)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO careplan_events (plan_id, version, schema_version, event)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| storage(&e))?;
            let schema = i64::try_from(SCHEMA_VERSION).unwrap_or(i64::MAX);
            for event in events {
                let version = sql_version(event.version, plan_id)?;
                insert
                    .execute(params![plan_id, version, schema, event.to_json()?])
                    .map_err(|e| storage(&e))?;
            }
        }
        let previous = match &current {
            Some(history) => history.head()?,
            None => chain::genesis(plan_id),
        };
        write_links(&transaction, plan_id, &previous, events)?;
        // Dropping the transaction without commit rolls it back: on any error
        // above nothing is written.
        transaction.commit().map_err(|e| storage(&e))?;
        Ok(next.version())
    }

    fn plan_ids(&self) -> Result<Vec<String>, CarePlanError> {
        let connection = self.lock()?;
        let mut statement = connection
            // A plan whose events were all deleted still has its head: it is
            // listed, and loading it reports the damage.
            .prepare_cached(
                "SELECT plan_id FROM careplan_events UNION SELECT plan_id FROM careplan_heads
                 ORDER BY plan_id",
            )
            .map_err(|e| storage(&e))?;
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| storage(&e))?;
        ids.collect::<Result<Vec<_>, _>>().map_err(|e| storage(&e))
    }
}
