import CareFlowCore

/// JSON Schemas of the request and response bodies (the DTOs in `DTOs/`).
enum OpenAPISchemas {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        return .object(o)
    }

    static func type(_ t: String, format: String? = nil, nullable: Bool = false) -> JSONValue {
        var o: [String: JSONValue] = ["type": nullable ? .array([.string(t), .string("null")]) : .string(t)]
        if let format { o["format"] = .string(format) }
        return .object(o)
    }

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func array(_ items: JSONValue) -> JSONValue { .object(["type": .string("array"), "items": items]) }
    /// Every schema of the document: the request bodies read off their validation code, the
    /// response bodies off their encoding code, the rest written here.
    static let all: [String: JSONValue] = written
        .merging(predictionRequests) { _, generated in generated }
        .merging(requestBodies.mapValues { $0.fieldSchema }) { _, generated in generated }
        .merging(responseSchemas) { _, generated in generated }

    /// Response bodies by schema name; each schema is recorded by encoding the DTO's own
    /// `schemaSamples` (`SchemaRecordingEncoder`), so it cannot drift from what the API sends.
    /// A DTO listed here appears inside the others as a `$ref` to its name.
    static let responses: [(name: String, type: any SchemaSample.Type)] = [
        ("TokenResponse", TokenResponse.self), ("MFARequired", MFARequiredResponse.self), ("RoleGrant", RoleGrantDTO.self), ("Me", MeDTO.self),
        ("AccountRequestAccepted", AccountRequestAcceptedDTO.self), ("Session", SessionDTO.self), ("SessionList", SessionListDTO.self),
        ("Tenant", TenantDTO.self), ("TenantList", ListResponse<TenantDTO>.self), ("UserSummary", UserSummaryDTO.self),
        ("OnboardedTenant", OnboardedTenantDTO.self), ("Facility", FacilityDTO.self), ("FacilityList", ListResponse<FacilityDTO>.self),
        ("StaffMember", StaffMemberDTO.self), ("StaffList", ListResponse<StaffMemberDTO>.self),
        ("AuditEvent", AuditEventDTO.self), ("AuditEventList", ListResponse<AuditEventDTO>.self),
        ("Patient", PatientDTO.self), ("PatientList", ListResponse<PatientDTO>.self),
        ("CareRelationship", CareRelationshipDTO.self), ("CareRelationshipList", ListResponse<CareRelationshipDTO>.self),
        ("MedicalRecord", MedicalRecordDTO.self), ("MedicalRecordList", ListResponse<MedicalRecordDTO>.self),
        ("WebhookReceived", WebhookController.Received.self), ("ModelReference", PredictionDTO.ModelReference.self), ("Prediction", PredictionDTO.self),
        ("RiskAssessment", RiskAssessmentDTO.self), ("RiskAssessmentList", ListResponse<RiskAssessmentDTO>.self),
        ("VisitNote", VisitNoteDTO.self), ("VisitNoteList", ListResponse<VisitNoteDTO>.self),
        ("CareStep", CareStepDTO.self), ("CareStepList", ListResponse<CareStepDTO>.self),
        ("Document", DocumentDTO.self), ("DocumentList", ListResponse<DocumentDTO>.self), ("StaffProfile", StaffProfileDTO.self),
        ("Doctor", DoctorDTO.self), ("DoctorList", ListResponse<DoctorDTO>.self),
        ("Slot", AvailabilitySlotDTO.self), ("SlotList", ListResponse<AvailabilitySlotDTO>.self),
        ("AvailabilityWindow", AvailabilityWindowDTO.self), ("AvailabilityWindowList", ListResponse<AvailabilityWindowDTO>.self),
        ("AvailabilityException", AvailabilityExceptionDTO.self), ("AvailabilityExceptionList", ListResponse<AvailabilityExceptionDTO>.self),
        ("Appointment", AppointmentDTO.self), ("AppointmentList", ListResponse<AppointmentDTO>.self),
        ("Shift", ShiftDTO.self), ("ShiftList", ListResponse<ShiftDTO>.self), ("Device", DeviceDTO.self), ("DeviceList", ListResponse<DeviceDTO>.self),
        ("IntegrationStatus", IntegrationStatusDTO.self), ("Integrations", IntegrationsResponse.self),
        ("OutboxMessage", OutboxMessageDTO.self), ("OutboxMessageList", ListResponse<OutboxMessageDTO>.self),
        ("ShiftCoverage", ShiftCoverageDTO.self), ("Problem", ProblemDetails.self), ("Status", SystemController.Status.self),
        ("Readiness", ReadinessDTO.self),
        ("TOTPEnrolment", TOTPEnrolmentDTO.self), ("RecoveryCodes", RecoveryCodesDTO.self),
        ("SeedPatientCreated", SeedPatientController.SeedPatientResponse.self),
        ("PrescriptionAnalysis", PrescriptionAnalysisDTO.self), ("PrescribedMedication", PrescriptionAnalysisDTO.Medication.self),
        ("DrugInteraction", PrescriptionAnalysisDTO.Interaction.self),
        ("Ward", WardDTO.self), ("WardList", ListResponse<WardDTO>.self),
        ("Admission", AdmissionDTO.self), ("AdmissionList", ListResponse<AdmissionDTO>.self),
        ("InvoicePayment", InvoicePaymentDTO.self), ("InvoiceRefund", InvoiceRefundDTO.self),
        ("Invoice", InvoiceDTO.self), ("InvoiceList", ListResponse<InvoiceDTO>.self),
        ("Claim", ClaimDTO.self), ("ClaimList", ListResponse<ClaimDTO>.self),
        ("AnalyticsSeries", AnalyticsSeriesDTO.self),
        ("PatientErasure", PatientErasureDTO.self),
    ]

    static let responseSchemas: [String: JSONValue] = {
        let encoder = SchemaRecordingEncoder(names: Dictionary(uniqueKeysWithValues: responses.map { (ObjectIdentifier($0.type), $0.name) }))
        // A sample that cannot be encoded is a programming error caught by every test that boots the app.
        return Dictionary(uniqueKeysWithValues: responses.map { ($0.name, try! encoder.schema(of: $0.type)) })
    }()

    /// Request bodies by schema name; each schema is what the body's `init?(fields:)` reads and
    /// checks (`ValidatedFields.fieldSchema`), so it cannot drift from the handler.
    static let requestBodies: [String: any RequestBody.Type] = [
        "LoginRequest": LoginBody.self, "MFAVerifyRequest": MFAVerifyBody.self, "CodeRequest": CodeBody.self,
        "RefreshRequest": RefreshBody.self, "AcceptInvitationRequest": TokenPasswordBody.self, "SignupRequest": SignupBody.self,
        "TokenRequest": TokenBody.self, "ForgotPasswordRequest": ForgotPasswordBody.self, "ProfileUpdateRequest": ProfileUpdateBody.self,
        "PasswordChangeRequest": PasswordChangeBody.self, "CreateTenantRequest": CreateTenantBody.self,
        "CreateFacilityRequest": CreateFacilityBody.self, "InviteStaffRequest": InviteStaffBody.self, "ChangeRolesRequest": ChangeRolesBody.self,
        "PatientWrite": NewPatientBody.self, "PatientChanges": PatientChangesBody.self, "SeedPatient": SeedPatientBody.self,
        "PrimaryDoctorChoice": PrimaryDoctorBody.self, "CareRelationshipWrite": CareAssignmentBody.self,
        "StaffProfileWrite": StaffProfileBody.self, "AvailabilityWrite": WeeklyScheduleBody.self,
        "AvailabilityExceptionWrite": AvailabilityExceptionBody.self, "BookingRequest": BookingBody.self, "ShiftWrite": ShiftBody.self,
        "DeviceRegistration": DeviceRegistrationBody.self, "MedicalRecordWrite": MedicalRecordBody.self,
        "VisitNoteWrite": VisitNoteBody.self, "PrescriptionAnalysisRequest": PrescriptionAnalysisBody.self,
        "WardWrite": WardBody.self, "WardChanges": WardChangesBody.self, "AdmissionRequest": AdmissionBody.self,
        "DischargeRequest": DischargeBody.self,
        "InvoicePaymentRequest": InvoicePaymentBody.self, "InvoiceRefundRequest": InvoiceRefundBody.self,
        "InvoiceWrite": NewInvoiceBody.self, "InvoiceLinesWrite": InvoiceLinesBody.self,
        "ClaimWrite": ClaimBody.self, "ClaimTransitionRequest": ClaimTransitionBody.self,
        "PatientErasureRequest": PatientErasureBody.self,
    ]

    /// What neither a `RequestBody` nor a `SchemaSample` describes: the JWKS (jwt-kit's own
    /// JSON) and the login answer's choice between two generated schemas; and the multipart
    /// upload, generated from its text fields plus the file part.
    static let written: [String: JSONValue] = [
        "JWKS": object(["keys": array(object(["kty": type("string"), "crv": type("string"), "x": type("string"), "kid": type("string"),
                                              "use": type("string"), "alg": type("string")]))]),
        "LoginResponse": .object(["oneOf": .array([ref("TokenResponse"), ref("MFARequired")])]),
        "DocumentUpload": DocumentUploadFields.formSchema,
    ]

    static func enumeration(_ values: [String]) -> JSONValue {
        .object(["type": .string("string"), "enum": .array(values.map { .string($0) })])
    }

    /// Request bodies sent as multipart/form-data rather than JSON.
    static let multipartRequests: Set<String> = ["DocumentUpload"]

    /// Responses that are files, by pseudo-schema name: the media types they come in.
    static let binaryResponses: [String: [String]] = ["DocumentContent": DocumentContentType.allCases.map(\.mediaType),
                                                      "CSVFile": ["text/csv"], "PDFFile": ["application/pdf"],
                                                      "ZIPFile": ["application/zip"]]

    /// Responses streamed as one JSON value per line, by pseudo-schema name: media type and the
    /// schema of each line.
    static let streamedResponses: [String: (mediaType: String, item: String)] = ["AuditEventExport": ("application/x-ndjson", "AuditEvent")]
}
