import CareFlowCore
import Vapor

/// An insurance claim as the API shows it. `policy_number` is null for a caller who may not read
/// the patient's demographics; `history` (oldest first) only on a single claim, absent in lists.
struct ClaimDTO: Content {
    let id: UUID
    let invoiceID: UUID
    let facilityID: UUID
    let patientID: UUID
    let payer: String
    let policyNumber: String?
    let amount: Int
    let currency: String
    let status: String
    let denialReason: String?
    let createdBy: UUID?
    let createdAt: Date
    let updatedAt: Date?
    let history: [Transition]?

    /// One move of the claim: from (null for the submission) and to, who and when, the note.
    struct Transition: Content, SchemaAnnotated {
        let from: String?
        let to: String
        let at: Date
        let actorID: UUID?
        let actorDisplayName: String?
        let note: String?

        enum CodingKeys: String, CodingKey {
            case from, to, at, note
            case actorID = "actor_id"
            case actorDisplayName = "actor_display_name"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(at, forKey: .at)
            try c.encode(actorID, forKey: .actorID)
            try c.encode(actorDisplayName, forKey: .actorDisplayName)
            try c.encode(note, forKey: .note)
        }

        static var schemaNotes: [String: SchemaNote] {
            ["from": .values(of: Claim.Status.self), "to": .values(of: Claim.Status.self)]
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, payer, amount, currency, status, history
        case invoiceID = "invoice_id"
        case facilityID = "facility_id"
        case patientID = "patient_id"
        case policyNumber = "policy_number"
        case denialReason = "denial_reason"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(invoiceID, forKey: .invoiceID)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(payer, forKey: .payer)
        try c.encode(policyNumber, forKey: .policyNumber)
        try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency)
        try c.encode(status, forKey: .status)
        try c.encode(denialReason, forKey: .denialReason)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(history, forKey: .history)
    }
}

extension ClaimDTO {
    init(_ view: ClaimView) {
        let c = view.claim
        id = c.id!
        invoiceID = c.invoiceID
        facilityID = c.facilityID
        patientID = c.patientID
        payer = c.payer
        policyNumber = view.policyNumber
        amount = c.amount
        currency = c.currency
        status = c.status.rawValue
        denialReason = view.denialReason
        createdBy = c.createdBy
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        history = view.history?.map { entry in
            Transition(from: entry.transition.fromStatus?.rawValue, to: entry.transition.toStatus.rawValue, at: entry.transition.at,
                       actorID: entry.transition.actorID, actorDisplayName: entry.actorDisplayName, note: entry.note)
        }
    }
}

extension ClaimDTO: SchemaSample {
    /// The first sample, and the first entry of its history, set every member: list schemas are
    /// read off the first item.
    static var schemaSamples: [Self] {
        [ClaimDTO(id: UUID(), invoiceID: UUID(), facilityID: UUID(), patientID: UUID(), payer: "RSSB", policyNumber: "RSSB-0012345",
                  amount: 45_000, currency: "rwf", status: Claim.Status.denied.rawValue, denialReason: "Not covered by the plan",
                  createdBy: UUID(), createdAt: Date(), updatedAt: Date(),
                  history: [Transition(from: Claim.Status.inReview.rawValue, to: Claim.Status.denied.rawValue, at: Date(), actorID: UUID(),
                                       actorDisplayName: "Bea", note: "Not covered by the plan")]),
         ClaimDTO(id: UUID(), invoiceID: UUID(), facilityID: UUID(), patientID: UUID(), payer: "RSSB", policyNumber: nil,
                  amount: 45_000, currency: "rwf", status: Claim.Status.submitted.rawValue, denialReason: nil, createdBy: nil,
                  createdAt: Date(), updatedAt: nil,
                  history: [Transition(from: nil, to: Claim.Status.submitted.rawValue, at: Date(), actorID: nil, actorDisplayName: nil,
                                       note: nil)])]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["status": .values(of: Claim.Status.self), "currency": .description("ISO 4217, lower case: the invoice's"),
         "amount": .description("Minor units of the currency")]
    }
}
