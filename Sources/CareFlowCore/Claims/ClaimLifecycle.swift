/// Where an insurance claim may go from where it is (issue 14), and nothing else:
///
///     submitted → in_review
///     in_review → approved
///     in_review → denied      (with a reason)
///     approved  → paid
///
/// No state is skipped (a claim is reviewed before it is decided), none is left backwards, and
/// nothing leaves `denied` or `paid`. The claim service asks this one table; the database
/// update is conditional on the state read, so a lost race is refused the same way.
public enum ClaimLifecycle {
    /// Every allowed move, in the order the issue lists them.
    public static let edges: [(from: Claim.Status, to: Claim.Status)] = [
        (.submitted, .inReview), (.inReview, .approved), (.inReview, .denied), (.approved, .paid),
    ]

    public static func canMove(from: Claim.Status, to: Claim.Status) -> Bool {
        edges.contains { $0.from == from && $0.to == to }
    }

    /// The states reachable in one move from `status`.
    public static func next(after status: Claim.Status) -> [Claim.Status] {
        edges.filter { $0.from == status }.map(\.to)
    }

    /// Refuses a move off the edges with a 409 that names both ends and what is allowed instead.
    public static func check(from: Claim.Status, to: Claim.Status) throws(AppError) {
        guard canMove(from: from, to: to) else {
            let allowed = next(after: from).map(\.rawValue)
            throw .conflict("A claim cannot move from \(from.rawValue) to \(to.rawValue)"
                            + (allowed.isEmpty ? ": \(from.rawValue) is final" : " (from \(from.rawValue) only to: \(allowed.joined(separator: ", ")))"))
        }
    }

    /// A denial must say why: the note becomes the claim's denial reason.
    public static func requiresReason(_ to: Claim.Status) -> Bool {
        to == .denied
    }

    /// Whether a claim in this state still counts against its invoice's total: a denied claim
    /// frees its amount for another claim (another payer, or a corrected one).
    public static func holdsAmount(_ status: Claim.Status) -> Bool {
        status != .denied
    }

    /// Invoices a claim may be filed against: issued and not cancelled or fully given back.
    /// A draft has no number yet and may change; a void or refunded invoice is owed by nobody.
    public static func acceptsClaims(_ invoice: Invoice.Status) -> Bool {
        invoice == .open || invoice == .paid || invoice == .partiallyRefunded
    }
}
