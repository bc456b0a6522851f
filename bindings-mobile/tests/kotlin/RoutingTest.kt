package org.carecoord

import org.carecoord.core.*

import java.io.File
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class RoutingTest {
    private val text = File(System.getProperty("carecoord.vectors") ?: "tests/conformance")
        .absoluteFile.parentFile.parentFile.resolve("examples/routing/directory.toml").readText()
    private val directory = Directory.fromToml(text)

    private fun referral(
        needs: List<String>,
        consent: Consent = Consent.GIVEN,
        at: String = "2026-11-23T10:00:00Z",
        age: Long = 79,
        extra: Map<String, FieldValue> = mapOf("lives_alone" to FieldValue.Bool(true)),
    ) = Referral(
        id = "K1", age = age, sex = Sex.FEMALE, district = "LS6", pcn = "U00001", practice = "B00001",
        needs = needs, urgency = Urgency.ROUTINE, consent = consent, at = Instant.parse(at), extra = extra,
    )

    @Test
    fun theDirectoryDescribesItselfAndVersionsAreRegistered() {
        assertEquals(listOf("efi_deficits", "housebound", "lives_alone"), directory.extraFields().map { it.name })
        assertEquals("bool", directory.extraFields().first { it.name == "lives_alone" }.typeName)
        val safeguarding = directory.needs().first { it.id == "safeguarding" }
        assertEquals(NeedClass.SAFEGUARDING, safeguarding.`class`)
        assertEquals(listOf("matched_needs", "open_on_day", "local", "wait", "id"), directory.ranking())

        val registry = DirectoryRegistry()
        registry.add(directory)
        val again = org.junit.jupiter.api.Assertions.assertThrows(CarecoordException.InvalidInput::class.java) {
            registry.add(directory)
        }
        assertEquals("registry.duplicate_version", again.code)
        assertEquals(directory.version(), registry.inForce(directory.name(), CalendarDate(2026, 12, 1))?.version())
        assertEquals(null, registry.inForce(directory.name(), CalendarDate(2000, 1, 1)))
    }

    @Test
    fun ranksEligibleServicesWithReasons() {
        val r = directory.route(referral(listOf("loneliness", "debt")))
        assertEquals(Outcome.ROUTED, r.outcome)
        assertFalse(r.escalateNow)
        assertEquals(listOf("sp_north", "debt_advice", "befriending_65"), r.matches.map { it.serviceId })
        val top = r.matches[0]
        assertEquals(listOf("loneliness", "debt"), top.matchedNeeds)
        assertEquals("871731000000106", top.referralCode)
        assertEquals(10u, top.waitDays)
        assertTrue("local service" in top.reasons)
        val south = r.excluded.first { it.serviceId == "sp_south" }
        assertEquals(listOf("outside_catchment", "not_accepting"), south.reasons.map { it.code })
        assertEquals(CalendarDate(2026, 11, 23), r.day)
    }

    @Test
    fun safeguardingGoesToTheNamedLeadWhateverConsentOrHours() {
        val r = directory.route(referral(listOf("safeguarding", "loneliness"), Consent.REFUSED, "2026-11-29T21:00:00Z"))
        assertEquals(Outcome.ESCALATED, r.outcome)
        assertTrue(r.escalateNow)
        val lead = r.matches.first()
        assertEquals("safeguarding_lead", lead.serviceId)
        assertEquals(RouteKind.SAFEGUARDING, lead.route)
        assertEquals(ConsentBasis.SAFEGUARDING_WITHOUT_CONSENT, lead.consentBasis)
        assertFalse(lead.openOnDay)
        assertTrue(lead.contact!!.contains("safeguarding"))
        assertEquals(listOf("loneliness"), r.unmetNeeds)
    }

    @Test
    fun nothingEligibleIsAnUnmetNeed() {
        val r = directory.route(referral(listOf("low_mood"), age = 17))
        assertEquals(Outcome.UNMET, r.outcome)
        assertTrue(r.matches.isEmpty())
        assertEquals(listOf("low_mood"), r.unmetNeeds)
    }

    @Test
    fun badReferralsAreTypedErrorsWithoutValues() {
        val e = assertThrows<CarecoordException.InvalidReferral> { directory.route(referral(listOf("lonliness"))) }
        assertEquals("referral.unknown_need", e.code)
        assertTrue(e.message!!.contains("did you mean `loneliness`"))
        val age = assertThrows<CarecoordException.InvalidReferral> { directory.route(referral(listOf("debt"), age = 412)) }
        assertFalse(age.message!!.contains("412"))
        val extra = assertThrows<CarecoordException.InvalidReferral> {
            directory.route(referral(listOf("debt"), extra = mapOf("lives_alon" to FieldValue.Bool(true))))
        }
        assertEquals("referral.unknown_field", extra.code)
        val naive = assertThrows<CarecoordException> { parseInstant("2026-11-23T10:00:00") }
        assertTrue(naive is CarecoordException.InvalidInput || naive is CarecoordException.InvalidDate)
    }

    @Test
    fun directoryErrorsSayWhere() {
        val bad = text.replace("needs = [\"carer_strain\"]", "needs = [\"carer_stain\"]")
        val e = assertThrows<CarecoordException.InvalidDirectory> { Directory.fromToml(bad) }
        assertEquals("directory.unknown_need", e.code)
        assertEquals("service[carers_service].needs[0]", e.path)
        assertEquals(bad.lines().indexOf("needs = [\"carer_stain\"]") + 1, e.line!!.toInt())
        assertEquals("did you mean `carer_strain`?", e.help)
        val noLead = assertThrows<CarecoordException.InvalidDirectory> {
            Directory.fromToml(text.replace("safeguarding_lead = \"safeguarding_lead\"\n", ""))
        }
        assertEquals("directory.no_safeguarding_lead", noLead.code)
    }
}
