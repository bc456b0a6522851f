// Runs every cross-language conformance vector in tests/conformance/ through
// the Kotlin bindings. Rust and Python run the same files.
package org.carecoord

import org.carecoord.core.*

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import java.io.File
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

class ConformanceTest {
    private val vectors = File(System.getProperty("carecoord.vectors") ?: "tests/conformance")
    private val root = vectors.absoluteFile.parentFile.parentFile

    private fun rules(input: JsonObject): RuleSet =
        if (input.has("rules")) RuleSet.fromToml(File(root, input["rules"].asString).readText())
        else RuleSet.fromToml(input["rules_toml"].asString)

    // JSON values as record values: numbers written without a fraction are ints.
    private fun fieldValue(v: JsonElement): FieldValue = when {
        v.isJsonNull -> FieldValue.Null
        v.isJsonArray -> FieldValue.TextList(v.asJsonArray.map { it.asString })
        v.asJsonPrimitive.isBoolean -> FieldValue.Bool(v.asBoolean)
        v.asJsonPrimitive.isNumber -> {
            val text = v.asJsonPrimitive.asNumber.toString()
            if (text.contains('.') || text.contains('e') || text.contains('E')) FieldValue.Float(v.asDouble)
            else FieldValue.Int(v.asLong)
        }
        else -> FieldValue.Text(v.asString)
    }

    // Vectors hold ISO text; the library's own parsers read it, so that
    // malformed and impossible dates meet its typed errors, as in Rust and Python.
    private fun date(text: String): CalendarDate = parseDate(text)

    private fun local(text: String): LocalDateTime = parseLocalDateTime(text)

