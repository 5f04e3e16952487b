import FluentKit
import Foundation

/// Blind index of one word of a patient's name, for token search ("search 'maria'").
public final class PatientNameToken: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patient_name_tokens"
    public static var tenantIDField: KeyPath<PatientNameToken, FieldProperty<PatientNameToken, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "token_index") public var tokenIndex: String

    public init() {}

    public init(tenantID: UUID, patientID: UUID, tokenIndex: String) {
        self.tenantID = tenantID
        self.patientID = patientID
        self.tokenIndex = tokenIndex
    }
}
