/// Provider delivery reports arrive more than once and out of order: a status only replaces one of
/// a lower rank, so "delivered" is never overwritten by a late "sent". The ranks are the
/// provider's (`DeliveryReportDecoder.statusRanks`).
public enum DeliveryStatus {
    /// The rank of a reported status; unknown ones rank lowest and never replace a known one.
    public static func rank(_ status: String?, in ranks: [String: Int]) -> Int {
        guard let status else { return -1 }
        return ranks[status] ?? 0
    }

    /// Whether `new` may replace `current`.
    public static func advances(from current: String?, to new: String, ranks: [String: Int]) -> Bool {
        rank(new, in: ranks) > rank(current, in: ranks)
    }
}
