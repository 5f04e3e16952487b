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
        do {
            self = try Self.read(answer)
        } catch {
            throw MalformedStepsAnswer(reason: error.reason)
        }
    }

    private static func read(_ answer: JSONValue) throws(AnswerViolation) -> ExtractedSteps {
        let root = try AnswerFields.object(answer, allowed: ["checklist", "plan"], at: "")
        let checklist = try AnswerFields.array(root["checklist"], at: "checklist")
        let plan = try AnswerFields.array(root["plan"], at: "plan")
        guard checklist.count + plan.count <= maxItems else { throw AnswerViolation(reason: "more than \(maxItems) steps") }
        var steps = ExtractedSteps()
        for (index, value) in checklist.enumerated() {
            let path = "checklist[\(index)]"
            let item = try AnswerFields.object(value, allowed: ["title", "detail"], at: path)
            steps.checklist.append(ChecklistItem(title: try AnswerFields.text(item["title"], max: maxTitle, at: "\(path).title"),
                                                 detail: try AnswerFields.optionalText(item["detail"], max: maxDetail, at: "\(path).detail")))
        }
        for (index, value) in plan.enumerated() {
            let path = "plan[\(index)]"
            let item = try AnswerFields.object(value, allowed: ["title", "detail", "times_per_day", "time_of_day", "duration_days"], at: path)
            let times = try AnswerFields.integer(item["times_per_day"], in: 1...24, at: "\(path).times_per_day")
            let days = try AnswerFields.integer(item["duration_days"], in: 1...365, at: "\(path).duration_days")
            var clock: String?
            switch item["time_of_day"] {
            case nil, .null?: clock = nil
            case .string(let text)? where LocalClock(text) != nil: clock = text
            default: throw AnswerViolation(reason: "\(path).time_of_day must be HH:MM or null")
            }
            steps.plan.append(PlanItem(title: try AnswerFields.text(item["title"], max: maxTitle, at: "\(path).title"),
                                       detail: try AnswerFields.optionalText(item["detail"], max: maxDetail, at: "\(path).detail"),
                                       timesPerDay: times, timeOfDay: clock, durationDays: days))
        }
        return steps
    }
}
