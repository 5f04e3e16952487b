import Foundation

/// What an admission asks for. `bed` nil: the lowest free bed of the ward; `admittedAt` nil: now.
public struct AdmissionRequest: Sendable {
    public var patientID: UUID
    public var facilityID: UUID
    public var wardID: UUID
    public var bed: Int?
    public var admittedAt: Date?
    public var reason: String

    public init(patientID: UUID, facilityID: UUID, wardID: UUID, bed: Int?, admittedAt: Date?, reason: String) {
        self.patientID = patientID
        self.facilityID = facilityID
        self.wardID = wardID
        self.bed = bed
        self.admittedAt = admittedAt
        self.reason = reason
    }
}

/// What a discharge records. `dischargedAt` nil: now.
public struct DischargeRequest: Sendable {
    public var dischargedAt: Date?
    public var disposition: Disposition
    public var summary: String?

    public init(dischargedAt: Date?, disposition: Disposition, summary: String?) {
        self.dischargedAt = dischargedAt
        self.disposition = disposition
        self.summary = summary
    }
}

/// An admission as one caller may see it: reason and summary are clinical content, opened only
/// for callers `patient.read_clinical` allows; for everyone else both stay nil.
public struct VisibleAdmission: Sendable {
    public let admission: Admission
    public let showsClinical: Bool
    public let reason: String?
    public let summary: String?
}
