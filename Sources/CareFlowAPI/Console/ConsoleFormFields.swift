import CareFlowCore
import Vapor

/// The fields of a posted console form (`application/x-www-form-urlencoded`), read defensively:
/// missing, oversized or non-text values come back as nil and the page says what is wrong.
struct ConsoleFormFields: Sendable {
    private let values: [String: String]

    init(_ request: Request) throws {
        guard request.headers.contentType == .urlEncodedForm else {
            throw AppError.unsupportedMediaType("Console forms are sent as application/x-www-form-urlencoded")
        }
        values = (try? request.content.decode([String: String].self)) ?? [:]
    }

    /// The trimmed value, nil when absent, empty or longer than `maxLength`.
    func text(_ name: String, maxLength: Int = 200) -> String? {
        guard let raw = values[name] else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= maxLength else { return nil }
        return value
    }

    /// As typed (passwords keep their spaces), nil when absent, empty or too long.
    func secret(_ name: String, maxLength: Int = 1024) -> String? {
        guard let value = values[name], !value.isEmpty, value.count <= maxLength else { return nil }
        return value
    }

    /// Every value of a repeated field (`roles=a&roles=b` arrives as `roles[]`-less pairs; the
    /// console names such fields `name[]`).
    func list(_ name: String) -> [String] {
        values.filter { $0.key.hasPrefix(name + "[") }.sorted { $0.key < $1.key }.map(\.value)
    }
}
