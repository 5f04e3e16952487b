import Foundation

extension Deidentifier.Identity {
    /// Everything of a patient that identifies them, opened with the tenant's cipher.
    public init(patient: Patient, cipher: FieldCipher) throws {
        let given: String = try cipher.open(patient.givenNameSealed)
        let family: String = try cipher.open(patient.familyNameSealed)
        let mrn: String = try cipher.open(patient.mrnSealed)
        let nationalID: String? = try cipher.open(patient.nationalIDSealed)
        let phone: String? = try cipher.open(patient.phoneSealed)
        let email: String? = try cipher.open(patient.emailSealed)
        let birthDate: String? = try cipher.open(patient.birthDateSealed)
        self.init(givenName: given, familyName: family, mrn: mrn, nationalID: nationalID, phone: phone, email: email,
                  birthDate: birthDate)
    }
}