    private fun instantText(t: Instant): String =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC).format(t)

    private fun isoDate(d: CalendarDate) = "%04d-%02d-%02d".format(d.year, d.month, d.day)

    private fun obj(vararg pairs: Pair<String, Any?>): JsonObject {
        val o = JsonObject()
        for ((k, v) in pairs) {
            o.add(k, when (v) {
                null -> JsonNull.INSTANCE
                is JsonElement -> v
                is String -> JsonPrimitive(v)
                is Number -> JsonPrimitive(v)
                is Boolean -> JsonPrimitive(v)
                else -> error("unsupported value")
            })
        }
        return o
    }

    private fun calendar(input: JsonObject): WorkingCalendar {
        val closures = input.getAsJsonArray("closures")?.map { date(it.asString) } ?: emptyList()
        return WorkingCalendar(closures)
    }

    private fun disambiguation(key: String): Disambiguation = when (key) {
        "reject" -> Disambiguation.REJECT
        "earlier" -> Disambiguation.EARLIER
        "later" -> Disambiguation.LATER
        "compatible" -> Disambiguation.COMPATIBLE
        // The enum is closed in Kotlin: an unknown policy cannot be expressed,
        // so report the error the other languages give for it.
        else -> throw CarecoordException.InvalidInput("time.unknown_word", "disambiguation must be one of: reject, earlier, later, compatible")
    }

    private fun directory(input: JsonObject): Directory =
        if (input.has("directory")) Directory.fromToml(File(root, input["directory"].asString).readText())
        else Directory.fromToml(input["directory_toml"].asString)

    // Kotlin's enums are closed: a word outside them cannot be expressed, so
    // report the error the other languages give for it.
    private inline fun <reified E : Enum<E>> word(field: String, text: String): E =
        enumValues<E>().firstOrNull { it.name.lowercase() == text }
            ?: throw CarecoordException.InvalidReferral("referral.invalid_value", "`$field` is not an allowed value")

    private fun referral(r: JsonObject) = Referral(
        id = r["id"].asString,
        age = r["age"].asLong,
        sex = word<Sex>("sex", r["sex"].asString),
        district = r["district"].asString,
        pcn = r["pcn"]?.takeUnless { it.isJsonNull }?.asString,
        practice = r["practice"]?.takeUnless { it.isJsonNull }?.asString,
        needs = r.getAsJsonArray("needs").map { it.asString },
        urgency = word<Urgency>("urgency", r["urgency"].asString),
        consent = word<Consent>("consent", r["consent"].asString),
        at = parseInstant(r["at"].asString),
        extra = r.getAsJsonObject("extra").entrySet().associate { (k, v) -> k to fieldValue(v) },
    )

    private fun routing(input: JsonObject): JsonObject {
        val r = directory(input).route(referral(input.getAsJsonObject("referral")))
        val strings = { xs: List<String> -> JsonArray().apply { xs.forEach { add(it) } } }
        return obj(
            "outcome" to r.outcome.name.lowercase(),
            "escalate_now" to r.escalateNow,
            "matches" to JsonArray().apply {
                for (m in r.matches) add(obj(
                    "rank" to m.rank.toInt(),
                    "service_id" to m.serviceId,
                    "route" to m.route.name.lowercase(),
                    "matched_needs" to strings(m.matchedNeeds),
                    "referral_code" to m.referralCode,
                    "escalate" to m.escalate,
                    "consent_basis" to m.consentBasis.name.lowercase(),
                ))
            },
            "excluded" to JsonObject().apply {
                for (e in r.excluded) add(e.serviceId, strings(e.reasons.map { it.code }))
            },
            "unmet_needs" to strings(r.unmetNeeds),
            "day" to isoDate(r.day),
        )
    }

    private fun appointment(a: JsonObject): Appointment {
        val status = enumValues<AppointmentStatus>().firstOrNull { it.name.lowercase() == a["status"].asString.replace('-', '_') }
            ?: throw CarecoordException.InvalidAppointment("appointment.invalid_value", "`status` is not a FHIR code", a["id"].asString)
        return Appointment(
            id = a["id"].asString,
            patient = a["patient"].asString,
            resources = a.getAsJsonArray("resources").map { it.asString },
            location = a["location"]?.takeUnless { it.isJsonNull }?.asString,
            start = parseInstant(a["start"].asString),
            end = parseInstant(a["end"].asString),
            status = status,
            serviceType = null,
            travelMode = a["travel_mode"]?.let { m -> enumValues<TravelMode>().first { it.name.lowercase() == m.asString } },
        )
    }

    private fun diary(input: JsonObject): Diary {
        val d = Diary(input["speed_kmh"].asDouble, input["buffer_min"].asDouble)
        val days = listOf("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        for (l in input.getAsJsonArray("locations").map { it.asJsonObject }) {
            val hours = l.getAsJsonObject("hours")?.let { h ->
                val windows = h.entrySet().flatMap { (day, ws) ->
                    ws.asJsonArray.map { w -> OpeningWindow((days.indexOf(day) + 1).toUByte(), w.asJsonArray[0].asString, w.asJsonArray[1].asString) }
                }
                OpeningHours(windows, false, l.getAsJsonArray("closures")?.map { date(it.asString) } ?: emptyList())
            }
            d.addLocation(l["id"].asString, l["lat"].asDouble, l["lon"].asDouble, hours)
        }
        for (r in input.getAsJsonArray("resources").map { it.asJsonObject }) {
            val kind = enumValues<ResourceKind>().first { it.name.lowercase() == r["kind"].asString }
            d.addResource(r["id"].asString, kind, r["capacity"].asInt.toUInt())
        }
        input.getAsJsonArray("diary").forEach { d.add(appointment(it.asJsonObject)) }
        return d
    }

    // Care-plan steps: each a change as the core writes it in JSON, made on the
    // current version unless the step gives one.
    private fun plan(input: JsonObject): PlanHistory {
        val h = PlanHistory(input["plan_id"].asString)
        for (s in input.getAsJsonArray("steps").map { it.asJsonObject }) {
            val a = s.getAsJsonObject("actor")
            val actor = if (a == null) Actor(Role.CARE_COORDINATOR)
                else Actor(word("role", a["role"].asString), a["organisation"]?.asString)
            val version = if (s.has("version")) s["version"].asLong.toULong() else h.version()
            val reason = if (s.has("reason")) s["reason"].asString else null
            h.execute(planChangeFromJson(s["change"].toString()), version, actor, parseInstant(s["at"].asString), reason)
        }
        return h
    }

    private fun recipient(input: JsonObject): Recipient {
        val r = input.getAsJsonObject("recipient")
        return Recipient(word("recipient", r["kind"].asString), r["id"].asString)
    }

    private fun words(items: List<Enum<*>>) = JsonArray().apply { items.forEach { add(it.name.lowercase()) } }

    private fun status(s: PlanStatus) = s.name.lowercase().replace('_', '-')

    private fun careplan(op: String, input: JsonObject): JsonObject = when (op) {
        "careplan.run" -> plan(input).plan()!!.let { p ->
            obj(
                "version" to p.version.toLong(),
                "status" to status(p.status),
                "goals" to JsonArray().apply { p.goals.forEach { add(JsonArray().apply { add(it.id); add(it.lifecycle.name.lowercase().replace('_', '-')) }) } },
                "actions" to JsonArray().apply { p.actions.forEach { add(JsonArray().apply { add(it.id); add(it.status.name.lowercase().replace('_', '-')) }) } },
                "consents" to JsonArray().apply { p.consents.forEach { add(JsonArray().apply { add(it.id); add(it.withdrawn != null) }) } },
                "disclosures" to JsonArray().apply {
                    p.disclosures.forEach { d ->
                        add(JsonArray().apply { add(d.recipient.kind.name.lowercase()); add(d.basis.name.lowercase()); add(words(d.sections)) })
                    }
                },
            )
        }
        "careplan.can_share" -> plan(input).canShare(recipient(input), word("purpose", input["purpose"].asString), parseInstant(input["at"].asString)).let { d ->
            obj("allowed" to d.allowed, "reason" to d.reason.name.lowercase(), "basis" to d.basis?.name?.lowercase(), "sections" to words(d.sections))
        }
        "careplan.share" -> plan(input).let { h ->
            val reason = if (input.has("reason")) input["reason"].asString else null
            h.share(recipient(input), word("purpose", input["purpose"].asString), h.version(), Actor(Role.CARE_COORDINATOR), parseInstant(input["at"].asString), reason)
        }.let { v ->
            obj(
                "disclosure_version" to v.disclosureVersion.toLong(),
                "sections" to words(v.sections),
                "actions" to v.actions?.let { a -> JsonArray().apply { a.forEach { add(it.id) } } },
                "risks" to v.risks?.let { r -> JsonArray().apply { r.forEach { add(it.id) } } },
                "next_review" to v.nextReview?.let { isoDate(it) },
            )
        }
        "careplan.review" -> plan(input).reviewStatus(parseInstant(input["at"].asString), input["soon_working_days"].asInt.toUInt()).let { s ->
            obj("state" to s.state.name.lowercase(), "due" to s.due?.let { isoDate(it) }, "working_days_overdue" to s.workingDaysOverdue)
        }
        "careplan.activity" -> plan(input).activity().let { records ->
            obj(
                "records" to JsonArray().apply { records.forEach { add(JsonArray().apply { add(isoDate(it.date)); add(it.key); add(it.code) }) } },
                "counts" to JsonArray().apply {
                    aggregateActivity(records, word("period", input["period"].asString)).forEach {
                        add(JsonArray().apply { add(isoDate(it.periodStart)); add(it.code); add(it.key); add(it.count.toLong()) })
                    }
                },
            )
        }
        "careplan.from_json" -> PlanHistory.fromJson(input["json"].asString).plan()!!.let { p ->
            obj("version" to p.version.toLong(), "status" to status(p.status))
        }
        else -> throw AssertionError("unknown conformance operation $op")
    }

    private fun run(op: String, input: JsonObject): JsonObject = when (op) {
        "nhs_number.parse" -> NhsNumber.parse(input["text"].asString).let {
            obj("digits" to it.digits(), "formatted" to it.formatted())
        }
        "time.to_london" -> toLondon(Instant.parse(input["instant"].asString)).let {
            val l = it.local
            obj(
                "local" to "%sT%02d:%02d:%02d".format(isoDate(l.date), l.hour, l.minute, l.second),
                "offset_seconds" to it.offsetSeconds,
                "abbreviation" to it.abbreviation,
            )
        }
        "time.from_london" -> {
            val policy = disambiguation(input["disambiguation"].asString)
            obj("instant" to instantText(fromLondon(local(input["local"].asString), policy)))
        }
        "time.lookup_london" -> when (val r = lookupLondon(local(input["local"].asString))) {
            is LondonLookup.Unique -> obj("kind" to "unique", "instants" to JsonArray().apply { add(instantText(r.instant)) })
            is LondonLookup.Ambiguous -> obj("kind" to "ambiguous", "instants" to JsonArray().apply { add(instantText(r.earlier)); add(instantText(r.later)) })
            is LondonLookup.Skipped -> obj("kind" to "skipped", "instants" to JsonArray().apply { add(instantText(r.earlier)); add(instantText(r.later)) })
        }
        "time.bank_holidays" -> obj("holidays" to JsonArray().apply {
            for (h in bankHolidays(input["year"].asInt)) {
                add(obj("date" to isoDate(h.date), "key" to h.key, "substitute" to h.substitute))
            }
        })
        "time.is_bank_holiday" -> obj("holiday" to isBankHoliday(date(input["date"].asString))?.key)
        "time.add_working_days" -> obj("date" to isoDate(calendar(input).addWorkingDays(date(input["date"].asString), input["days"].asInt)))
        "time.next_working_day" -> obj("date" to isoDate(calendar(input).nextWorkingDay(date(input["date"].asString))))
        "time.is_working_day" -> obj("working" to calendar(input).isWorkingDay(date(input["date"].asString)))
        "time.working_days_between" -> obj("days" to calendar(input).workingDaysBetween(date(input["start"].asString), date(input["end"].asString)))
        "caseload.evaluate" -> {
            val record = input.getAsJsonObject("row").entrySet().associate { (k, v) -> k to fieldValue(v) }
            val p = rules(input).evaluate(record, date(input["today"].asString))
            obj("score" to p.score, "tier" to p.tier, "reasons" to JsonArray().apply { p.reasons.forEach { add(it.code) } })
        }
        "caseload.load" -> obj("rules" to JsonArray().apply { rules(input).ruleIds().forEach { add(it) } })
        "caseload.run_tests" -> rules(input).runTests().let { o ->
            obj("passed" to o.count { it.passed }, "failed" to o.count { !it.passed })
        }
        "conflicts.check" -> obj("conflicts" to JsonArray().apply {
            for (c in diary(input).check(appointment(input.getAsJsonObject("appointment")))) add(obj(
                "kind" to c.kind.name.lowercase(),
                "severity" to c.severity.name.lowercase(),
                "others" to JsonArray().apply { c.others.forEach { add(it) } },
                "resource" to c.resource,
            ))
        })
        "conflicts.find_all" -> obj("pairs" to JsonArray().apply {
            for (p in diary(input).findAll()) add(JsonArray().apply {
                add(p.kind.name.lowercase()); add(p.a); add(p.b?.let { JsonPrimitive(it) } ?: JsonNull.INSTANCE)
                add(p.resource?.let { JsonPrimitive(it) } ?: JsonNull.INSTANCE)
            })
        })
        "routing.load" -> obj("services" to JsonArray().apply { directory(input).serviceIds().forEach { add(it) } })
        "routing.route" -> routing(input)
        else -> careplan(op, input)
    }

    private fun location(e: CarecoordException): Pair<Int?, Int?> = when (e) {
        is CarecoordException.InvalidRules -> e.line?.toInt() to e.column?.toInt()
        is CarecoordException.InvalidDirectory -> e.line?.toInt() to e.column?.toInt()
        else -> null to null
    }

    private fun codeAndKind(e: CarecoordException): Pair<String, String> = when (e) {
        is CarecoordException.InvalidNhsNumber -> e.code to "invalid_input"
        is CarecoordException.InvalidDate -> e.code to "invalid_input"
        is CarecoordException.InvalidInput -> e.code to "invalid_input"
        is CarecoordException.NonexistentLocalTime -> e.code to "local_time"
        is CarecoordException.AmbiguousLocalTime -> e.code to "local_time"
        is CarecoordException.OutOfRange -> e.code to "out_of_range"
        is CarecoordException.InvalidRules -> e.code to "invalid_rules"
        is CarecoordException.InvalidRecord -> e.code to "invalid_input"
        is CarecoordException.InvalidDirectory -> e.code to "invalid_rules"
        is CarecoordException.InvalidReferral -> e.code to "invalid_input"
        is CarecoordException.InvalidAppointment -> e.code to "invalid_input"
        is CarecoordException.InvalidCarePlan -> e.code to "invalid_input"
        is CarecoordException.InvalidTransition -> e.code to "invalid_input"
        is CarecoordException.ShareDenied -> e.code to "denied"
        is CarecoordException.StaleVersion -> e.code to "conflict"
        is CarecoordException.Storage -> e.code to "storage"
    }

    @TestFactory
    fun vectors(): List<DynamicTest> {
        val files = vectors.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name } ?: emptyList()
        assertTrue(files.isNotEmpty(), "no conformance vectors in ${vectors.absolutePath}")
        return files.flatMap { file ->
            val root = JsonParser.parseString(file.readText()).asJsonObject
            root.getAsJsonArray("cases").map { it.asJsonObject }.map { case ->
                DynamicTest.dynamicTest("${file.nameWithoutExtension}/${case["id"].asString}") {
                    val input = case.getAsJsonObject("input")
                    val op = case["op"].asString
                    if (case.has("expect")) {
                        assertEquals(case["expect"], run(op, input))
                    } else {
                        val expected = case.getAsJsonObject("error")
                        val e = assertThrows<CarecoordException> { run(op, input) }
                        assertEquals(expected["code"].asString to expected["kind"].asString, codeAndKind(e))
                        if (expected.has("line")) {
                            assertEquals(expected["line"].asInt to expected["column"].asInt, location(e))
                        }
                    }
                }
            }
        }
    }
}
