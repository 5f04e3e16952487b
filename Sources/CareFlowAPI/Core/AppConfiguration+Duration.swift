import Foundation

extension AppConfiguration {
    /// A duration setting: whole seconds (`86400`) or a number with a unit (`90s`, `30m`,
    /// `24h`, `7d`). Nil when unset or unreadable, so the caller's default applies.
    static func seconds(_ text: String?) -> TimeInterval? {
        guard let text = text?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else { return nil }
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        if let unit = text.last, let factor = units[unit] {
            return Int(text.dropLast()).flatMap { $0 >= 0 ? TimeInterval($0) * factor : nil }
        }
        return Int(text).flatMap { $0 >= 0 ? TimeInterval($0) : nil }
    }
}
