import Yams

/// `reminders: {quiet_hours: {start: "21:00", end: "07:00"}, appointment_offsets: [24h, 2h]}`
/// (issue 13). Every member is optional; what is left out keeps its default.
extension TenantConfigurationLoader {
    static func parseReminders(_ node: Node, at field: String, checker: inout TenantFileChecker) -> ReminderSettings {
        var settings = ReminderSettings.standard
        if checker.isNull(node) { return settings }
        guard let pairs = checker.mapping(node, at: field, what: "a mapping with quiet_hours and appointment_offsets") else { return settings }
        for (name, value) in pairs {
            let path = "\(field).\(name)"
            switch name {
            case "quiet_hours":
                if let quiet = parseQuietHours(value, at: path, checker: &checker) { settings.quietHours = quiet }
            case "appointment_offsets":
                if let offsets = parseOffsets(value, at: path, checker: &checker) {
                    settings = ReminderSettings(quietHours: settings.quietHours, appointmentOffsets: offsets)
                }
            default:
                checker.fail(path, "unknown field (expected one of: quiet_hours, appointment_offsets)", value)
            }
        }
        return settings
    }

    private static func parseQuietHours(_ node: Node, at field: String, checker: inout TenantFileChecker) -> QuietHours? {
        guard let pairs = checker.mapping(node, at: field, what: "a mapping with start and end (\"HH:MM\")") else { return nil }
        var start: LocalClock?, end: LocalClock?, valid = true
        for (name, value) in pairs {
            let path = "\(field).\(name)"
            guard name == "start" || name == "end" else {
                checker.fail(path, "unknown field (expected one of: start, end)", value)
                valid = false
                continue
            }
            guard let text = checker.string(value, at: path) else { valid = false; continue }
            guard let clock = LocalClock(text) else {
                checker.fail(path, "invalid time '\(text)' (expected HH:MM, 00:00 to 23:59)", value)
                valid = false
                continue
            }
            if name == "start" { start = clock } else { end = clock }
        }
        let present = Set(pairs.map(\.key))
        for required in ["start", "end"] where !present.contains(required) {
            checker.fail("\(field).\(required)", "required", node)
        }
        guard valid, let start, let end else { return nil }
        return QuietHours(start: start, end: end)
    }

    private static func parseOffsets(_ node: Node, at field: String, checker: inout TenantFileChecker) -> [Duration]? {
        guard let items = checker.sequence(node, at: field, what: "a list of durations such as 24h or 90m") else { return nil }
        if items.count > 5 {
            checker.fail(field, "at most 5 reminders per appointment", node)
            return nil
        }
        var offsets: [Duration] = [], valid = true
        for (index, item) in items.enumerated() {
            let path = "\(field)[\(index)]"
            guard let text = checker.string(item, at: path) else { valid = false; continue }
            guard let offset = ReminderSettings.offset(parsing: text) else {
                checker.fail(path, "invalid duration '\(text)' (expected hours and/or minutes such as 24h, 90m or 1h30m, at most 30 days)", item)
                valid = false
                continue
            }
            if offsets.contains(offset) {
                checker.fail(path, "duplicate offset '\(text)'", item)
                valid = false
                continue
            }
            offsets.append(offset)
        }
        return valid ? offsets : nil
    }
}
