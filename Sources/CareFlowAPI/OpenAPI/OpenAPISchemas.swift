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
    static func list(_ item: String) -> JSONValue {
        object(["items": array(ref(item)), "next_cursor": type("string", nullable: true)], required: ["items", "next_cursor"])
    }

    static let roleEnum: JSONValue = .object(["type": .string("string"), "enum": .array(Role.allCases.map { .string($0.rawValue) })])

    /// Every schema of the document: the request bodies read off their validation code, the
    /// rest written here.
    static let all: [String: JSONValue] = written.merging(requestBodies.mapValues { $0.fieldSchema }) { _, generated in generated }

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
        "DeviceRegistration": DeviceRegistrationBody.self,
    ]

    /// Responses and the request bodies not yet read by a `RequestBody` (records, notes,
    /// documents, predictions).
    static let written: [String: JSONValue] = [
        "Problem": object([
            "type": type("string", format: "uri"), "title": type("string"), "status": type("integer"), "detail": type("string"),
            "instance": type("string"), "request_id": type("string"),
            "errors": array(object(["field": type("string"), "reason": type("string")])),
        ], required: ["type", "title", "status"]),
        "Status": object(["status": type("string")]),
        "JWKS": object(["keys": array(object(["kty": type("string"), "crv": type("string"), "x": type("string"), "kid": type("string"),
                                              "use": type("string"), "alg": type("string")]))]),
        "MFARequired": object(["mfa_required": type("boolean"), "mfa_token": type("string"), "methods": array(type("string"))],
                              required: ["mfa_required", "mfa_token", "methods"]),
        "LoginResponse": .object(["oneOf": .array([ref("TokenResponse"), ref("MFARequired")])]),
        "TOTPEnrolment": object(["secret": type("string"), "otpauth_uri": type("string", format: "uri")], required: ["secret", "otpauth_uri"]),
        "RecoveryCodes": object(["recovery_codes": array(type("string"))], required: ["recovery_codes"]),
        "TokenResponse": object(["access_token": type("string"), "refresh_token": type("string"), "token_type": type("string"),
                                 "expires_in": type("integer")], required: ["access_token", "refresh_token", "token_type", "expires_in"]),
        "RoleGrant": object(["role": roleEnum, "facility_id": type("string", format: "uuid", nullable: true)]),
        "Me": object(["id": type("string", format: "uuid"), "kind": type("string"), "tenant_id": type("string", format: "uuid", nullable: true),
                      "email": type("string"), "display_name": type("string", nullable: true), "roles": array(ref("RoleGrant")),
                      "amr": array(type("string")), "phone": type("string", nullable: true), "locale": type("string", nullable: true),
                      "notification_channels": array(enumeration(NotificationChannel.allCases.map(\.rawValue)))]),
        "AccountRequestAccepted": object(["status": type("string"), "detail": type("string")], required: ["status", "detail"]),
        "Session": object(["id": type("string", format: "uuid"), "created_at": type("string", format: "date-time"),
                           "last_used_at": type("string", format: "date-time", nullable: true),
                           "expires_at": type("string", format: "date-time"), "amr": array(type("string")), "current": type("boolean")]),
        "SessionList": object(["items": array(ref("Session"))], required: ["items"]),
        "Tenant": object(["id": type("string", format: "uuid"), "slug": type("string"), "name": type("string"),
                          "status": .object(["type": .string("string"), "enum": .array([.string("active"), .string("suspended")])]),
                          "created_at": type("string", format: "date-time")]),
        "TenantList": list("Tenant"),
        "UserSummary": object(["id": type("string", format: "uuid"), "email": type("string"), "display_name": type("string", nullable: true),
                               "status": type("string")]),
        "OnboardedTenant": object(["tenant": ref("Tenant"), "group_admin": ref("UserSummary"), "invitation_sent": type("boolean"),
                                   "facilities": array(ref("Facility"))]),
        "Facility": object(["id": type("string", format: "uuid"), "code": type("string"), "name": type("string"),
                            "timezone": type("string"), "active": type("boolean"), "created_at": type("string", format: "date-time")]),
        "FacilityList": list("Facility"),
        "StaffMember": object(["id": type("string", format: "uuid"), "email": type("string"), "display_name": type("string", nullable: true),
                               "status": type("string"), "roles": array(roleEnum)]),
        "StaffList": list("StaffMember"),
        "AuditEvent": object(["id": type("string", format: "uuid"), "seq": type("integer"), "occurred_at": type("string", format: "date-time"),
                              "facility_id": type("string", format: "uuid", nullable: true), "actor_kind": type("string"),
                              "actor_id": type("string", format: "uuid", nullable: true), "action": type("string"),
                              "outcome": type("string"), "target_type": type("string", nullable: true),
                              "target_id": type("string", nullable: true), "request_id": type("string", nullable: true),
                              "ip": type("string", nullable: true), "details": .object(["type": .string("object")]),
                              "hash": type("string"), "prev_hash": type("string")]),
        "AuditEventList": list("AuditEvent"),
        "Patient": object([
            "id": type("string", format: "uuid"), "mrn": type("string"), "given_name": type("string"), "family_name": type("string"),
            "birth_date": type("string", format: "date", nullable: true), "birth_year": type("integer", nullable: true),
            "sex": type("string"), "phone": type("string", nullable: true), "email": type("string", nullable: true),
            "national_id": type("string", nullable: true), "address": type("string", nullable: true),
            "insurance": .object(["type": .array([.string("object"), .string("null")])]),
            "emergency_contact": .object(["type": .array([.string("object"), .string("null")])]),
            "blood_type": type("string", nullable: true), "allergies": array(type("string")),
            "conditions": array(object(["code": type("string"), "note": type("string", nullable: true)])),
            "home_facility_id": type("string", format: "uuid", nullable: true),
            "created_at": type("string", format: "date-time"), "updated_at": type("string", format: "date-time"),
        ]),
        "PatientList": list("Patient"),
        "SeedPatientCreated": object(["id": type("string", format: "uuid"), "mrn": type("string"), "name": type("string"),
                                      "age": type("integer"), "gender": type("string"), "blood_type": type("string", nullable: true),
                                      "diagnosis": type("string", nullable: true)]),
        "WebhookReceived": object(["received": type("boolean"), "replayed": type("boolean")], required: ["received", "replayed"]),
        "CareRelationship": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                                    "doctor_id": type("string", format: "uuid"), "kind": type("string"),
                                    "referred_by": type("string", format: "uuid", nullable: true),
                                    "ends_on": type("string", format: "date-time", nullable: true), "active": type("boolean")]),
        "CareRelationshipList": list("CareRelationship"),
        "MedicalRecordWrite": object(["kind": enumeration(MedicalRecord.Kind.allCases.map(\.rawValue)), "title": type("string"),
                                      "body": type("string"), "appointment_id": type("string", format: "uuid"),
                                      "shared_with_patient": type("boolean")], required: ["kind", "title", "body"]),
        "MedicalRecord": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                                 "author_id": type("string", format: "uuid"), "appointment_id": type("string", format: "uuid", nullable: true),
                                 "kind": enumeration(MedicalRecord.Kind.allCases.map(\.rawValue)), "title": type("string"),
                                 "body": type("string"), "shared_with_patient": type("boolean"),
                                 "created_at": type("string", format: "date-time"), "updated_at": type("string", format: "date-time")]),
        "MedicalRecordList": list("MedicalRecord"),
        "HealthRiskRequest": object(["age": type("number"), "bmi": type("number"), "blood_pressure": type("number"),
                                     "cholesterol": type("number")], required: ["age", "bmi", "blood_pressure", "cholesterol"]),
        "PredictionRequest": .object(["type": .string("object"),
                                      "description": .string("The model's inputs by feature name (numbers, or category codes as strings; "
                                                             + "null or absent = imputed), plus an optional patient_id"),
                                      "properties": .object(["patient_id": type("string", format: "uuid")]),
                                      "additionalProperties": .object(["type": .array([.string("number"), .string("string"), .string("null")])])]),
        "ModelReference": object(["name": type("string"), "version": type("integer")]),
        "Prediction": object(["risk_score": type("number"), "risk_level": enumeration(["Low", "Moderate", "High"]),
                              "recommended_action": type("string"), "model": ref("ModelReference"),
                              "contributions": .object(["type": .string("object"), "additionalProperties": type("number")]),
                              "extrapolated": type("boolean"), "extrapolated_features": array(type("string")),
                              "imputed_features": array(type("string")), "assessment_id": type("string", format: "uuid")],
                             required: ["risk_score", "risk_level", "recommended_action", "model", "contributions", "extrapolated"]),
        "RiskAssessment": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                                  "model": ref("ModelReference"), "risk_score": type("number"),
                                  "risk_level": enumeration(["Low", "Moderate", "High"]), "high": type("boolean"),
                                  "extrapolated": type("boolean"), "inputs": .object(["type": .string("object")]),
                                  "contributions": .object(["type": .string("object"), "additionalProperties": type("number")]),
                                  "created_by": type("string", format: "uuid"), "created_at": type("string", format: "date-time")]),
        "RiskAssessmentList": list("RiskAssessment"),
        "VisitNoteWrite": object(["body": type("string"), "appointment_id": type("string", format: "uuid"),
                                  "shared_with_patient": type("boolean")], required: ["body"]),
        "VisitNote": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                             "author_id": type("string", format: "uuid"), "appointment_id": type("string", format: "uuid", nullable: true),
                             "body": type("string"), "shared_with_patient": type("boolean"),
                             "created_at": type("string", format: "date-time"), "updated_at": type("string", format: "date-time")]),
        "VisitNoteList": list("VisitNote"),
        "DocumentUpload": object(["kind": enumeration(ClinicalDocument.Kind.allCases.map(\.rawValue)),
                                  "file": type("string", format: "binary"),
                                  "shared_with_patient": .object(["type": .string("string"), "enum": .array([.string("true"), .string("false")])])],
                                 required: ["kind", "file"]),
        "Document": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                            "kind": enumeration(ClinicalDocument.Kind.allCases.map(\.rawValue)),
                            "content_type": enumeration(DocumentContentType.allCases.map(\.rawValue)), "size": type("integer"),
                            "sha256": type("string"), "filename": type("string", nullable: true),
                            "uploaded_by": type("string", format: "uuid"), "shared_with_patient": type("boolean"),
                            "created_at": type("string", format: "date-time")]),
        "DocumentList": list("Document"),
        "StaffProfile": object(["user_id": type("string", format: "uuid"), "facility_id": type("string", format: "uuid"),
                                "specialization": type("string", nullable: true), "licence_number": type("string", nullable: true),
                                "years_of_experience": type("integer", nullable: true),
                                "consultation_fee": type("integer", nullable: true), "bio": type("string", nullable: true),
                                "updated_at": type("string", format: "date-time", nullable: true)]),
        "Doctor": object(["doctor_id": type("string", format: "uuid"), "display_name": type("string", nullable: true),
                          "facility_id": type("string", format: "uuid"), "specialization": type("string", nullable: true),
                          "years_of_experience": type("integer", nullable: true), "consultation_fee": type("integer", nullable: true),
                          "bio": type("string", nullable: true)]),
        "DoctorList": list("Doctor"),
        "Slot": object(["facility_id": type("string", format: "uuid"), "starts_at": type("string", format: "date-time"),
                        "ends_at": type("string", format: "date-time"), "local_time": type("string")]),
        "SlotList": list("Slot"),
        "AvailabilityWindow": object(["facility_id": type("string", format: "uuid"), "weekday": type("integer"), "start": type("string"),
                                      "end": type("string"), "slot_minutes": type("integer")]),
        "AvailabilityWindowList": list("AvailabilityWindow"),
        "AvailabilityException": object(["id": type("string", format: "uuid"), "doctor_id": type("string", format: "uuid"),
                                         "facility_id": type("string", format: "uuid", nullable: true),
                                         "starts_at": type("string", format: "date-time"), "ends_at": type("string", format: "date-time"),
                                         "reason": type("string")]),
        "AvailabilityExceptionList": list("AvailabilityException"),
        "Appointment": object(["id": type("string", format: "uuid"), "patient_id": type("string", format: "uuid"),
                               "doctor_id": type("string", format: "uuid"), "facility_id": type("string", format: "uuid"),
                               "starts_at": type("string", format: "date-time"), "ends_at": type("string", format: "date-time"),
                               "status": enumeration(Appointment.Status.allCases.map(\.rawValue)),
                               "reason": type("string", nullable: true), "booked_by": type("string", format: "uuid", nullable: true),
                               "created_at": type("string", format: "date-time"), "updated_at": type("string", format: "date-time")]),
        "AppointmentList": list("Appointment"),
        "Shift": object(["id": type("string", format: "uuid"), "user_id": type("string", format: "uuid"),
                         "facility_id": type("string", format: "uuid"), "role": type("string"),
                         "starts_at": type("string", format: "date-time"), "ends_at": type("string", format: "date-time")]),
        "ShiftList": list("Shift"),
        "Device": object(["id": type("string", format: "uuid"), "platform": type("string"), "token_suffix": type("string"),
                          "created_at": type("string", format: "date-time"),
                          "dead_at": type("string", format: "date-time", nullable: true)]),
        "DeviceList": list("Device"),
        "IntegrationStatus": object([
            "capability": enumeration(Capability.allCases.map(\.rawValue)), "adapter": type("string"),
            "settings": .object(["type": .string("object"), "additionalProperties": type("string")]),
            "secret_references": .object(["type": .string("object"), "additionalProperties": type("string"),
                                          "description": .string("env:NAME or file:/path; never a secret value")]),
            "health": object(["last_success_at": type("string", format: "date-time", nullable: true),
                              "last_error_at": type("string", format: "date-time", nullable: true),
                              "last_error": type("string", nullable: true)]),
        ]),
        "Integrations": object(["items": array(ref("IntegrationStatus")), "next_cursor": type("string", nullable: true),
                                "outbox": object(Dictionary(uniqueKeysWithValues: OutboxMessage.Status.allCases.map { ($0.rawValue, type("integer")) }))],
                               required: ["items", "next_cursor", "outbox"]),
        "OutboxMessage": object(["id": type("string", format: "uuid"), "capability": type("string"),
                                 "status": enumeration(OutboxMessage.Status.allCases.map(\.rawValue)), "attempts": type("integer"),
                                 "next_attempt_at": type("string", format: "date-time"), "last_error": type("string", nullable: true),
                                 "provider_message_id": type("string", nullable: true), "delivery_status": type("string", nullable: true),
                                 "created_at": type("string", format: "date-time")]),
        "OutboxMessageList": list("OutboxMessage"),
        "ShiftCoverage": object(["facility_id": type("string", format: "uuid"), "date": type("string", format: "date"),
                                 "timezone": type("string"),
                                 "hours": array(object(["starts_at": type("string", format: "date-time"),
                                                        "ends_at": type("string", format: "date-time"), "local_start": type("string"),
                                                        "on_shift": array(object(["shift_id": type("string", format: "uuid"),
                                                                                  "user_id": type("string", format: "uuid"),
                                                                                  "display_name": type("string", nullable: true),
                                                                                  "role": type("string")]))]))]),

    ]

    static func enumeration(_ values: [String]) -> JSONValue {
        .object(["type": .string("string"), "enum": .array(values.map { .string($0) })])
    }

    /// Request bodies sent as multipart/form-data rather than JSON.
    static let multipartRequests: Set<String> = ["DocumentUpload"]

    /// Responses that are files, by pseudo-schema name: the media types they come in.
    static let binaryResponses: [String: [String]] = ["DocumentContent": DocumentContentType.allCases.map(\.mediaType)]

    /// Responses streamed as one JSON value per line, by pseudo-schema name: media type and the
    /// schema of each line.
    static let streamedResponses: [String: (mediaType: String, item: String)] = ["AuditEventExport": ("application/x-ndjson", "AuditEvent")]
}
