package org.carecoord

import org.carecoord.core.*

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ConflictsTest {
    private fun diary(): Diary {
        val d = Diary(30.0, 10.0)
        val weekdays = (1..5).map { OpeningWindow(it.toUByte(), "08:00", "18:30") }
        d.addLocation("surgery", 53.8008, -1.5491, OpeningHours(weekdays, false, listOf(CalendarDate(2026, 11, 25))))
        d.addLocation("hospital", 53.9, -1.55, null)
        d.addResource("dr_a", ResourceKind.CLINICIAN, 1u)
        return d
    }

    private fun appt(
        id: String,
        patient: String,
        start: String,
        end: String,
        location: String = "surgery",
        resources: List<String> = emptyList(),
        status: AppointmentStatus = AppointmentStatus.BOOKED,
    ) = Appointment(id, patient, resources, location, Instant.parse(start), Instant.parse(end), status, null, null)

    @Test
    fun everyClashIsNamedAndTouchingIsFine() {
        val d = diary()
        d.add(appt("A1", "p1", "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z", resources = listOf("dr_a")))
        val c = d.check(appt("A2", "p1", "2026-11-23T10:15:00Z", "2026-11-23T10:45:00Z", resources = listOf("dr_a")))
        assertEquals(listOf(ConflictKind.PATIENT_OVERLAP, ConflictKind.RESOURCE_OVERLAP), c.map { it.kind })
        assertEquals(listOf("A1"), c[0].others)
        assertEquals(Severity.BLOCK, c[0].severity)
        assertTrue(c[0].detail.contains("Mon 23 Nov 2026 10:00–10:30 GMT"), c[0].detail)
        assertTrue(d.check(appt("A3", "p1", "2026-11-23T10:30:00Z", "2026-11-23T11:00:00Z")).isEmpty())
        val cancelled = appt("A4", "p1", "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z", status = AppointmentStatus.CANCELLED)
        assertTrue(d.check(cancelled).isEmpty())
        assertEquals(1uL, d.size())
    }

    @Test
    fun travelHoursAndBankHolidays() {
        val d = diary()
        d.add(appt("A1", "p1", "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z"))
        val travel = d.check(appt("A2", "p1", "2026-11-23T10:45:00Z", "2026-11-23T11:15:00Z", location = "hospital"))
        assertEquals(listOf(ConflictKind.TRAVEL), travel.map { it.kind })
        val late = d.check(appt("A3", "p2", "2026-11-23T18:15:00Z", "2026-11-23T18:45:00Z"))
        assertEquals(listOf(ConflictKind.OUTSIDE_OPENING_HOURS), late.map { it.kind })
        val xmas = d.check(appt("A4", "p2", "2026-12-25T10:00:00Z", "2026-12-25T10:30:00Z"))
        assertEquals(listOf(ConflictKind.BANK_HOLIDAY), xmas.map { it.kind })
        d.add(appt("A5", "p1", "2026-11-23T10:15:00Z", "2026-11-23T10:20:00Z"))
        assertEquals(listOf(ConflictPair(ConflictKind.PATIENT_OVERLAP, Severity.BLOCK, "A1", "A5", null)), d.findAll())
        d.remove("A5")
        assertTrue(d.findAll().isEmpty())
    }

    @Test
    fun badAppointmentsAreTypedErrorsWithoutPatientData() {
        val d = diary()
        val e = assertThrows<CarecoordException.InvalidAppointment> {
            d.check(appt("A1", "SECRET-PATIENT", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z"))
        }
        assertEquals("appointment.end_not_after_start", e.code)
        assertEquals("A1", e.appointment)
        assertFalse(e.message!!.contains("SECRET"))
        val where = assertThrows<CarecoordException.InvalidAppointment> {
            d.check(appt("A1", "p", "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", location = "moon"))
        }
        assertEquals("appointment.unknown_location", where.code)
        val gone = assertThrows<CarecoordException.InvalidAppointment> { d.remove("nope") }
        assertEquals("appointment.unknown_appointment", gone.code)
        // Weekdays, times and windows are checked by the core, as in Python.
        val day = assertThrows<CarecoordException.InvalidInput> {
            d.addLocation("x", 53.0, -1.0, OpeningHours(listOf(OpeningWindow(8u, "08:00", "17:00")), false, emptyList()))
        }
        assertEquals("time.unknown_word", day.code)
        val time = assertThrows<CarecoordException.InvalidDate> {
            d.addLocation("x", 53.0, -1.0, OpeningHours(listOf(OpeningWindow(1u, "8:00", "17:00")), false, emptyList()))
        }
        assertEquals("time.invalid_format", time.code)
        val window = assertThrows<CarecoordException.InvalidAppointment> {
            d.addLocation("x", 53.0, -1.0, OpeningHours(listOf(OpeningWindow(1u, "17:00", "08:00")), false, emptyList()))
        }
        assertEquals("appointment.invalid_setup", window.code)
    }

    @Test
    fun constraintsSequencingAndOverrides() {
        val d = diary()
        d.setConstraints("p1", PatientConstraints(1u, emptyList(), null, "c1", false))
        d.add(appt("C1", "c1", "2026-11-23T14:00:00Z", "2026-11-23T14:30:00Z", location = "hospital"))
        d.add(appt("A1", "p1", "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z"))
        val c = d.check(appt("A2", "p1", "2026-11-23T14:00:00Z", "2026-11-23T14:30:00Z"))
        assertEquals(listOf(ConflictKind.PATIENT_CONSTRAINT, ConflictKind.CARER), c.map { it.kind })
        d.addSequenceRule(SequenceRule("blood_test", "medication_review", 2u, 14u))
        val review = appt("R1", "p2", "2026-11-27T10:00:00Z", "2026-11-27T10:30:00Z").copy(serviceType = "medication_review")
        assertEquals(listOf(Severity.WARN), d.check(review).map { it.severity })
        val blocked = assertThrows<CarecoordException.InvalidAppointment> {
            d.book(appt("A3", "p1", "2026-11-23T10:15:00Z", "2026-11-23T10:45:00Z"), null)
        }
        assertEquals("appointment.blocked", blocked.code)
        val b = d.book(appt("A3", "p1", "2026-11-23T10:15:00Z", "2026-11-23T10:45:00Z"), Override("care_coordinator", "joint visit"))
        assertEquals("care_coordinator", b.overridden!!.byRole)
        assertTrue(b.conflicts.isNotEmpty())
        assertEquals(3uL, d.size())
    }

    @Test
    fun seriesSuggestionsAndBundles() {
        val d = diary()
        val first = appt("S", "p1", "2026-03-03T10:00:00Z", "2026-03-03T10:30:00Z")
        val occ = d.checkSeries(first, "FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=3", emptyList(), null)
        assertEquals(listOf("S@2026-03-03", "S@2026-04-28", "S@2026-06-23"), occ.map { it.id })
        // 10:00 London time throughout: 09:00 UTC once British Summer Time starts.
        assertEquals(Instant.parse("2026-04-28T09:00:00Z"), occ[1].start)
        val bad = assertThrows<CarecoordException.InvalidAppointment> { d.checkSeries(first, "FREQ=YEARLY", emptyList(), null) }
        assertEquals("appointment.invalid_recurrence", bad.code)
        d.add(appt("A1", "p2", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", resources = listOf("dr_a")))
        val want = appt("X", "p1", "2026-11-23T08:00:00Z", "2026-11-23T08:30:00Z", resources = listOf("dr_a"))
        val slots = d.suggest(want, Instant.parse("2026-11-23T08:00:00Z"), 3u, 30u, 14u, "08:00", "18:00")
        assertEquals(listOf("08:00", "08:30", "10:00").map { Instant.parse("2026-11-23T$it:00Z") }, slots.map { it.start })
        d.addLocation("clinic", 53.8009, -1.5492, null)
        d.add(appt("B1", "p3", "2026-11-23T10:00:00Z", "2026-11-23T10:30:00Z"))
        d.add(appt("B2", "p3", "2026-11-26T14:00:00Z", "2026-11-26T14:20:00Z", location = "clinic"))
        val b = d.bundles("p3", 2.0)
        assertEquals(listOf("B2"), b.map { it.moveId })
        assertEquals(Instant.parse("2026-11-23T10:45:00Z"), b[0].start)
    }
}
