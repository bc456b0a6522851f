package org.carecoord

import org.carecoord.core.*

import java.io.File
import java.time.Instant
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CarePlanTest {
    private val at = Instant.parse("2026-11-23T10:00:00Z")
    private val cc = Actor(Role.CARE_COORDINATOR)
    private val carer = Recipient(RecipientKind.CARER, "person-1")

    private fun PlanHistory.run(vararg changes: PlanChange, `when`: Instant = at): CarePlan {
        var plan: CarePlan? = null
        for (c in changes) plan = execute(c, version(), cc, `when`, null)
        return plan!!
    }

    private fun agreed(mark: String = ""): PlanHistory {
        val h = PlanHistory("plan-1")
        h.run(
            PlanChange.Create(PatientReference("${mark}patient"), null),
            PlanChange.SetWhatMatters(listOf(FreeText("${mark}staying at home"), FreeText("${mark}singing group"))),
            PlanChange.AddSupportPerson(null, FreeText("${mark}daughter"), Relationship.CHILD, ContactRole.MAIN_CARER, FreeText("${mark}07700 900123")),
            PlanChange.AddGoal(null, FreeText("${mark}singing weekly"), CalendarDate(2027, 2, 22)),
            PlanChange.AddAction(null, FreeText("${mark}transport referral"), Actor(Role.SERVICE, "svc-transport"), CalendarDate(2026, 12, 4), listOf("goal-1")),
            PlanChange.AddAction(null, FreeText("${mark}medicines review"), Actor(Role.PHARMACIST), CalendarDate(2026, 12, 11), emptyList()),
            PlanChange.AddRisk(null, FreeText("${mark}falls"), FreeText("${mark}press the pendant alarm")),
            PlanChange.SetReviewSchedule(ReviewSchedule.EveryWeeks(12u)),
            PlanChange.ChangeStatus(PlanStatus.ACTIVE),
            PlanChange.LinkReferral("action-1", "ref-1", null),
            PlanChange.LinkAppointment("action-2", "appt-1"),
        )
        return h
    }

    @Test
    fun aPlanIsTheFoldOfItsEvents() {
        val h = agreed()
        val plan = h.plan()!!
        assertEquals(PlanStatus.ACTIVE, plan.status)
        assertEquals(11uL, plan.version)
        assertEquals(listOf("goal-1"), plan.goals.map { it.id })
        assertEquals(GoalLifecycle.ACTIVE, plan.goals[0].lifecycle)
        assertEquals(ActionStatus.SCHEDULED, plan.actions[1].status)
        assertEquals(ReviewSchedule.EveryWeeks(12u), plan.reviewSchedule)
        val event = h.events()[3]
        assertEquals(PlanChange.AddGoal("goal-1", FreeText("singing weekly"), CalendarDate(2027, 2, 22)), event.change)
        val again = PlanHistory.fromJson(h.toJson())
        assertEquals(plan, again.plan())
        assertEquals(h.toJson(), again.toJson())
        assertEquals(PlanStatus.DRAFT, h.planAt(1uL)!!.status)
    }

    @Test
    fun decideShowsTheEventWithoutRecordingIt() {
        val h = agreed()
        val before = h.version()
        val event = h.decide(PlanChange.AddGoal(null, FreeText("walk to the shop"), null), before, cc, at, null)
        assertEquals(before + 1u, event.version)
        assertEquals(before, h.version())
    }

    @Test
    fun lifecycleAndStaleVersionsAreTypedErrors() {
        val h = agreed()
        val t = assertThrows<CarecoordException.InvalidTransition> { h.run(PlanChange.ChangeStatus(PlanStatus.DRAFT)) }
        assertEquals(PlanStatus.ACTIVE, t.from)
        assertEquals(PlanStatus.DRAFT, t.to)
        assertEquals("plan-1", t.plan)
        val r = assertThrows<CarecoordException.InvalidCarePlan> { h.run(PlanChange.ChangeStatus(PlanStatus.REVOKED)) }
        assertEquals("careplan.reason_required", r.code)
        val s = assertThrows<CarecoordException.StaleVersion> {
            h.execute(PlanChange.SetStrengths(listOf(FreeText("x"))), 3uL, cc, at, null)
        }
        assertEquals(3uL, s.expected)
        assertEquals(11uL, s.actual)
        assertEquals(11uL, h.version())
        val bad = assertThrows<CarecoordException> {
            h.run(PlanChange.AddGoal(null, FreeText("x"), CalendarDate(2026, 2, 30)))
        }
        assertTrue(bad is CarecoordException.InvalidDate, bad.toString())
    }

    @Test
    fun carersNeedConsentAndSeeNoClinicalSections() {
        val h = agreed()
        val no = h.canShare(carer, Purpose.CARER_SUPPORT, at)
        assertFalse(no.allowed)
        assertEquals(ShareReason.NO_CONSENT, no.reason)
        val denied = assertThrows<CarecoordException.ShareDenied> { h.run(PlanChange.Share(carer, Purpose.CARER_SUPPORT)) }
        assertEquals("no_consent", denied.reason)
        h.run(PlanChange.RecordConsent(null, carer, Scope.WholePlan, null, Instant.parse("2027-11-23T00:00:00Z")))
        val view = h.share(carer, Purpose.CARER_SUPPORT, h.version(), cc, at, null)
        assertEquals(ShareBasis.CONSENT, h.plan()!!.disclosures[0].basis)
        assertEquals(h.version(), view.disclosureVersion)
        assertNull(view.risks)
        assertNull(view.reviews)
        assertEquals(listOf(FreeText("press the pendant alarm")), view.contingency)
        assertTrue(view.actions!!.all { it.referrals.isEmpty() })
        assertEquals(CalendarDate(2027, 2, 15), view.nextReview)
        assertTrue(view.markdown.text.contains("## If things get worse"))
        assertFalse(view.markdown.text.contains("falls"))
        val gp = Recipient(RecipientKind.GP_PRACTICE, "Y01234")
        assertEquals(ShareReason.NOT_REGISTERED_PRACTICE, h.canShare(gp, Purpose.DIRECT_CARE, at).reason)
        h.run(PlanChange.SetRegisteredPractice("Y01234"))
        assertEquals("Y01234", h.plan()!!.registeredPractice)
        assertEquals(ShareBasis.DIRECT_CARE, h.canShare(gp, Purpose.DIRECT_CARE, at).basis)
        val other = assertThrows<CarecoordException.ShareDenied> {
            h.share(Recipient(RecipientKind.GP_PRACTICE, "any-id"), Purpose.DIRECT_CARE, h.version(), cc, at, null)
        }
        assertEquals("not_registered_practice", other.reason)
    }

    @Test
    fun carersAndServicesSeeOnlyWhatTheyNeed() {
        val h = agreed()
        val svc = Recipient(RecipientKind.SERVICE, "svc-transport")
        h.run(
            PlanChange.RecordConsent(null, carer, Scope.WholePlan, null, null),
            PlanChange.RecordConsent(null, svc, Scope.WholePlan, null, null),
            PlanChange.SetActionSharing("action-2", emptyList(), true),
            PlanChange.SetRiskActions("risk-1", listOf("action-1")),
        )
        assertEquals(listOf("action-1"), h.plan()!!.risks[0].actions)
        val mine = h.share(carer, Purpose.CARER_SUPPORT, h.version(), cc, at, null)
        assertEquals(listOf("action-2"), mine.actions!!.map { it.id })
        val theirs = h.share(svc, Purpose.DIRECT_CARE, h.version(), cc, at, null)
        assertEquals(listOf("risk-1"), theirs.risks!!.map { it.id })
    }

    @Test
    fun safeguardingNeedsAJustification() {
        val h = agreed()
        val lead = Recipient(RecipientKind.SAFEGUARDING_LEAD, "sg-lead")
        val e = assertThrows<CarecoordException.InvalidCarePlan> { h.run(PlanChange.Share(lead, Purpose.SAFEGUARDING)) }
        assertEquals("careplan.reason_required", e.code)
        val before = h.version()
        assertThrows<CarecoordException.InvalidCarePlan> { h.share(lead, Purpose.SAFEGUARDING, h.version(), cc, at, null) }
        assertEquals(before, h.version())
        val view = h.share(lead, Purpose.SAFEGUARDING, h.version(), cc, at, "concern raised")
        assertEquals(ShareBasis.SAFEGUARDING, h.events().last().disclosure!!.basis)
        assertEquals(before + 1uL, view.disclosureVersion)
    }

    @Test
    fun templatesReviewsAndActivity() {
        assertEquals(listOf("frailty", "dementia", "long_term_conditions", "post_discharge"), planTemplates().map { it.key })
        val preview = previewTemplate("post_discharge", "plan-9", "local-9", cc, at)
        assertEquals(PlanStatus.DRAFT, preview.plan()!!.status)
        assertTrue(preview.personSummary().startsWith("# My care and support plan"))
        val h = agreed()
        h.run(PlanChange.RecordReview(ReviewOutcome.REVISED, null), PlanChange.RecordActivity("carer_contacted", "185317003"))
        assertEquals(
            listOf("plan_agreed" to "734163000", "referral_made" to "3457005", "plan_reviewed" to "425268008", "carer_contacted" to "185317003"),
            h.activity().map { it.key to it.code },
        )
        assertEquals(4uL, aggregateActivity(h.activity(), Period.MONTH).sumOf { it.count })
        val status = h.reviewStatus(Instant.parse("2027-01-04T09:00:00Z"), 5u)
        assertEquals(ReviewState.SCHEDULED, status.state)
        // Optional fields default to null or empty: name only what you set.
        h.execute(PlanChange.AddGoal(description = FreeText("Walk to the shop")), h.version(), cc, at)
        assertEquals("goal-2", h.plan()!!.goals.last().id)
        val change = planChangeFromJson("""{"type":"remove_risk","id":"risk-1"}""")
        assertEquals(PlanChange.RemoveRisk("risk-1"), change)
        assertEquals("""{"type":"remove_risk","id":"risk-1"}""", planChangeToJson(change))
    }

    @Test
    fun anSqliteFileIsSharedAndNoUpdateIsLost() {
        val file = File.createTempFile("carecoord", ".sqlite")
        file.delete()
        val store = PlanStore.sqlite(file.path)
        store.create(agreed())
        val pool = Executors.newFixedThreadPool(4)
        repeat(4) { t ->
            pool.submit {
                val mine = PlanStore.sqlite(file.path)
                repeat(10) { i ->
                    while (true) {
                        val v = mine.load("plan-1").version()
                        try {
                            mine.execute("plan-1", PlanChange.RecordActivity("t${t}_$i", "185317003"), v, cc, at, null)
                            break
                        } catch (e: CarecoordException.StaleVersion) {
                            continue
                        }
                    }
                }
            }
        }
        pool.shutdown()
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
        val h = store.load("plan-1")
        assertEquals(51uL, h.version())
        assertEquals(40, h.activity().count { it.key.startsWith("t") })
        assertEquals(listOf("plan-1"), store.planIds())
        assertTrue(store.reviewsDue(Instant.parse("2027-06-01T09:00:00Z"), 5u).any { it.state == ReviewState.OVERDUE })
        file.delete()
    }

    @Test
    fun readsTheFileRustWrote() {
        val vectors = File(System.getProperty("carecoord.vectors") ?: "tests/conformance")
        val fixture = File(vectors.absoluteFile.parentFile, "fixtures/care_plans_v1.sqlite")
        val copy = File.createTempFile("carecoord-fixture", ".sqlite")
        fixture.copyTo(copy, overwrite = true)
        val plan = PlanStore.sqlite(copy.path).load("plan-demo-69").plan()!!
        assertEquals(22uL, plan.version)
        assertEquals(PlanStatus.ACTIVE, plan.status)
        assertEquals(3, plan.goals.size)
        assertEquals(Recipient(RecipientKind.CARER, "daughter"), plan.consents[0].recipient)
        copy.delete()
    }

    @Test
    fun damagedAndFutureRecordsAreRefused() {
        val json = agreed().toJson()
        val future = assertThrows<CarecoordException.Storage> { PlanHistory.fromJson(json.replaceFirst("\"schema_version\":2", "\"schema_version\":3")) }
        assertEquals("careplan.unsupported_schema_version", future.code)
        val cut = assertThrows<CarecoordException.Storage> { PlanHistory.fromJson(json.dropLast(10)) }
        assertEquals("careplan.corrupt_record", cut.code)
    }

    @Test
    fun recordsNeverPrintFreeTextOrThePatient() {
        // uniffi's records are data classes whose toString prints every
        // field: free text and the patient reference must print redacted.
        val mark = "ZQXMARK"
        val h = agreed(mark)
        h.run(PlanChange.RecordConsent(null, carer, Scope.WholePlan, null, null))
        val view = h.share(carer, Purpose.CARER_SUPPORT, h.version(), cc, at, null)
        val event = h.decide(PlanChange.RecordReview(ReviewOutcome.CONTINUE, FreeText("${mark} notes")), h.version(), cc, at, null)
        for (shown in listOf(h.plan().toString(), h.events().toString(), view.toString(), event.toString())) {
            assertFalse(shown.contains(mark), shown)
            assertTrue(shown.contains("FreeText(***)"), shown)
        }
        assertTrue(h.plan().toString().contains("PatientReference(***)"))
        // The text itself is there for whoever reads it on purpose.
        assertEquals("${mark}staying at home", h.plan()!!.whatMatters[0].text)
    }

    @Test
    fun noFreeTextInErrors() {
        val mark = "ZQXMARK"
        val h = agreed(mark)
        val messages = mutableListOf<String>()
        for (bad in listOf(
            PlanChange.AddGoal(null, FreeText(" "), null),
            PlanChange.UpdateGoal("goal-9", GoalLifecycle.ACTIVE, null, null),
            PlanChange.ChangeStatus(PlanStatus.DRAFT),
            PlanChange.Share(Recipient(RecipientKind.SERVICE, "svc-x"), Purpose.DIRECT_CARE),
        )) {
            val e = assertThrows<CarecoordException> { h.execute(bad, h.version(), cc, at, mark) }
            messages += e.message!!
        }
        val broken = h.toJson().replaceFirst("\"${mark}staying", "{\"$mark")
        messages += assertThrows<CarecoordException> { PlanHistory.fromJson(broken) }.message!!
        assertNotNull(messages.firstOrNull())
        for (m in messages) assertFalse(m.contains(mark), m)
    }
}
