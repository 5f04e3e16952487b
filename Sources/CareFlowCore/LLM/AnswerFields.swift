import Foundation

/// The checks an LLM's structured answer goes through, field by field, for every purpose (care
/// steps, prescriptions). A violation names the path and the rule, never the value: the reason
/// is shown to operators when the outbox dead-letters a job, and values are PHI.
struct AnswerViolation: Error {
    let reason: String
}

enum AnswerFields {
    /// An object with no keys outside `allowed`.
    static func object(_ value: JSONValue?, allowed: Set<String>, at path: String) throws(AnswerViolation) -> [String: JSONValue] {
        guard case .object(let object)? = value else {
            throw AnswerViolation(reason: path.isEmpty ? "not a JSON object" : "\(path) must be an object")
        }
        if let extra = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw AnswerViolation(reason: "unexpected field \(path.isEmpty ? extra : "\(path).\(extra)")")
        }
        return object
    }

    static func array(_ value: JSONValue?, at path: String) throws(AnswerViolation) -> [JSONValue] {
        guard case .array(let items)? = value else { throw AnswerViolation(reason: "\(path) must be an array") }
        return items
    }

    /// Trimmed text of 1…`max` characters.
    static func text(_ value: JSONValue?, max: Int, at path: String) throws(AnswerViolation) -> String {
        guard case .string(let raw)? = value else { throw AnswerViolation(reason: "\(path) must be a string") }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= max else { throw AnswerViolation(reason: "\(path) must be 1–\(max) characters") }
        return text
    }

    /// Trimmed text of at most `max` characters; null, absent or blank is nil.
    static func optionalText(_ value: JSONValue?, max: Int, at path: String) throws(AnswerViolation) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let raw)?:
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count <= max else { throw AnswerViolation(reason: "\(path) is longer than \(max) characters") }
            return text.isEmpty ? nil : text
        default: throw AnswerViolation(reason: "\(path) must be a string or null")
        }
    }

    /// A whole number within `range` (a JSON number such as 3.0 counts, 2.5 does not).
    static func integer(_ value: JSONValue?, in range: ClosedRange<Int>, at path: String) throws(AnswerViolation) -> Int {
        guard case .number(let number)? = value, let int = Int(exactly: number), range.contains(int) else {
            throw AnswerViolation(reason: "\(path) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return int
    }

    /// As `integer`, or nil for null or absent.
    static func optionalInteger(_ value: JSONValue?, in range: ClosedRange<Int>, at path: String) throws(AnswerViolation) -> Int? {
        switch value {
        case nil, .null?: return nil
        default:
            do { return try integer(value, in: range, at: path) } catch {
                throw AnswerViolation(reason: "\(error.reason) or null")
            }
        }
    }
}
