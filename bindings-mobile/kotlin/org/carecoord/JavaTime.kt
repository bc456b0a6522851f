// Conversions between carecoord's records and java.time, shipped beside the
// generated bindings. Conversions only: every rule lives in the Rust core.
package org.carecoord

import org.carecoord.core.*

/** This date as a carecoord [CalendarDate]. */
fun java.time.LocalDate.toCalendarDate(): CalendarDate = CalendarDate(year, monthValue, dayOfMonth)

/** This date as a [java.time.LocalDate]; throws [java.time.DateTimeException] if impossible. */
fun CalendarDate.toLocalDate(): java.time.LocalDate = java.time.LocalDate.of(year, month, day)

/** This wall time as a carecoord [LocalDateTime] (seconds kept, nanoseconds dropped). */
fun java.time.LocalDateTime.toCarecoord(): LocalDateTime =
    LocalDateTime(toLocalDate().toCalendarDate(), hour, minute, second)

/** This wall time as a [java.time.LocalDateTime]; throws [java.time.DateTimeException] if impossible. */
fun LocalDateTime.toJavaTime(): java.time.LocalDateTime =
    java.time.LocalDateTime.of(date.year, date.month, date.day, hour, minute, second)
