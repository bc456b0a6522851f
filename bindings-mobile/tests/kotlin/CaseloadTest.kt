package org.carecoord

import org.carecoord.core.*

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CaseloadTest {
    private val sample = File(System.getProperty("carecoord.vectors") ?: "tests/conformance")
        .absoluteFile.parentFile.parentFile.resolve("examples/rules/frailty_priority.toml").readText()
    private val today = CalendarDate(2026, 11, 23)

    @Test
    fun scoresOnePatientWithReasons() {
        val rules = RuleSet.fromToml(sample)
        assertEquals(listOf("urgent", "high", "medium", "low"), rules.tiers())
        val p = rules.evaluate(
            mapOf(
                "patient_id" to FieldValue.Text("K1"),
                "age" to FieldValue.Int(88),
                "efi_deficits" to FieldValue.Int(14),
                "last_discharge" to FieldValue.Date(CalendarDate(2026, 11, 10)),
                "last_contact" to FieldValue.Text("2026-11-01"),
                "safeguarding_flag" to FieldValue.Bool(false),
            ),
            today,
        )
        assertEquals(8L, p.score)
        assertEquals("high", p.tier)
        assertNull(p.overrideId)
        assertEquals(listOf("EFI_SEVERE", "RECENT_DISCHARGE", "AGE_85_PLUS"), p.reasons.map { it.code })
        assertTrue(rules.runTests().all { it.passed })
    }

    @Test
    fun explainsWhyNot() {
        val rules = RuleSet.fromToml(sample)
        val e = rules.explain(
            mapOf("patient_id" to FieldValue.Text("K9"), "age" to FieldValue.Int(79), "safeguarding_flag" to FieldValue.Bool(false)),
            today,
        )
        val age = e.rules.first { it.ruleId == "age" }
        assertEquals(2u, age.band)
        assertEquals(Truth.FALSE, age.bands[0].outcome)
        assertEquals(listOf(CheckValue("age", "79")), age.bands[0].checks[0].values)
        assertTrue(e.text.startsWith("K9: score 2, tier low"))
    }

    @Test
    fun ruleErrorsSayWhere() {
        val e = assertThrows<CarecoordException.InvalidRules> {
            RuleSet.fromToml(sample.replace("when = \"lives_alone\"", "when = \"lives_alon\""))
        }
        assertEquals("expr.unknown_field", e.code)
        assertEquals("rule[lives_alone].when", e.path)
        assertEquals(75u, e.line)
        assertEquals(9u, e.column)
        assertEquals("did you mean `lives_alone`?", e.help)
    }

    @Test
    fun badRecordsAreTypedWithoutValues() {
        val rules = RuleSet.fromToml(sample)
        val e = assertThrows<CarecoordException.InvalidRecord> {
            rules.evaluate(mapOf("patient_id" to FieldValue.Text("K1"), "age" to FieldValue.Text("SECRET"), "safeguarding_flag" to FieldValue.Bool(false)), today)
        }
        assertEquals("record.wrong_type", e.code)
        assertFalse(e.detail.contains("SECRET"))
    }
}

class CaseloadVersionsTest {
    private val sample = File(System.getProperty("carecoord.vectors") ?: "tests/conformance")
        .absoluteFile.parentFile.parentFile.resolve("examples/rules/frailty_priority.toml").readText()

    @Test
    fun registryAndImpact() {
        val v1 = RuleSet.fromToml(sample)
        val v2 = RuleSet.fromToml(
            sample.replace("version = \"1.0.0\"", "version = \"2.0.0\"")
                .replace("effective_from = 2026-04-01", "effective_from = 2027-04-01")
                .replace("points = 3, reason = \"EFI_SEVERE\"", "points = 6, reason = \"EFI_SEVERE\""),
        )
        val age = v1.fields().first { it.name == "age" }
        assertEquals("int", age.typeName)
        assertFalse(age.nullable)
        val registry = RuleRegistry()
        registry.add(v1)
        registry.add(v2)
        val duplicate = assertThrows<CarecoordException.InvalidInput> { registry.add(v1) }
        assertEquals("registry.duplicate_version", duplicate.code)
        assertEquals("1.0.0", registry.inForce("frailty_priority", CalendarDate(2026, 11, 23))?.version())
        assertEquals("2.0.0", registry.inForce("frailty_priority", CalendarDate(2027, 4, 1))?.version())
        assertNull(registry.inForce("frailty_priority", CalendarDate(2026, 1, 1)))

        val record = mapOf(
            "patient_id" to FieldValue.Text("K1"),
            "age" to FieldValue.Int(86),
            "efi_deficits" to FieldValue.Int(14),
            "last_contact" to FieldValue.Text("2026-11-20"),
            "safeguarding_flag" to FieldValue.Bool(false),
        )
        val report = impact(v1, v2, listOf(record), CalendarDate(2026, 11, 23))
        assertEquals(1uL, report.moved)
        assertEquals(TierMove("medium", "high", 1uL), report.matrix.single())
        assertEquals("efi", report.rules.first().ruleId)
        assertEquals("changed", report.rules.first().change)
    }
}
