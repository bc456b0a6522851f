package org.carecoord

import org.carecoord.core.*

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class FoundationTest {
    @Test
    fun nhsNumberIsNeverShownByAccident() {
        val n = NhsNumber.parse("943 476 5919")
        assertEquals("NhsNumber(***)", n.toString())
        assertEquals("NhsNumber(***)", "$n")
        assertEquals("9434765919", n.digits())
        assertEquals("943 476 5919", n.formatted())
        assertEquals(NhsNumber.parse("943-476-5919"), n)
        assertEquals(NhsNumber.parse("9434765919").hashCode(), n.hashCode())
        assertTrue(nhsNumberIsValid("9434765919"))
        assertFalse(nhsNumberIsValid("9434765918"))
    }

    @Test
    fun invalidNhsNumberIsTypedAndHoldsNoDigits() {
        val e = assertThrows<CarecoordException.InvalidNhsNumber> { NhsNumber.parse("9434765918") }
        assertEquals("nhs_number.check_digit_mismatch", e.code)
        assertFalse(e.message!!.contains("943"))
        assertFalse(e.detail.contains("5918"))
    }

    @Test
    fun instantsAreJavaTimeInstants() {
        val summer = toLondon(Instant.parse("2026-07-01T09:00:00Z"))
        assertEquals("BST", summer.abbreviation)
        assertEquals(10, summer.local.hour)
        val back = fromLondon(summer.local, Disambiguation.REJECT)
        assertEquals(Instant.parse("2026-07-01T09:00:00Z"), back)
        // Sub-second precision survives the crossing.
        val precise = Instant.parse("2026-01-15T09:30:00.123456789Z")
        val wall = toLondon(precise)
        assertEquals(30, wall.local.minute)
    }

    @Test
    fun daylightSavingEdgesAreTypedErrors() {
        val gap = LocalDateTime(CalendarDate(2026, 3, 29), 1, 30, 0)
        val e = assertThrows<CarecoordException.NonexistentLocalTime> { fromLondon(gap, Disambiguation.REJECT) }
        assertEquals("time.nonexistent_local_time", e.code)
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), fromLondon(gap, Disambiguation.COMPATIBLE))
        val twice = LocalDateTime(CalendarDate(2026, 10, 25), 1, 30, 0)
        assertThrows<CarecoordException.AmbiguousLocalTime> { fromLondon(twice, Disambiguation.REJECT) }
        val lookup = lookupLondon(twice)
        assertTrue(lookup is LondonLookup.Ambiguous)
    }

    @Test
    fun impossibleDatesAreTypedErrors() {
        val e = assertThrows<CarecoordException.InvalidDate> { isBankHoliday(CalendarDate(2026, 2, 30)) }
        assertEquals("time.invalid_date", e.code)
        assertThrows<CarecoordException.InvalidDate> { isBankHoliday(CalendarDate(2026, -1, 3)) }
        assertThrows<CarecoordException.InvalidDate> {
            fromLondon(LocalDateTime(CalendarDate(2026, 2, 10), 25, 0, 0), Disambiguation.REJECT)
        }
        assertThrows<CarecoordException.OutOfRange> { bankHolidays(1990) }
    }

    @Test
    fun workingCalendarWithJavaTime() {
        val cal = WorkingCalendar(listOf(java.time.LocalDate.of(2026, 11, 25).toCalendarDate()))
        val next = cal.nextWorkingDay(CalendarDate(2026, 11, 24)).toLocalDate()
        assertEquals(java.time.LocalDate.of(2026, 11, 26), next)
        assertEquals(listOf(CalendarDate(2026, 11, 25)), cal.closures())
        val boxing = bankHolidays(2026).last()
        assertEquals("Boxing Day (substitute day)", boxing.name)
        assertNull(isBankHoliday(CalendarDate(2026, 12, 29)))
    }

    @Test
    fun errorCatalogueIsListed() {
        val codes = errorCatalogue().map { it.code }
        assertTrue("time.invalid_date" in codes)
        assertTrue("nhs_number.check_digit_ten" in codes)
    }
}
