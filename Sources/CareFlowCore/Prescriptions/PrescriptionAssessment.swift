import FluentKit
import Foundation

/// A prescription analysis stored on the patient's record (`prescription_analyses`). The
/// analysis and the prescription text it was made from are sealed under the tenant's data key;
/// who produced it (`source`), the document and the LLM exchange it came from are in clear.
public final class PrescriptionAssessment: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "prescription_analyses"
    public static var tenantIDField: KeyPath<PrescriptionAssessment, FieldProperty<PrescriptionAssessment, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "source") public var source: PrescriptionAnalysis.Source
    @OptionalField(key: "document_id") public var documentID: UUID?
    @OptionalField(key: "llm_exchange_id") public var llmExchangeID: UUID?
    @Field(key: "analysis_sealed") public var analysisSealed: Sealed<PrescriptionAnalysis>
    @Field(key: "text_sealed") public var textSealed: Sealed<String>
    @Field(key: "created_by") public var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    init(id: UUID, tenantID: UUID, patientID: UUID, source: PrescriptionAnalysis.Source, documentID: UUID?, llmExchangeID: UUID?,
         analysisSealed: Sealed<PrescriptionAnalysis>, textSealed: Sealed<String>, createdBy: UUID) {
        self.id = id
        self.tenantID = tenantID
        self.patientID = patientID
        self.source = source
        self.documentID = documentID
        self.llmExchangeID = llmExchangeID
        self.analysisSealed = analysisSealed
        self.textSealed = textSealed
        self.createdBy = createdBy
    }
}
