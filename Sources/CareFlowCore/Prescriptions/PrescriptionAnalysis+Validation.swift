import Foundation

/// An LLM's prescription analysis is outside input: checked field by field against the schema
/// it was given and against the bounds below; a malformed answer is refused with the reason
/// (paths and rules only, never the values).
public struct MalformedPrescriptionAnswer: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "The prescription answer does not match its schema: \(reason)" }
}

extension PrescriptionAnalysis {
    static let maxMedications = 50
    static let maxInteractions = 50
    static let maxWarnings = 10
    static let maxName = 200
    static let maxShort = 100
    static let maxNote = 500
    /// What an interaction's severity may be, mildest first (the core table uses the last three).
    public static let severities = ["minor", "moderate", "major", "contraindicated"]

    /// The JSON schema sent with the request (strict structured output: every property
    /// required, the optional ones nullable). `source` is not asked for: CareFlow sets it.
    public static let jsonSchema: JSONValue = {
        let text = JSONValue.object(["type": .string("string")])
        let optionalText = JSONValue.object(["type": .array([.string("string"), .string("null")])])
        let medication = JSONValue.object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object([
                "name": .object(["type": .string("string"), "description": .string("Generic name as written, e.g. Amoxicillin")]),
                "dose": .object(["type": .array([.string("string"), .string("null")]), "description": .string("Amount per dose, e.g. 500")]),
                "unit": .object(["type": .array([.string("string"), .string("null")]), "description": .string("mg, g, ml, mcg, units, tablet…")]),
                "route": .object(["type": .array([.string("string"), .string("null")]), "description": .string("oral, IV, IM, topical…")]),
                "frequency": optionalText,
                "duration_days": .object(["type": .array([.string("integer"), .string("null")])]),
                "warnings": .object(["type": .string("array"), "items": text]),
            ]),
            "required": .array(["name", "dose", "unit", "route", "frequency", "duration_days", "warnings"].map(JSONValue.string)),
        ])
        let interaction = JSONValue.object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object([
                "between": .object(["type": .string("array"), "items": text,
                                    "description": .string("The two medicines, as named in medications")]),
                "severity": .object(["type": .string("string"), "enum": .array(severities.map(JSONValue.string))]),
                "note": text,
            ]),
            "required": .array(["between", "severity", "note"].map(JSONValue.string)),
        ])
        return .object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object([
                "medications": .object(["type": .string("array"), "items": medication]),
                "interactions": .object(["type": .string("array"), "items": interaction]),
            ]),
            "required": .array([.string("medications"), .string("interactions")]),
        ])
    }()

    /// Parses and checks an LLM's answer: both arrays present and bounded, names non-empty,
    /// `duration_days` 1…365 or null, interactions between exactly two named medicines with a
    /// known severity, no unknown keys. The result says `source: llm`.
    public init(validatingLLMAnswer answer: JSONValue) throws {
        do {
            self = try Self.read(answer)
        } catch {
            throw MalformedPrescriptionAnswer(reason: error.reason)
        }
    }

    private static func read(_ answer: JSONValue) throws(AnswerViolation) -> PrescriptionAnalysis {
        let root = try AnswerFields.object(answer, allowed: ["medications", "interactions"], at: "")
        let medications = try AnswerFields.array(root["medications"], at: "medications")
        let interactions = try AnswerFields.array(root["interactions"], at: "interactions")
        guard medications.count <= maxMedications else { throw AnswerViolation(reason: "more than \(maxMedications) medications") }
        guard interactions.count <= maxInteractions else { throw AnswerViolation(reason: "more than \(maxInteractions) interactions") }
        var meds: [Medication] = []
        for (index, value) in medications.enumerated() { meds.append(try medication(value, at: "medications[\(index)]")) }
        var pairs: [Interaction] = []
        for (index, value) in interactions.enumerated() { pairs.append(try interaction(value, at: "interactions[\(index)]")) }
        return PrescriptionAnalysis(medications: meds, interactions: pairs, source: .llm)
    }

    /// The interactions of CareFlow's own table that the answer left out, added: a model may
    /// miss one the table knows, never the other way round.
    public func addingKnownInteractions() -> PrescriptionAnalysis {
        var result = self
        func key(_ between: [String]) -> Set<String> { Set(between.map { $0.lowercased() }) }
        let present = Set(interactions.map { key($0.between) })
        for known in DrugInteractions.between(medications.map(\.name)) where !present.contains(key(known.between)) {
            result.interactions.append(known)
        }
        return result
    }

    private static func medication(_ value: JSONValue, at path: String) throws(AnswerViolation) -> Medication {
        let item = try AnswerFields.object(value, allowed: ["name", "dose", "unit", "route", "frequency", "duration_days", "warnings"], at: path)
        let name = try AnswerFields.text(item["name"], max: maxName, at: "\(path).name")
        let duration = try AnswerFields.optionalInteger(item["duration_days"], in: 1...365, at: "\(path).duration_days")
        let rawWarnings = try AnswerFields.array(item["warnings"], at: "\(path).warnings")
        guard rawWarnings.count <= maxWarnings else { throw AnswerViolation(reason: "\(path).warnings has more than \(maxWarnings)") }
        var warnings: [String] = []
        for (i, warning) in rawWarnings.enumerated() { warnings.append(try AnswerFields.text(warning, max: maxNote, at: "\(path).warnings[\(i)]")) }
        return Medication(name: name, dose: try AnswerFields.optionalText(item["dose"], max: maxShort, at: "\(path).dose"),
                          unit: try AnswerFields.optionalText(item["unit"], max: maxShort, at: "\(path).unit"),
                          route: try AnswerFields.optionalText(item["route"], max: maxShort, at: "\(path).route"),
                          frequency: try AnswerFields.optionalText(item["frequency"], max: maxShort, at: "\(path).frequency"),
                          durationDays: duration, warnings: warnings)
    }

    private static func interaction(_ value: JSONValue, at path: String) throws(AnswerViolation) -> Interaction {
        let item = try AnswerFields.object(value, allowed: ["between", "severity", "note"], at: path)
        guard case .array(let names)? = item["between"], names.count == 2 else {
            throw AnswerViolation(reason: "\(path).between must name exactly two medicines")
        }
        var between: [String] = []
        for (i, name) in names.enumerated() { between.append(try AnswerFields.text(name, max: maxName, at: "\(path).between[\(i)]")) }
        guard case .string(let severity)? = item["severity"], severities.contains(severity) else {
            throw AnswerViolation(reason: "\(path).severity must be one of \(severities.joined(separator: ", "))")
        }
        return Interaction(between: between, severity: severity, note: try AnswerFields.text(item["note"], max: maxNote, at: "\(path).note"))
    }
}
