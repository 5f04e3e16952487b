import CareFlowCore

/// `POST /api/v1/auth/login`. Without a tenant the login is a platform operator's.
struct LoginBody: RequestBody {
    let tenant: String?
    let email: String
    let password: String

    init?(fields: inout FieldReader) {
        let tenant = fields.string("tenant", required: false, maxLength: 63)
        let email = fields.email("email")
        let password = fields.secret("password", maxLength: 1024)
        guard let email, let password else { return nil }
        (self.tenant, self.email, self.password) = (tenant, email, password)
    }
}

/// `POST /api/v1/auth/mfa/verify`: the second login step, a TOTP or a recovery code.
struct MFAVerifyBody: RequestBody {
    let mfaToken: String
    let code: String

    init?(fields: inout FieldReader) {
        let token = fields.secret("mfa_token", maxLength: 256)
        let code = fields.string("code", maxLength: 64)
        guard let token, let code else { return nil }
        (mfaToken, self.code) = (token, code)
    }
}

/// `{refresh_token}`: refresh, and logout without a bearer token.
struct RefreshBody: RequestBody {
    let refreshToken: String

    init?(fields: inout FieldReader) {
        guard let token = fields.secret("refresh_token", maxLength: 256) else { return nil }
        refreshToken = token
    }
}

/// `{token}`: an emailed single-use token (email verification).
struct TokenBody: RequestBody {
    let token: String

    init?(fields: inout FieldReader) {
        guard let token = fields.secret("token", maxLength: 256) else { return nil }
        self.token = token
    }
}

/// `{token, password}`: accepting an invitation, resetting a password.
struct TokenPasswordBody: RequestBody {
    let token: String
    let password: String

    init?(fields: inout FieldReader) {
        let token = fields.secret("token", maxLength: 256)
        let password = fields.secret("password", maxLength: 1024)
        guard let token, let password else { return nil }
        (self.token, self.password) = (token, password)
    }
}

/// `POST /api/v1/auth/signup`: `{tenant, email, password, given_name, family_name, birth_date, phone?}`.
struct SignupBody: RequestBody {
    let request: SignupRequest

    init?(fields: inout FieldReader) {
        let tenant = fields.string("tenant", maxLength: 63)
        let email = fields.email("email")
        let password = fields.secret("password", maxLength: 1024)
        let given = fields.string("given_name", maxLength: 100)
        let family = fields.string("family_name", maxLength: 100)
        let birthDate: String?
        switch PatientBodyReader.birthDate(&fields) {
        case .some(.some(let date)): birthDate = date
        case .some(.none) where fields.errors.contains { $0.field == "birth_date" }: birthDate = nil
        default:
            fields.fail("birth_date", "is required")
            birthDate = nil
        }
        let phone = fields.string("phone", required: false, maxLength: 16, pattern: PatientBodyReader.phonePattern,
                                  patternHint: "must be an E.164 number such as +250788123456")
        guard let tenant, let email, let password, let given, let family, let birthDate else { return nil }
        request = SignupRequest(tenantSlug: tenant, email: email, password: password, givenName: given, familyName: family,
                                birthDate: birthDate, phone: phone)
    }
}

/// `POST /api/v1/auth/password/forgot`.
struct ForgotPasswordBody: RequestBody {
    let tenant: String
    let email: String

    init?(fields: inout FieldReader) {
        let tenant = fields.string("tenant", maxLength: 63)
        let email = fields.email("email")
        guard let tenant, let email else { return nil }
        (self.tenant, self.email) = (tenant, email)
    }
}
