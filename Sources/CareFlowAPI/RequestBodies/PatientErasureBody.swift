import CareFlowCore
import Foundation

/// `POST /api/v1/patients/{patientID}/erase`: why (kept sealed with the erasure record; an
/// erasure without a stated reason is refused).
struct PatientErasureBody: RequestBody {
    let reason: String

    init?(fields: inout FieldReader) {
        guard let reason = fields.string("reason", maxLength: 2000), fields.errors.isEmpty else { return nil }
        self.reason = reason
    }
}
