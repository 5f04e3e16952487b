import FluentKit
import Foundation

extension PatientService {
    /// The patient record of a person who registered themself, linked to their new account.
    /// Sealed, indexed and numbered exactly like a registration at the desk, but inside the
    /// caller's transaction (the account, its role, this record and the verification email
    /// exist together or not at all) and without an access check: there is no staff member,
    /// the signup flow itself decides.
    func registerSelf(_ input: PatientInput, account userID: UUID, cipher: FieldCipher, in scope: TenantScope) async throws -> Patient {
        let patient = Patient()
        patient.id = TimeOrderedID.make()
        let mrn = try await MRNAllocator.next(tenantID: scope.tenantID, on: scope.db)
        patient.mrnSealed = try cipher.seal(mrn)
        patient.mrnIndex = cipher.index(mrn, as: .mrn)
        try apply(input, to: patient, cipher: cipher)
        patient.userID = userID
        try await scope.create(patient)
        try await writeNameTokens(patient, given: input.givenName, family: input.familyName, cipher: cipher, scope: scope)
        return patient
    }
}
