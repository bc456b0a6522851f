//! A plan store in an SQLite file (cargo feature `sqlite`, SQLite bundled):
//! offline on a phone, one file for the demo, and the same file readable from
//! Rust, Python, Kotlin and Swift.
//!
//! One table, `careplan_events (plan_id, version, schema_version, event)`,
//! keyed by plan and version. An append runs in an `IMMEDIATE` transaction
//! (the write lock is taken before the version is read), so the version
//! check and the insert are one atomic step even with several connections
//! or processes on the same file; the primary key is a second guard.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

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

    fn init(connection: Connection) -> Result<Self, CarePlanError> {
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| storage(&e))?;
        let version: i64 = connection
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
        connection
            .execute_batch(&format!(
                "BEGIN IMMEDIATE;
                 CREATE TABLE IF NOT EXISTS careplan_events (
                     plan_id TEXT NOT NULL,
                     version INTEGER NOT NULL,
                     schema_version INTEGER NOT NULL,
                     event TEXT NOT NULL,
                     PRIMARY KEY (plan_id, version)
                 ) WITHOUT ROWID;
                 PRAGMA user_version = {SCHEMA_VERSION};
                 COMMIT;"
            ))
            .map_err(|e| storage(&e))?;
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

fn read_history(
    connection: &Connection,
    plan_id: &str,
) -> Result<Option<PlanHistory>, CarePlanError> {
    let mut statement = connection
        .prepare_cached(
            "SELECT version, schema_version, event FROM careplan_events
             WHERE plan_id = ?1 ORDER BY version",
        )
        .map_err(|e| storage(&e))?;
    let rows = statement
        .query_map(params![plan_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| storage(&e))?;
    let mut events = Vec::new();
    for row in rows {
        let (version, schema_version, text) = row.map_err(|e| storage(&e))?;
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
            return Err(CarePlanError::in_plan(
                CarePlanErrorKind::CorruptRecord {
                    what: "event",
                    detail: format!("row for version {version} holds another version"),
                },
                plan_id,
            ));
        }
        events.push(event);
    }
    if events.is_empty() {
        return Ok(None);
    }
    PlanHistory::from_events(plan_id, events).map(Some)
}

impl PlanStore for SqliteStore {
    fn load(&self, plan_id: &str) -> Result<PlanHistory, CarePlanError> {
        let connection = self.lock()?;
        read_history(&connection, plan_id)?
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
            for event in events {
                let version = i64::try_from(event.version).map_err(|_| {
                    CarePlanError::in_plan(
                        CarePlanErrorKind::InvalidValue {
                            field: "version",
                            expected: "must fit in a signed 64-bit integer",
                        },
                        plan_id,
                    )
                })?;
                let schema = i64::try_from(SCHEMA_VERSION).unwrap_or(1);
                insert
                    .execute(params![plan_id, version, schema, event.to_json()?])
                    .map_err(|e| storage(&e))?;
            }
        }
        // Dropping the transaction without commit rolls it back: on any error
        // above nothing is written.
        transaction.commit().map_err(|e| storage(&e))?;
        Ok(next.version())
    }

    fn plan_ids(&self) -> Result<Vec<String>, CarePlanError> {
        let connection = self.lock()?;
        let mut statement = connection
            .prepare_cached("SELECT DISTINCT plan_id FROM careplan_events ORDER BY plan_id")
            .map_err(|e| storage(&e))?;
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| storage(&e))?;
        ids.collect::<Result<Vec<_>, _>>().map_err(|e| storage(&e))
    }
}
