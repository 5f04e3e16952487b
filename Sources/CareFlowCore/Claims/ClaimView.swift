import Foundation

/// A claim as its reader may see it: sealed fields opened, and for a single claim its history.
public struct ClaimView: Sendable {
    public let claim: Claim
    /// Nil for a caller who may not read the patient's demographics, where insurance belongs.
    public let policyNumber: String?
    public let denialReason: String?
    /// Oldest first; nil in lists (only the single claim carries its history).
    public let history: [Entry]?

    /// One move of the claim, with who made it.
    public struct Entry: Sendable {
        public let transition: ClaimTransition
        public let actorDisplayName: String?
        public let note: String?
    }
}
