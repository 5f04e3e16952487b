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

    static let all: [String: JSONValue] = [
        "Problem": object([
            "type": type("string", format: "uri"), "title": type("string"), "status": type("integer"), "detail": type("string"),
            "instance": type("string"), "request_id": type("string"),
            "errors": array(object(["field": type("string"), "reason": type("string")])),
        ], required: ["type", "title", "status"]),
        "Status": object(["status": type("string")]),
        "JWKS": object(["keys": array(object(["kty": type("string"), "crv": type("string"), "x": type("string"), "kid": type("string"),
                                              "use": type("string"), "alg": type("string")]))]),
        "LoginRequest": object(["tenant": type("string"), "email": type("string", format: "email"), "password": type("string")],
                               required: ["email", "password"]),
        "MFARequired": object(["mfa_required": type("boolean"), "mfa_token": type("string"), "methods": array(type("string"))],
                              required: ["mfa_required", "mfa_token", "methods"]),
        "LoginResponse": .object(["oneOf": .array([ref("TokenResponse"), ref("MFARequired")])]),
        "MFAVerifyRequest": object(["mfa_token": type("string"), "code": type("string")], required: ["mfa_token", "code"]),
        "CodeRequest": object(["code": type("string")], required: ["code"]),
        "TOTPEnrolment": object(["secret": type("string"), "otpauth_uri": type("string", format: "uri")], required: ["secret", "otpauth_uri"]),
        "RecoveryCodes": object(["recovery_codes": array(type("string"))], required: ["recovery_codes"]),
        "RefreshRequest": object(["refresh_token": type("string")], required: ["refresh_token"]),
        "AcceptInvitationRequest": object(["token": type("string"), "password": type("string")], required: ["token", "password"]),
        "TokenResponse": object(["access_token": type("string"), "refresh_token": type("string"), "token_type": type("string"),
                                 "expires_in": type("integer")], required: ["access_token", "refresh_token", "token_type", "expires_in"]),
        "RoleGrant": object(["role": roleEnum, "facility_id": type("string", format: "uuid", nullable: true)]),
        "Me": object(["id": type("string", format: "uuid"), "kind": type("string"), "tenant_id": type("string", format: "uuid", nullable: true),
                      "email": type("string"), "display_name": type("string", nullable: true), "roles": array(ref("RoleGrant")),
                      "amr": array(type("string"))]),
        "CreateTenantRequest": object(["slug": type("string"), "name": type("string"), "admin_email": type("string", format: "email")],
                                      required: ["slug", "name", "admin_email"]),
        "Tenant": object(["id": type("string", format: "uuid"), "slug": type("string"), "name": type("string"),
                          "status": .object(["type": .string("string"), "enum": .array([.string("active"), .string("suspended")])]),
                          "created_at": type("string", format: "date-time")]),
        "TenantList": list("Tenant"),
        "UserSummary": object(["id": type("string", format: "uuid"), "email": type("string"), "display_name": type("string", nullable: true),
                               "status": type("string")]),
        "OnboardedTenant": object(["tenant": ref("Tenant"), "group_admin": ref("UserSummary"), "invitation_sent": type("boolean"),
                                   "facilities": array(ref("Facility"))]),
        "CreateFacilityRequest": object(["code": type("string"), "name": type("string"), "timezone": type("string")],
                                        required: ["code", "name"]),
        "Facility": object(["id": type("string", format: "uuid"), "code": type("string"), "name": type("string"),
                            "timezone": type("string"), "active": type("boolean"), "created_at": type("string", format: "date-time")]),
        "FacilityList": list("Facility"),
        "InviteStaffRequest": object(["email": type("string", format: "email"), "display_name": type("string"), "roles": array(roleEnum)],
                                     required: ["email", "roles"]),
        "ChangeRolesRequest": object(["roles": array(roleEnum)], required: ["roles"]),
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
        "PatientWrite": object([
            "given_name": type("string"), "family_name": type("string"), "birth_date": type("string", format: "date"),
            "sex": .object(["type": .string("string"), "enum": .array(Patient.Sex.allCases.map { .string($0.rawValue) })]),
            "phone": type("string"), "email": type("string", format: "email"), "national_id": type("string"), "address": type("string"),
            "insurance": object(["provider": type("string"), "policy_number": type("string")]),
            "emergency_contact": object(["name": type("string"), "phone": type("string"), "relationship": type("string")]),
            "blood_type": type("string"), "allergies": array(type("string")),
            "conditions": array(object(["code": type("string"), "note": type("string")], required: ["code"])),
            "home_facility_id": type("string", format: "uuid"),
        ], required: ["given_name", "family_name", "sex"]),
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
        "SeedPatient": object(["name": type("string"), "age": type("integer"), "gender": type("string"), "blood_type": type("string"),
                               "diagnosis": type("string")], required: ["name", "age", "gender"]),
        "SeedPatientCreated": object(["id": type("string", format: "uuid"), "mrn": type("string"), "name": type("string"),
                                      "age": type("integer"), "gender": type("string"), "blood_type": type("string", nullable: true),
                                      "diagnosis": type("string", nullable: true)]),
        "CareRelationshipWrite": object(["doctor_id": type("string", format: "uuid"),
                                         "kind": .object(["type": .string("string"), "enum": .array([.string("primary"), .string("referral"), .string("temporary")])]),
                                         "referred_by": type("string", format: "uuid"), "ends_on": type("string", format: "date")],
                                        required: ["doctor_id", "kind"]),
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

    ]

    static func enumeration(_ values: [String]) -> JSONValue {
        .object(["type": .string("string"), "enum": .array(values.map { .string($0) })])
    }

    /// Request bodies sent as multipart/form-data rather than JSON.
    static let multipartRequests: Set<String> = ["DocumentUpload"]

    /// Responses that are files, by pseudo-schema name: the media types they come in.
    static let binaryResponses: [String: [String]] = ["DocumentContent": DocumentContentType.allCases.map(\.mediaType)]
}
