/// Which bed an admission without an explicit bed takes. Pure, so the rule is tested without a
/// database; the database's partial unique index still decides between concurrent admissions.
public enum BedChoice {
    /// The lowest bed of 1…`beds` not in `occupied`, or nil when the ward is full.
    public static func lowestFree(beds: Int, occupied: Set<Int>) -> Int? {
        guard beds >= 1 else { return nil }
        return (1...beds).first { !occupied.contains($0) }
    }
}
