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
        guard case .object(let root) = answer else { throw MalformedPrescriptionAnswer(reason: "not a JSON object") }
        try Self.refuseUnknownKeys(root, allowed: ["medications", "interactions"], at: "")
        guard case .array(let medications)? = root["medications"] else {
            throw MalformedPrescriptionAnswer(reason: "medications must be an array")
        }
        guard case .array(let interactions)? = root["interactions"] else {
            throw MalformedPrescriptionAnswer(reason: "interactions must be an array")
        }
        guard medications.count <= Self.maxMedications else {
            throw MalformedPrescriptionAnswer(reason: "more than \(Self.maxMedications) medications")
        }
        guard interactions.count <= Self.maxInteractions else {
            throw MalformedPrescriptionAnswer(reason: "more than \(Self.maxInteractions) interactions")
        }
        let meds = try medications.enumerated().map { index, value in try Self.medication(value, at: "medications[\(index)]") }
        let pairs = try interactions.enumerated().map { index, value in try Self.interaction(value, at: "interactions[\(index)]") }
        self.init(medications: meds, interactions: pairs, source: .llm)
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

    private static func medication(_ value: JSONValue, at path: String) throws -> Medication {
        guard case .object(let item) = value else { throw MalformedPrescriptionAnswer(reason: "\(path) must be an object") }
        try refuseUnknownKeys(item, allowed: ["name", "dose", "unit", "route", "frequency", "duration_days", "warnings"], at: path)
        let name = try text(item["name"], max: maxName, at: "\(path).name")
        var duration: Int?
        switch item["duration_days"] {
        case nil, .null?: duration = nil
        case .number(let n)? where n.rounded() == n && (1...365).contains(n): duration = Int(n)
        default: throw MalformedPrescriptionAnswer(reason: "\(path).duration_days must be a whole number in 1…365 or null")
        }
        guard case .array(let rawWarnings)? = item["warnings"] else {
            throw MalformedPrescriptionAnswer(reason: "\(path).warnings must be an array")
        }
        guard rawWarnings.count <= maxWarnings else { throw MalformedPrescriptionAnswer(reason: "\(path).warnings has more than \(maxWarnings)") }
        let warnings = try rawWarnings.enumerated().map { i, w in try text(w, max: maxNote, at: "\(path).warnings[\(i)]") }
        return Medication(name: name, dose: try optionalText(item["dose"], at: "\(path).dose"),
                          unit: try optionalText(item["unit"], at: "\(path).unit"),
                          route: try optionalText(item["route"], at: "\(path).route"),
                          frequency: try optionalText(item["frequency"], at: "\(path).frequency"), durationDays: duration,
                          warnings: warnings)
    }

    private static func interaction(_ value: JSONValue, at path: String) throws -> Interaction {
        guard case .object(let item) = value else { throw MalformedPrescriptionAnswer(reason: "\(path) must be an object") }
        try refuseUnknownKeys(item, allowed: ["between", "severity", "note"], at: path)
        guard case .array(let names)? = item["between"], names.count == 2 else {
            throw MalformedPrescriptionAnswer(reason: "\(path).between must name exactly two medicines")
        }
        let between = try names.enumerated().map { i, n in try text(n, max: maxName, at: "\(path).between[\(i)]") }
        guard case .string(let severity)? = item["severity"], severities.contains(severity) else {
            throw MalformedPrescriptionAnswer(reason: "\(path).severity must be one of \(severities.joined(separator: ", "))")
        }
        return Interaction(between: between, severity: severity, note: try text(item["note"], max: maxNote, at: "\(path).note"))
    }

    private static func refuseUnknownKeys(_ object: [String: JSONValue], allowed: Set<String>, at path: String) throws {
        if let extra = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw MalformedPrescriptionAnswer(reason: "unexpected field \(path.isEmpty ? extra : "\(path).\(extra)")")
        }
    }

    private static func text(_ value: JSONValue?, max: Int, at path: String) throws -> String {
        guard case .string(let raw)? = value else { throw MalformedPrescriptionAnswer(reason: "\(path) must be a string") }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= max else { throw MalformedPrescriptionAnswer(reason: "\(path) must be 1–\(max) characters") }
        return text
    }

    private static func optionalText(_ value: JSONValue?, at path: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let raw)?:
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count <= maxShort else { throw MalformedPrescriptionAnswer(reason: "\(path) is longer than \(maxShort) characters") }
            return text.isEmpty ? nil : text
        default: throw MalformedPrescriptionAnswer(reason: "\(path) must be a string or null")
        }
    }
}
