import Foundation

/// An LLM's answer is outside input: it is checked field by field against the schema it was
/// given, and a malformed answer is refused with the reason (the outbox retries it, then
/// dead-letters it with that reason visible to operators).
public struct MalformedStepsAnswer: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "The extraction answer does not match its schema: \(reason)" }
}

extension ExtractedSteps {
    static let maxItems = 50
    static let maxTitle = 200
    static let maxDetail = 2_000

    /// The JSON schema sent with the request (OpenAI/Groq structured output, strict mode: every
    /// property listed as required, optional ones nullable).
    public static let jsonSchema: JSONValue = {
        let text = JSONValue.object(["type": .string("string")])
        let optionalText = JSONValue.object(["type": .array([.string("string"), .string("null")])])
        let checklistItem = JSONValue.object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object(["title": text, "detail": optionalText]),
            "required": .array([.string("title"), .string("detail")]),
        ])
        let planItem = JSONValue.object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object([
                "title": text, "detail": optionalText,
                "times_per_day": .object(["type": .string("integer")]),
                "time_of_day": .object(["type": .array([.string("string"), .string("null")]),
                                        "description": .string("HH:MM, 24-hour clock")]),
                "duration_days": .object(["type": .string("integer")]),
            ]),
            "required": .array(["title", "detail", "times_per_day", "time_of_day", "duration_days"].map(JSONValue.string)),
        ])
        return .object([
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object([
                "checklist": .object(["type": .string("array"), "items": checklistItem]),
                "plan": .object(["type": .string("array"), "items": planItem]),
            ]),
            "required": .array([.string("checklist"), .string("plan")]),
        ])
    }()

    /// Parses and checks an answer: both arrays present, titles non-empty and bounded,
    /// `times_per_day` 1…24, `duration_days` 1…365, `time_of_day` a real HH:MM, no unknown keys.
    public init(validating answer: JSONValue) throws {
        guard case .object(let root) = answer else { throw MalformedStepsAnswer(reason: "not a JSON object") }
        try Self.refuseUnknownKeys(root, allowed: ["checklist", "plan"], at: "")
        guard case .array(let checklist)? = root["checklist"] else { throw MalformedStepsAnswer(reason: "checklist must be an array") }
        guard case .array(let plan)? = root["plan"] else { throw MalformedStepsAnswer(reason: "plan must be an array") }
        guard checklist.count + plan.count <= Self.maxItems else {
            throw MalformedStepsAnswer(reason: "more than \(Self.maxItems) steps")
        }
        self.checklist = try checklist.enumerated().map { index, value in
            let path = "checklist[\(index)]"
            guard case .object(let item) = value else { throw MalformedStepsAnswer(reason: "\(path) must be an object") }
            try Self.refuseUnknownKeys(item, allowed: ["title", "detail"], at: path)
            return ChecklistItem(title: try Self.title(item, at: path), detail: try Self.detail(item, at: path))
        }
        self.plan = try plan.enumerated().map { index, value in
            let path = "plan[\(index)]"
            guard case .object(let item) = value else { throw MalformedStepsAnswer(reason: "\(path) must be an object") }
            try Self.refuseUnknownKeys(item, allowed: ["title", "detail", "times_per_day", "time_of_day", "duration_days"], at: path)
            let times = try Self.integer(item["times_per_day"], in: 1...24, name: "\(path).times_per_day")
            let days = try Self.integer(item["duration_days"], in: 1...365, name: "\(path).duration_days")
            var clock: String?
            switch item["time_of_day"] {
            case nil, .null?: clock = nil
            case .string(let text)? where LocalClock(text) != nil: clock = text
            default: throw MalformedStepsAnswer(reason: "\(path).time_of_day must be HH:MM or null")
            }
            return PlanItem(title: try Self.title(item, at: path), detail: try Self.detail(item, at: path),
                            timesPerDay: times, timeOfDay: clock, durationDays: days)
        }
    }

    private static func refuseUnknownKeys(_ object: [String: JSONValue], allowed: Set<String>, at path: String) throws {
        if let extra = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw MalformedStepsAnswer(reason: "unexpected field \(path.isEmpty ? extra : "\(path).\(extra)")")
        }
    }

    private static func title(_ item: [String: JSONValue], at path: String) throws -> String {
        guard case .string(let raw)? = item["title"] else { throw MalformedStepsAnswer(reason: "\(path).title must be a string") }
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= maxTitle else {
            throw MalformedStepsAnswer(reason: "\(path).title must be 1–\(maxTitle) characters")
        }
        return title
    }

    private static func detail(_ item: [String: JSONValue], at path: String) throws -> String? {
        switch item["detail"] {
        case nil, .null?: return nil
        case .string(let raw)?:
            let detail = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard detail.count <= maxDetail else { throw MalformedStepsAnswer(reason: "\(path).detail is too long") }
            return detail.isEmpty ? nil : detail
        default: throw MalformedStepsAnswer(reason: "\(path).detail must be a string or null")
        }
    }

    private static func integer(_ value: JSONValue?, in range: ClosedRange<Int>, name: String) throws -> Int {
        guard case .number(let number)? = value, number.rounded() == number, let int = Int(exactly: number), range.contains(int) else {
            throw MalformedStepsAnswer(reason: "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return int
    }
}
