import CareFlowCore
import Foundation
import Vapor

/// The audit page's filter form (a GET form: the filters are the page's address, so a filtered
/// view can be bookmarked and paged). Read defensively: each value as typed (for showing it
/// again), the `AuditQuery.Filters` it means, and a plain sentence per field that is wrong.
/// Dates are whole days in the tenant's time zone; `to` includes its day.
struct ConsoleAuditFilterForm: Encodable, Sendable {
    var action = ""
    var actorID = ""
    var targetType = ""
    var targetID = ""
    var outcome = ""
    var from = ""
    var to = ""

    /// The form's fields, in the order the page's address repeats them.
    static let fieldNames = ["action", "actor_id", "target_type", "target_id", "outcome", "from", "to"]

    struct Parsed: Sendable {
        let form: ConsoleAuditFilterForm
        let filters: AuditQuery.Filters
        let problems: [String]
    }

    static func read(_ request: Request, clock: ConsoleClock) -> Parsed {
        var problems: [String] = []
        func value(_ name: String, label: String, maxLength: Int = 100) -> String {
            let raw = (request.query[String.self, at: name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard raw.count <= maxLength else {
                problems.append("\(label) is longer than \(maxLength) characters.")
                return String(raw.prefix(maxLength))
            }
            return raw
        }
        var form = ConsoleAuditFilterForm()
        var filters = AuditQuery.Filters()
        form.action = value("action", label: "Action")
        if !form.action.isEmpty {
            if AuditAction.all.contains(where: { $0.rawValue == form.action }) {
                filters.action = form.action
            } else {
                problems.append("Action must be one of the listed actions.")
            }
        }
        form.actorID = value("actor_id", label: "Actor")
        if !form.actorID.isEmpty {
            if let id = UUID(uuidString: form.actorID) { filters.actorID = id } else { problems.append("Actor must be an account id (a UUID).") }
        }
        form.targetType = value("target_type", label: "Target type")
        if !form.targetType.isEmpty { filters.targetType = form.targetType }
        form.targetID = value("target_id", label: "Target id")
        if !form.targetID.isEmpty { filters.targetID = form.targetID }
        form.outcome = value("outcome", label: "Outcome", maxLength: 20)
        if !form.outcome.isEmpty {
            if let outcome = AuditOutcome(rawValue: form.outcome) { filters.outcome = outcome } else {
                problems.append("Outcome must be success, denied or failure.")
            }
        }
        form.from = value("from", label: "From", maxLength: 10)
        if !form.from.isEmpty {
            if let start = clock.startOfDay(form.from) { filters.from = start } else { problems.append("From must be a date (YYYY-MM-DD).") }
        }
        form.to = value("to", label: "To", maxLength: 10)
        if !form.to.isEmpty {
            if let start = clock.startOfDay(form.to), let end = clock.endOfDay(startingAt: start) { filters.to = end } else {
                problems.append("To must be a date (YYYY-MM-DD).")
            }
        }
        if let from = filters.from, let to = filters.to, from >= to {
            problems.append("From must not be after To.")
        }
        return Parsed(form: form, filters: filters, problems: problems)
    }

    /// Unreserved ASCII only: everything else is percent-encoded.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The page's address with these filters (empty ones left out) and `extra` pairs.
    func href(_ extra: [(String, String)] = []) -> String {
        let values = [action, actorID, targetType, targetID, outcome, from, to]
        let pairs = zip(Self.fieldNames, values).filter { !$0.1.isEmpty }.map { ($0.0, $0.1) } + extra
        guard !pairs.isEmpty else { return ConsolePaths.audit }
        return ConsolePaths.audit + "?" + pairs.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")"
        }.joined(separator: "&")
    }
}
