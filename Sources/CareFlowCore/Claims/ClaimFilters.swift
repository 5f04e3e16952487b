import Foundation

/// The filters of `GET /api/v1/claims`; each narrows what the caller may see anyway.
public struct ClaimFilters: Sendable {
    public var invoiceID: UUID?
    public var facilityID: UUID?
    public var status: Claim.Status?

    public init(invoiceID: UUID? = nil, facilityID: UUID? = nil, status: Claim.Status? = nil) {
        self.invoiceID = invoiceID
        self.facilityID = facilityID
        self.status = status
    }
}
