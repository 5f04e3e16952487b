import FluentKit
import Foundation

extension PatientService {
    /// The patient record of a person who registered themself, linked to their new account.
    /// Sealed, indexed and numbered exactly like a registration at the desk, but inside the
    /// caller's transaction (the account, its role, this record and the verification email
    /// exist together or not at all) and without an access check: there is no staff member,
    /// the signup flow itself decides.
    func registerSelf(_ input: PatientInput, account userID: UUID, cipher: FieldCipher, in scope: TenantScope) async throws -> Patient {
        // Sealed under the new patient's own key, made in the same transaction as the patient.
        let patientID = TimeOrderedID.make()
        let own = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        return try await insert(input, id: patientID, account: userID, cipher: own, in: scope)
    }
}
