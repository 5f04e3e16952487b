/// Provider delivery reports arrive more than once and out of order: a status only replaces one of
/// a lower rank, so "delivered" is never overwritten by a late "sent" (specs/twilio.md).
public enum DeliveryStatus {
    static let ranks: [String: Int] = [
        // Twilio MessageStatus
        "queued": 1, "accepted": 1, "sending": 2, "sent": 3, "delivered": 5, "read": 6, "undelivered": 5, "failed": 5,
        // SendGrid events
        "processed": 2, "deferred": 3, "dropped": 5, "bounce": 5, "open": 6, "click": 7, "spamreport": 8, "unsubscribe": 8,
    ]

    /// The rank of a reported status; unknown ones rank lowest and never replace a known one.
    public static func rank(_ status: String?) -> Int {
        guard let status else { return -1 }
        return ranks[status] ?? 0
    }

    /// Whether `new` may replace `current`.
    public static func advances(from current: String?, to new: String) -> Bool {
        rank(new) > rank(current)
    }
}
