// Values that must never reach a log by accident, shipped beside the
// generated bindings. uniffi's records are data classes whose toString prints
// every field; these two print only their kind (HAZ-018).
package org.carecoord.core

/** Free text a person wrote about themselves. Read it with [text]; `toString()` never shows it. */
class FreeText(val text: String) {
    override fun toString(): String = "FreeText(***)"
    override fun equals(other: Any?): Boolean = other is FreeText && other.text == text
    override fun hashCode(): Int = text.hashCode()
}

/** An opaque reference to the patient. Read it with [reference]; `toString()` never shows it. */
class PatientReference(val reference: String) {
    override fun toString(): String = "PatientReference(***)"
    override fun equals(other: Any?): Boolean = other is PatientReference && other.reference == reference
    override fun hashCode(): Int = reference.hashCode()
}
