// Values that must never reach a log by accident, for the same Swift module as
// the generated Carecoord.swift and CarecoordCore.swift. uniffi's records print
// every field when described; these two print only their kind (HAZ-018).
// Not compiled here (no Swift toolchain): kept as small as the Kotlin twin in
// bindings-mobile/kotlin/org/carecoord/core/Redacted.kt.

/// Free text a person wrote about themselves. Read it with `text`; its
/// description never shows it.
public struct FreeText: Equatable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let text: String
    public init(text: String) { self.text = text }
    public var description: String { "FreeText(***)" }
    public var debugDescription: String { "FreeText(***)" }
}

/// An opaque reference to the patient. Read it with `reference`; its
/// description never shows it.
public struct PatientReference: Equatable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let reference: String
    public init(reference: String) { self.reference = reference }
    public var description: String { "PatientReference(***)" }
    public var debugDescription: String { "PatientReference(***)" }
}
