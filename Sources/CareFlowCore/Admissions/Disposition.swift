/// Where a patient went when discharged (`admissions.disposition`). The set is closed so the
/// analytics and exports built on the column can rely on it.
public enum Disposition: String, Codable, Sendable, CaseIterable {
    case home
    case transferred
    case againstMedicalAdvice = "against_medical_advice"
    case deceased
    case other
}
