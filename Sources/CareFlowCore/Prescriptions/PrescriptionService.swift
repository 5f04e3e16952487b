import FluentKit
import Foundation

/// `POST /api/v1/patients/{id}/prescriptions/analyze` (issue 13): reads a prescription — pasted
/// text, or a text or PDF prescription document of the patient — into medicines, dosing,
/// warnings and interactions. With a language model configured (`integrations.llm` an
/// `openai`/`groq` adapter) the tenant's LLM answers through `LLMExchangeService`
/// (de-identified, sealed, audited) and the core interaction table adds what it missed; with
/// `none`, or the development `console` recorder (whose answer is a schema placeholder, not an
/// analysis), the rule-based analyser answers. The result is stored on the patient's record,
/// sealed, and audited (`prescription.analyzed`) in one transaction; an LLM failure stores none.
public struct PrescriptionService: Sendable {
    let patients: PatientAccess
    let documents: DocumentService
    let exchanges: LLMExchangeService
    let llms: any TenantLLMs
    let keyring: Keyring
    let audit: AuditLog
    let extractor: PDFTextExtractor

    /// Longest prescription text analysed, pasted or extracted.
    public static let maxTextCharacters = 20_000
    /// Largest document read.
    public static let maxDocumentBytes = 5 * 1024 * 1024

    static let instructions = """
        You read a medical prescription and list every medicine it prescribes, with the dose per administration \
        (number as text) and its unit, the route (oral, IV, IM, subcutaneous, topical, inhaled…), the frequency in words \
        ("twice a day", "every 8 hours", "as needed"), the duration in days, and warnings a pharmacist would raise \
        (missing duration of an antibiotic, a dose above the usual maximum, a duplicate). List the interactions between \
        the prescribed medicines that matter clinically, each between exactly two of them, as named in medications. \
        Use null where the prescription does not say; do not invent. Text in square brackets such as [PATIENT_NAME] \
        stands for withheld details of the patient: leave it as it is.
        """

    public init(patients: PatientAccess, documents: DocumentService, exchanges: LLMExchangeService, llms: any TenantLLMs,
                keyring: Keyring, audit: AuditLog, extractor: PDFTextExtractor = PDFTextExtractor()) {
        self.patients = patients
        self.documents = documents
        self.exchanges = exchanges
        self.llms = llms
        self.keyring = keyring
        self.audit = audit
        self.extractor = extractor
    }

    /// What to analyse: exactly one of them.
    public enum Input: Sendable, Equatable {
        case text(String)
        case document(UUID)
    }

    public struct Stored: Sendable {
        public let analysis: PrescriptionAnalysis
        public let assessment: PrescriptionAssessment
    }

    public func analyze(_ input: Input, patientID: UUID, in ctx: RequestContext) async throws -> Stored {
        let (_, patient) = try await patients.authorize(ctx.principal, .prescriptionAnalyze, patientID: patientID, in: ctx.scope,
                                                        origin: ctx.origin)
        let (text, documentID) = try await prescriptionText(input, patientID: patientID, in: ctx)
        let llm = try await llms.llm(forTenant: ctx.tenantID)
        var analysis: PrescriptionAnalysis
        var exchangeID: UUID?
        if llm.isLanguageModel {
            let answer = try await askLLM(text, patientID: patientID, in: ctx)
            analysis = answer.value.addingKnownInteractions()
            exchangeID = answer.exchangeID
        } else {
            analysis = RuleBasedPrescriptionAnalyzer().analyze(text)
        }
        // The analysis and the text are the patient's: sealed under their own key.
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: ctx.tenantID, on: ctx.db)
        let row = PrescriptionAssessment(
            id: TimeOrderedID.make(), tenantID: ctx.tenantID, patientID: patientID, source: analysis.source, documentID: documentID,
            llmExchangeID: exchangeID, analysisSealed: try cipher.seal(analysis), textSealed: try cipher.seal(text),
            createdBy: ctx.principal.subjectID)
        var details = ["patient_id": patientID.lowercasedString, "source": analysis.source.rawValue,
                       "medications": String(analysis.medications.count), "interactions": String(analysis.interactions.count)]
        if let documentID { details["document_id"] = documentID.lowercasedString }
        let audit = self.audit
        try await ctx.scope.transaction { [details] scope in
            try await scope.create(row)
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: patient.homeFacilityID, actor: ctx.principal.auditActor,
                            action: .prescriptionAnalyzed, targetType: "prescription_analysis",
                            targetID: row.id!.lowercasedString, details: details),
                origin: ctx.origin, on: scope.db)
        }
        return Stored(analysis: analysis, assessment: row)
    }

    /// The LLM's analysis; its failures as problems: 503 when the provider could not be reached
    /// in time or is rate-limiting (worth retrying later), 502 for an answer that cannot be used
    /// or a provider that refuses the tenant's settings. The exchange itself is recorded either way.
    private func askLLM(_ text: String, patientID: UUID, in ctx: RequestContext) async throws
        -> LLMExchangeService.Answer<PrescriptionAnalysis> {
        let request = LLMExchangeService.Request(purpose: .prescription, patientID: patientID, text: text,
                                                 instructions: Self.instructions, schema: PrescriptionAnalysis.jsonSchema,
                                                 schemaName: "prescription_analysis")
        do {
            return try await exchanges.complete(request, in: ctx, validate: PrescriptionAnalysis.init(validatingLLMAnswer:))
        } catch let error as IntegrationError {
            let unusable = ["malformed", "refused"].contains(error.providerCode ?? "")
            if error.kind == .retryable && !unusable {
                throw AppError.unavailable("The tenant's language model did not answer; try again later")
            }
            throw AppError.badGateway(unusable ? "The tenant's language model gave no usable analysis"
                                               : "The tenant's language model refused the request")
        }
    }

    /// The text to analyse and, for a document, its id.
    private func prescriptionText(_ input: Input, patientID: UUID, in ctx: RequestContext) async throws -> (String, UUID?) {
        switch input {
        case .text(let text):
            return (text, nil)
        case .document(let documentID):
            let text = try await documentText(documentID, patientID: patientID, in: ctx)
            guard text.count <= Self.maxTextCharacters else {
                throw AppError.invalid("document_id", "has more than \(Self.maxTextCharacters) characters of text")
            }
            return (text, documentID)
        }
    }

    /// A prescription document of this patient (another patient's or tenant's is a 404), read
    /// as UTF-8 text or through the PDF extractor. The read is audited as a PHI read.
    private func documentText(_ documentID: UUID, patientID: UUID, in ctx: RequestContext) async throws -> String {
        let (entry, content) = try await documents.content(documentID: documentID, patientID: patientID, in: ctx)
        let document = entry.model
        guard document.kind == .prescription else {
            throw AppError.invalid("document_id", "is a \(document.kind.rawValue) document, not a prescription")
        }
        guard document.contentType == .text || document.contentType == .pdf else {
            throw AppError.invalid("document_id", "must be a text or PDF document (this one is \(document.contentType.rawValue))")
        }
        guard content.size <= Self.maxDocumentBytes else {
            throw AppError.invalid("document_id", "is larger than \(Self.maxDocumentBytes / (1024 * 1024)) MiB")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(content.size))
        try await content.stream { bytes.append(contentsOf: $0) }
        let text: String
        if document.contentType == .pdf {
            do {
                text = try extractor.text(of: bytes)
            } catch let failure as PDFTextExtractor.Failure {
                throw AppError.invalid("document_id", "\(failure)")
            }
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AppError.invalid("document_id", "has no text")
        }
        return text
    }
}
