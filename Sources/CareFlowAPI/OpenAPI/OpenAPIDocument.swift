import CareFlowCore
import Foundation

/// The OpenAPI 3.1 description served at `/openapi.json`.
enum OpenAPIDocument {
    static let operations: [APIOperation] = [
        .init("get", "/health", "Liveness", tag: "system", auth: false, responses: [(200, "Status")]),
        .init("get", "/ready", "Readiness: the database answers a bounded SELECT 1 (503 with Retry-After when not); the outbox lag is reported, never a cause of 503",
              tag: "system", auth: false, responses: [(200, "Readiness"), (503, "Problem")]),
        .init("get", "/metrics", "Prometheus metrics (text exposition format); bearer CAREFLOW_METRICS_TOKEN, 404 when that is unset",
              tag: "system", auth: false, responses: [(200, nil), (401, "Problem"), (404, "Problem")]),
        .init("post", "/webhooks/{tenant}/stripe", "Stripe events, verified by Stripe-Signature; replays answer 200 with no effect",
              tag: "webhooks", auth: false, responses: [(200, "WebhookReceived"), (400, "Problem"), (401, "Problem"), (404, "Problem"), (429, "Problem")]),
        .init("post", "/webhooks/{tenant}/twilio/sms", "Inbound SMS (STOP/START opt-out, DONE/YES hooks), verified by X-Twilio-Signature; TwiML answer",
              tag: "webhooks", auth: false, responses: [(200, nil), (400, "Problem"), (401, "Problem"), (404, "Problem"), (415, "Problem"), (429, "Problem")]),
        .init("post", "/webhooks/{tenant}/twilio/status", "SMS delivery status, verified by X-Twilio-Signature",
              tag: "webhooks", auth: false, responses: [(200, "WebhookReceived"), (400, "Problem"), (401, "Problem"), (404, "Problem"), (415, "Problem"), (429, "Problem")]),
        .init("post", "/webhooks/{tenant}/sendgrid/events", "SendGrid event batches, verified by ECDSA P-256 signature and timestamp",
              tag: "webhooks", auth: false, responses: [(200, "WebhookReceived"), (400, "Problem"), (401, "Problem"), (404, "Problem"), (429, "Problem")]),
        .init("get", "/openapi.json", "This document", tag: "system", auth: false, responses: [(200, nil)]),
        .init("get", "/docs", "Human-readable API documentation", tag: "system", auth: false, responses: [(200, nil)]),
        .init("get", "/.well-known/jwks.json", "Public keys that verify access tokens", tag: "auth", auth: false, responses: [(200, "JWKS")]),
        .init("post", "/api/v1/auth/login", "Password login (omit tenant for platform operators)", tag: "auth", auth: false,
              request: "LoginRequest", responses: [(200, "LoginResponse"), (401, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/auth/mfa/verify", "Second login step: a TOTP or recovery code for the mfa_token", tag: "auth", auth: false,
              request: "MFAVerifyRequest", responses: [(200, "TokenResponse"), (401, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/me/mfa/totp", "Start TOTP enrolment (allowed with an enrolment-only token)", tag: "mfa",
              responses: [(201, "TOTPEnrolment"), (409, "Problem")]),
        .init("post", "/api/v1/me/mfa/totp/confirm", "Activate TOTP with a first code; returns 10 recovery codes once", tag: "mfa",
              request: "CodeRequest", responses: [(200, "RecoveryCodes"), (409, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/me/mfa/recovery-codes", "Replace the recovery codes (needs a current code)", tag: "mfa",
              request: "CodeRequest", responses: [(200, "RecoveryCodes"), (409, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/me/mfa/totp/disable", "Turn TOTP off with a current code, where no role makes it mandatory", tag: "mfa",
              request: "CodeRequest", responses: [(204, nil), (403, "Problem"), (409, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/auth/refresh", "Rotate a refresh token; reuse revokes the session", tag: "auth", auth: false,
              request: "RefreshRequest", responses: [(200, "TokenResponse"), (401, "Problem")]),
        .init("post", "/api/v1/auth/logout", "Revoke the session of the bearer token or of a refresh token", tag: "auth", auth: false,
              request: "RefreshRequest", responses: [(204, nil), (401, "Problem")]),
        .init("post", "/api/v1/auth/invitations/accept", "Accept an invitation and set the password", tag: "auth", auth: false,
              request: "AcceptInvitationRequest", responses: [(204, nil), (410, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/me", "The caller's account and roles", tag: "me", responses: [(200, "Me"), (401, "Problem")]),
        .init("post", "/api/v1/auth/signup", "Patient self-signup where the tenant allows it; the same 201 whether or not the email has an account",
              tag: "auth", auth: false, request: "SignupRequest",
              responses: [(201, "AccountRequestAccepted"), (403, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/auth/verify-email", "Confirm a self-signup's email with the emailed token; activates the account",
              tag: "auth", auth: false, request: "TokenRequest", responses: [(204, nil), (410, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/auth/password/forgot", "Email a single-use reset link (30 min); always 202", tag: "auth", auth: false,
              request: "ForgotPasswordRequest", responses: [(202, "AccountRequestAccepted"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/auth/password/reset", "Set a new password with a reset token; ends every session of the account",
              tag: "auth", auth: false, request: "AcceptInvitationRequest", responses: [(204, nil), (410, "Problem"), (422, "Problem")]),
        .init("patch", "/api/v1/me", "Change the own profile (display name, phone, locale, notification channels)", tag: "me",
              request: "ProfileUpdateRequest", responses: [(200, "Me"), (403, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/me/password", "Change the own password; ends every other session", tag: "me",
              request: "PasswordChangeRequest", responses: [(204, nil), (422, "Problem"), (429, "Problem")]),
        .init("get", "/api/v1/me/sessions", "The caller's live sessions (no tokens)", tag: "me", responses: [(200, "SessionList")]),
        .init("delete", "/api/v1/me/sessions/{sessionID}", "End one of the caller's sessions", tag: "me",
              responses: [(204, nil), (404, "Problem")]),
        .init("post", "/api/v1/platform/tenants", "Onboard a tenant and invite its group admin", tag: "platform",
              request: "CreateTenantRequest", responses: [(201, "OnboardedTenant"), (403, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/platform/tenants", "List tenants", tag: "platform", responses: [(200, "TenantList"), (403, "Problem")]),
        .init("post", "/api/v1/platform/tenants/{tenantID}/suspend", "Suspend a tenant and end its sessions", tag: "platform",
              responses: [(200, "Tenant"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/platform/tenants/{tenantID}/reactivate", "Reactivate a suspended tenant", tag: "platform",
              responses: [(200, "Tenant"), (403, "Problem"), (404, "Problem")]),
        .init("delete", "/api/v1/platform/tenants/{tenantID}/group-admins/{userID}/mfa",
              "Reset a group admin's TOTP (lost device; no tenant admin may)", tag: "platform",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/facilities", "Onboard a facility", tag: "facilities", request: "CreateFacilityRequest",
              responses: [(201, "Facility"), (403, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/facilities", "Facilities visible to the caller", tag: "facilities", responses: [(200, "FacilityList")]),
        .init("get", "/api/v1/facilities/{facilityID}", "One facility", tag: "facilities",
              responses: [(200, "Facility"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/facilities/{facilityID}/staff", "Staff of a facility with their roles there", tag: "staff",
              responses: [(200, "StaffList"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/facilities/{facilityID}/staff", "Invite a person with roles (emails a single-use link)", tag: "staff",
              request: "InviteStaffRequest", responses: [(201, "StaffMember"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("put", "/api/v1/facilities/{facilityID}/staff/{userID}/roles", "Replace a member's roles at the facility", tag: "staff",
              request: "ChangeRolesRequest", responses: [(200, "StaffMember"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("delete", "/api/v1/facilities/{facilityID}/staff/{userID}", "Remove a member from the facility", tag: "staff",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("delete", "/api/v1/facilities/{facilityID}/staff/{userID}/mfa", "Reset a member's TOTP (lost device)", tag: "staff",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/patients", "Register a patient (MRN generated)", tag: "patients", request: "PatientWrite",
              responses: [(201, "Patient"), (403, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/patients",
              "Search patients (blind-index exact match on mrn, national_id, phone, email, name words; filters; condition needs patient.read_clinical)",
              tag: "patients", responses: [(200, "PatientList"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}", "One patient; clinical members only for the care team", tag: "patients",
              responses: [(200, "Patient"), (403, "Problem"), (404, "Problem")]),
        .init("patch", "/api/v1/patients/{patientID}", "Change members of a patient (null clears)", tag: "patients", request: "PatientChanges",
              responses: [(200, "Patient"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("delete", "/api/v1/patients/{patientID}", "Soft-delete a patient", tag: "patients",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/erase",
              "Erase a patient (GDPR Art. 17): their key is destroyed, their data unreadable, their indexes removed (group admin)",
              tag: "patients", request: "PatientErasureRequest",
              responses: [(200, "PatientErasure"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("post", "/api/patients", "Seed contract: register from {name, age, gender, blood_type, diagnosis}", tag: "patients",
              request: "SeedPatient", responses: [(201, "SeedPatientCreated"), (403, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/care-team", "Add a doctor to the patient's care team", tag: "patients",
              request: "CareRelationshipWrite", responses: [(201, "CareRelationship"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/primary-doctor",
              "A patient chooses their own primary doctor (tenants with patients_choose_doctor: true)", tag: "patients",
              request: "PrimaryDoctorChoice", responses: [(201, "CareRelationship"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/care-team", "The patient's care relationships", tag: "patients",
              responses: [(200, "CareRelationshipList"), (403, "Problem"), (404, "Problem")]),
        .init("delete", "/api/v1/patients/{patientID}/care-team/{relationshipID}", "End a care relationship", tag: "patients",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/doctors/me/patients", "The calling doctor's current patients", tag: "patients",
              responses: [(200, "PatientList"), (403, "Problem")]),
        .init("get", "/api/v1/audit-events", "The tenant's audit trail, newest first", tag: "audit",
              responses: [(200, "AuditEventList"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/audit-events/export",
              "The whole audit trail (same filters), oldest first, streamed as NDJSON: one event per line (audited as audit.export)",
              tag: "audit", responses: [(200, "AuditEventExport"), (403, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/records", "Add a medical record (care team doctors, facility nurses)", tag: "records",
              request: "MedicalRecordWrite", responses: [(201, "MedicalRecord"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/records", "The patient's medical records, newest first (audited PHI read)",
              tag: "records", responses: [(200, "MedicalRecordList"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/records/{recordID}", "One medical record (audited PHI read)", tag: "records",
              responses: [(200, "MedicalRecord"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/notes", "Add a visit note (doctors of the care team)", tag: "records",
              request: "VisitNoteWrite", responses: [(201, "VisitNote"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/notes", "The patient's visit notes, newest first (audited PHI read)",
              tag: "records", responses: [(200, "VisitNoteList"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/notes/{noteID}", "One visit note (audited PHI read)", tag: "records",
              responses: [(200, "VisitNote"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/steps",
              "The patient's care steps from their visit notes, newest first (filter: status; audited PHI read)", tag: "records",
              responses: [(200, "CareStepList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/me/steps", "The calling patient's own care steps, newest first (filter: status)", tag: "records",
              responses: [(200, "CareStepList"), (422, "Problem")]),
        .init("post", "/api/v1/steps/{stepID}/check-in",
              "Check a care step in for today (the patient, or their care team on their behalf; audited); 200 when today was already",
              tag: "records", responses: [(201, "CareStep"), (200, "CareStep"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/documents",
              "Upload a document: type checked by content (PDF, PNG, JPEG, DICOM, UTF-8 text), size-limited, encrypted at rest",
              tag: "documents", request: "DocumentUpload",
              responses: [(201, "Document"), (400, "Problem"), (403, "Problem"), (404, "Problem"), (413, "Problem"), (415, "Problem"),
                          (422, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/documents", "The patient's documents, metadata only (audited PHI read)",
              tag: "documents", responses: [(200, "DocumentList"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/documents/{documentID}/content",
              "The decrypted content, streamed as an attachment (audited PHI read)", tag: "documents",
              responses: [(200, "DocumentContent"), (403, "Problem"), (404, "Problem")]),
        .init("delete", "/api/v1/patients/{patientID}/documents/{documentID}", "Soft-delete a document (audited)", tag: "documents",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("put", "/api/v1/facilities/{facilityID}/staff/{userID}/profile", "Create or replace a staff member's profile at the facility",
              tag: "scheduling", request: "StaffProfileWrite",
              responses: [(200, "StaffProfile"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/facilities/{facilityID}/staff/{userID}/profile", "A staff member's profile at the facility", tag: "scheduling",
              responses: [(200, "StaffProfile"), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/doctors", "Doctors per facility with their profiles (filters: facility, specialization, free that day)",
              tag: "scheduling", responses: [(200, "DoctorList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/doctors/{doctorID}/available-slots", "Free slots on a date in the facility's time zone", tag: "scheduling",
              responses: [(200, "SlotList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("put", "/api/v1/doctors/{doctorID}/availability", "Replace the doctor's weekly schedule at a facility", tag: "scheduling",
              request: "AvailabilityWrite", responses: [(200, "AvailabilityWindowList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/doctors/{doctorID}/availability", "The doctor's weekly schedule", tag: "scheduling",
              responses: [(200, "AvailabilityWindowList"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/doctors/{doctorID}/exceptions", "Add leave, a holiday or other time away", tag: "scheduling",
              request: "AvailabilityExceptionWrite",
              responses: [(201, "AvailabilityException"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/doctors/{doctorID}/exceptions", "The doctor's exceptions, earliest first", tag: "scheduling",
              responses: [(200, "AvailabilityExceptionList"), (403, "Problem"), (404, "Problem")]),
        .init("delete", "/api/v1/doctors/{doctorID}/exceptions/{exceptionID}", "Remove an exception", tag: "scheduling",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/appointments", "Book a free slot (a double booking is refused by the database: 409)", tag: "appointments",
              request: "BookingRequest",
              responses: [(201, "Appointment"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/appointments", "Appointments the caller may see: all, upcoming, past or today", tag: "appointments",
              responses: [(200, "AppointmentList"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/appointments/{appointmentID}", "One appointment (reason only for clinical readers)", tag: "appointments",
              responses: [(200, "Appointment"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/appointments/{appointmentID}/confirm", "booked → confirmed", tag: "appointments",
              responses: [(200, "Appointment"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/appointments/{appointmentID}/complete", "confirmed → completed, once started", tag: "appointments",
              responses: [(200, "Appointment"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/appointments/{appointmentID}/cancel", "booked or confirmed → cancelled (frees the slot)", tag: "appointments",
              responses: [(200, "Appointment"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/appointments/{appointmentID}/no-show", "booked or confirmed → no_show, once started", tag: "appointments",
              responses: [(200, "Appointment"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/facilities/{facilityID}/shifts", "Add a shift (one person's shifts never overlap: 409)", tag: "shifts",
              request: "ShiftWrite", responses: [(201, "Shift"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/facilities/{facilityID}/shifts", "The facility's shifts, earliest first", tag: "shifts",
              responses: [(200, "ShiftList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("delete", "/api/v1/facilities/{facilityID}/shifts/{shiftID}", "Remove a shift", tag: "shifts",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/me/devices", "Register the caller's device for push (the same token again: 200 with the existing device)",
              tag: "me", request: "DeviceRegistration", responses: [(201, "Device"), (200, "Device"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/me/devices", "The caller's push devices (dead ones carry dead_at)", tag: "me",
              responses: [(200, "DeviceList"), (403, "Problem")]),
        .init("delete", "/api/v1/me/devices/{deviceID}", "Remove one of the caller's devices", tag: "me",
              responses: [(204, nil), (403, "Problem"), (404, "Problem")]),
        .init("get", "/api/v1/integrations", "Adapter, non-secret settings and health per capability; outbox counts by status",
              tag: "integrations", responses: [(200, "Integrations"), (403, "Problem")]),
        .init("get", "/api/v1/outbox", "Outgoing messages without their content, newest first (filter: status)", tag: "integrations",
              responses: [(200, "OutboxMessageList"), (403, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/outbox/{messageID}/requeue", "Send a dead letter again: pending, attempts from zero (audited)",
              tag: "integrations", responses: [(200, "OutboxMessage"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("get", "/api/v1/facilities/{facilityID}/coverage", "Who is on shift, hour by hour, on a date in the facility's time zone",
              tag: "shifts", responses: [(200, "ShiftCoverage"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("post", "/api/predict/health-risk",
              "Seed contract (also with a trailing slash): 10-year heart-disease risk from age, bmi, blood_pressure, cholesterol",
              tag: "predictions", request: "HealthRiskRequest",
              responses: [(200, "Prediction"), (401, "Problem"), (403, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("post", "/api/v1/predict/{model}",
              "Run the active version of a model; with patient_id the assessment is stored on the patient's record (sealed, audited)",
              tag: "predictions", request: "PredictionRequest",
              responses: [(200, "Prediction"), (401, "Problem"), (403, "Problem"), (404, "Problem"), (422, "Problem"), (429, "Problem")]),
        .init("get", "/api/v1/patients/{patientID}/risk-assessments",
              "The patient's stored risk assessments, newest first (audited PHI read); level=high keeps High results",
              tag: "predictions", responses: [(200, "RiskAssessmentList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/prescriptions/analyze",
              "Read a prescription (text, or a text/PDF prescription document of the patient) into medicines and interactions: "
                + "the tenant's LLM (de-identified) or, with llm none/console, the rule-based parser; stored sealed, audited. "
                + "502: the LLM's answer was unusable; 503: the LLM did not answer",
              tag: "prescriptions", request: "PrescriptionAnalysisRequest",
              responses: [(200, "PrescriptionAnalysis"), (403, "Problem"), (404, "Problem"), (413, "Problem"), (422, "Problem"),
                          (502, "Problem"), (503, "Problem")]),
        .init("post", "/api/v1/facilities/{facilityID}/wards", "Add a ward of 1–500 beds (name unique in the facility: 409)", tag: "admissions",
              request: "WardWrite", responses: [(201, "Ward"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/facilities/{facilityID}/wards", "The facility's wards by name, with beds, occupied and free", tag: "admissions",
              responses: [(200, "WardList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("patch", "/api/v1/facilities/{facilityID}/wards/{wardID}", "Rename or resize a ward (never below an occupied bed: 409)",
              tag: "admissions", request: "WardChanges",
              responses: [(200, "Ward"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/patients/{patientID}/admissions",
              "Admit to a bed (omitted: the lowest free one); one patient per bed and one bed per patient, also under concurrency (409)",
              tag: "admissions", request: "AdmissionRequest",
              responses: [(201, "Admission"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/admissions", "Admissions in the caller's reach, newest admitted first (a patient: their own)",
              tag: "admissions", responses: [(200, "AdmissionList"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/admissions/{admissionID}", "One admission (reason and summary only for clinical readers; audited)",
              tag: "admissions", responses: [(200, "Admission"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/admissions/{admissionID}/discharge", "Discharge: the bed is free at once; a second discharge is 409",
              tag: "admissions", request: "DischargeRequest",
              responses: [(200, "Admission"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/invoices/{invoiceID}/payment",
              "Start paying an open invoice with the tenant's payments adapter: a PaymentIntent (client_secret) or a hosted checkout (url) "
                + "for what is due; a repeated call gets the same intent. The provider's webhook then marks it paid. "
                + "502: the provider refused; 503: it did not answer",
              tag: "billing", request: "InvoicePaymentRequest",
              responses: [(200, "InvoicePayment"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem"),
                          (502, "Problem"), (503, "Problem")]),
        .init("post", "/api/v1/invoices/{invoiceID}/refund",
              "Refund a paid invoice in part or in full (default: everything left) through the payments adapter; "
                + "the invoice becomes partially_refunded or refunded when the refund succeeds",
              tag: "billing", request: "InvoiceRefundRequest",
              responses: [(200, "InvoiceRefund"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem"),
                          (502, "Problem"), (503, "Problem")]),
        .init("post", "/api/v1/invoices",
              "Create a draft invoice (billing at the facility, group admins); the server computes amounts, tax and totals (audited)",
              tag: "billing", request: "InvoiceWrite",
              responses: [(201, "Invoice"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/invoices",
              "Invoices the caller may read, newest first (filters: patient_id, facility_id, status, from/to on created_at; audited)",
              tag: "billing", responses: [(200, "InvoiceList"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/invoices/{invoiceID}", "One invoice with its lines (audited PHI read)", tag: "billing",
              responses: [(200, "Invoice"), (403, "Problem"), (404, "Problem")]),
        .init("patch", "/api/v1/invoices/{invoiceID}", "Replace a draft's lines; totals computed again; 409 once issued (audited)",
              tag: "billing", request: "InvoiceLinesWrite",
              responses: [(200, "Invoice"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("post", "/api/v1/invoices/{invoiceID}/finalize",
              "Issue a draft: open, issued now, numbered INV-<facility code>-<year>-<seq> gap-free per facility and year",
              tag: "billing", responses: [(200, "Invoice"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/invoices/{invoiceID}/void", "Void a draft or open invoice; 409 from any other state",
              tag: "billing", responses: [(200, "Invoice"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("post", "/api/v1/claims",
              "File an insurance claim for an issued invoice (billing at its facility, group admin): submitted; the claims of an "
                + "invoice that are not denied never exceed its total (409); the policy number is sealed",
              tag: "claims", request: "ClaimWrite",
              responses: [(201, "Claim"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/claims", "Claims the caller may see, newest first (filters: invoice, facility, status; audited)",
              tag: "claims", responses: [(200, "ClaimList"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/claims/{claimID}", "One claim with its whole history: who, when, from, to, note (audited)", tag: "claims",
              responses: [(200, "Claim"), (403, "Problem"), (404, "Problem")]),
        .init("post", "/api/v1/claims/{claimID}/transition",
              "Move a claim: submitted → in_review → approved | denied (note required), approved → paid; any other move 409",
              tag: "claims", request: "ClaimTransitionRequest",
              responses: [(200, "Claim"), (403, "Problem"), (404, "Problem"), (409, "Problem"), (422, "Problem")]),
        // Exports (issue 14): CSV streamed in pages (constant memory), audited as export.started and
        // export.completed with the row count; cells starting with = + - @ tab CR are prefixed with '.
        .init("get", "/api/v1/exports/patients.csv",
              "Patients as CSV (the patient list's filters; demographics only, never clinical content)", tag: "exports",
              responses: [(200, "CSVFile"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/appointments.csv", "Appointments as CSV (never the reason)", tag: "exports",
              responses: [(200, "CSVFile"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/invoices.csv", "Invoices as CSV, amounts in minor units", tag: "exports",
              responses: [(200, "CSVFile"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/admissions.csv", "Admissions as CSV (never the reason or summary)", tag: "exports",
              responses: [(200, "CSVFile"), (403, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/analytics.csv",
              "One analytics metric's series as CSV (metric plus the analytics filters; export.run and the metric's read action)",
              tag: "exports", responses: [(200, "CSVFile"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/analytics.pdf", "The same series as a PDF table", tag: "exports",
              responses: [(200, "PDFFile"), (403, "Problem"), (404, "Problem"), (422, "Problem")]),
        .init("get", "/api/v1/exports/invoices/{invoiceFile}",
              "One issued invoice as PDF; invoiceFile is the invoice id followed by .pdf (audited as export.completed)", tag: "exports",
              responses: [(200, "PDFFile"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        .init("get", "/api/v1/invoices/{invoiceID}/receipt.pdf",
              "The receipt of a paid (or since refunded) invoice as PDF; 409 for any other state (audited PHI read)", tag: "exports",
              responses: [(200, "PDFFile"), (403, "Problem"), (404, "Problem"), (409, "Problem")]),
        // Issue 16: a patient's data export (right of access), streamed; audited as patient.exported.
        .init("get", "/api/v1/patients/{patientID}/export",
              "A patient's own data as a ZIP: one JSON file per section, the original documents and a manifest with SHA-256 "
                  + "per file; the patient themself or an admin in reach (clinical sections only for callers who read them)",
              tag: "patients", responses: [(200, "ZIPFile"), (403, "Problem"), (404, "Problem"), (413, "Problem"), (429, "Problem")]),
    ] + analyticsOperations

    static func render(serverURL: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for op in operations {
            var operation: [String: JSONValue] = [
                "summary": .string(op.summary),
                "tags": .array([.string(op.tag)]),
                "operationId": .string(op.method + op.path.replacingOccurrences(of: "[^A-Za-z0-9]+", with: "_", options: .regularExpression)),
            ]
            let params = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { p -> JSONValue in
                .object(["name": .string(String(p.dropFirst().dropLast())), "in": .string("path"), "required": .bool(true),
                         "schema": .object(["type": .string("string"), "format": .string("uuid")])])
            }
            var query: [JSONValue] = []
            if op.method == "get" && op.responses.contains(where: { $0.1?.hasSuffix("List") == true }) {
                query = [queryParam("limit", "integer", "Page size, 1–200 (default 50)"), queryParam("cursor", "string", "next_cursor of the previous page")]
            }
            if (op.path == "/api/v1/patients" || op.path == "/api/v1/exports/patients.csv") && op.method == "get" {
                query += ["mrn", "national_id", "phone", "email", "name", "age_min", "age_max", "birth_year_from", "birth_year_to",
                          "sex", "condition", "facility_id", "doctor_id", "sort"].map { queryParam($0, "string", "Search or filter") }
            }
            if let typed = typedQueries[op.method + " " + op.path] ?? analyticsQueries[op.method + " " + op.path] {
                query += parameters(of: typed.query, descriptions: typed.descriptions)
            }
            if op.method == "post" && op.responses.contains(where: { $0.0 == 201 }) && op.authenticated {
                query.append(.object(["name": .string("Idempotency-Key"), "in": .string("header"), "required": .bool(false),
                                      "description": .string("Retries with the same key and body replay the first answer"),
                                      "schema": .object(["type": .string("string"), "maxLength": .number(255)])]))
            }
            if !(params + query).isEmpty { operation["parameters"] = .array(params + query) }
            if let request = op.requestSchema {
                let media = OpenAPISchemas.multipartRequests.contains(request) ? "multipart/form-data" : "application/json"
                operation["requestBody"] = .object(["required": .bool(true), "content": .object([
                    media: .object(["schema": ref(request)])])])
            }
            var responses: [String: JSONValue] = [:]
            for (status, schema) in op.responses {
                var r: [String: JSONValue] = ["description": .string(HTTPStatusText.text(status))]
                if let schema, let (mediaType, item) = OpenAPISchemas.streamedResponses[schema] {
                    r["content"] = .object([mediaType: .object(["schema": ref(item)])])
                } else if let schema, let mediaTypes = OpenAPISchemas.binaryResponses[schema] {
                    let binary: JSONValue = .object(["schema": .object(["type": .string("string"), "format": .string("binary")])])
                    r["content"] = .object(Dictionary(uniqueKeysWithValues: mediaTypes.map { ($0, binary) }))
                } else if let schema {
                    let media = schema == "Problem" ? "application/problem+json" : "application/json"
                    r["content"] = .object([media: .object(["schema": ref(schema)])])
                }
                responses[String(status)] = .object(r)
            }
            // Answers given before any handler runs, the same for every operation of a kind:
            // the bearer check (401; 403 for a token good only for MFA enrolment or a suspended
            // tenant), the body reader (400 unreadable, 413 too large, 415 wrong media type,
            // 422 invalid fields) and the query/header readers (422 naming the parameter).
            var generic: [Int] = []
            if op.authenticated { generic += [401, 403] }
            if op.requestSchema != nil { generic += [400, 413, 415, 422] }
            if !query.isEmpty { generic.append(422) }
            // A patient erased (GDPR Art. 17) answers 410 on every path under it, whoever asks.
            if op.path.hasPrefix("/api/v1/patients/{patientID}") { generic.append(410) }
            for status in generic where responses[String(status)] == nil {
                responses[String(status)] = .object(["description": .string(HTTPStatusText.text(status)),
                    "content": .object(["application/problem+json": .object(["schema": ref("Problem")])])])
            }
            if op.authenticated {
                operation["security"] = .array([.object(["bearer": .array([])])])
            }
            operation["responses"] = .object(responses)
            var item: [String: JSONValue] = [:]
            if case .object(let existing)? = paths[op.path] { item = existing }
            item[op.method] = .object(operation)
            paths[op.path] = .object(item)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("CareFlow API"), "version": .string("1.0.0"),
                             "description": .string("Multi-tenant healthcare gateway. Errors are RFC 9457 problem details.")]),
            "servers": .array([.object(["url": .string(serverURL)])]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer"), "bearerFormat": .string("JWT")])]),
                "schemas": .object(OpenAPISchemas.all),
            ]),
        ])
    }

    private static func ref(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/components/schemas/\(name)")])
    }

    private static func queryParam(_ name: String, _ type: String, _ description: String) -> JSONValue {
        .object(["name": .string(name), "in": .string("query"), "required": .bool(false), "description": .string(description),
                 "schema": .object(["type": .string(type)])])
    }
}

enum HTTPStatusText {
    static func text(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Malformed request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not found"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Payload too large"
        case 415: "Unsupported media type"
        case 422: "Validation failed"
        case 429: "Too many requests (Retry-After)"
        case 503: "Unavailable"
        default: "Status \(code)"
        }
    }
}
