import CareFlowCore
import Foundation

/// `POST /api/v1/platform/tenants`: a new tenant and the group admin to invite.
struct CreateTenantBody: RequestBody {
    let slug: String
    let name: String
    let adminEmail: String

    init?(fields: inout FieldReader) {
        let slug = fields.string("slug", maxLength: 63)
        let name = fields.string("name", maxLength: 200)
        let adminEmail = fields.email("admin_email")
        guard let slug, let name, let adminEmail else { return nil }
        (self.slug, self.name, self.adminEmail) = (slug, name, adminEmail)
    }
}

/// `POST /api/v1/facilities`. Without a time zone the facility takes the tenant's.
struct CreateFacilityBody: RequestBody {
    let code: String
    let name: String
    let timezone: String?
    /// Postal address, free text.
    let address: String?

    init?(fields: inout FieldReader) {
        let code = fields.string("code", maxLength: 41, pattern: FacilityService.codePattern,
                                 patternHint: "must be 2-41 lowercase letters, digits or dashes")
        let name = fields.string("name", maxLength: 200)
        let timezone = fields.string("timezone", required: false, maxLength: 64)
        let address = fields.string("address", required: false, maxLength: 500)
        if let timezone, TimeZone(identifier: timezone) == nil {
            fields.fail("timezone", "must be an IANA time zone such as Africa/Kigali")
        }
        guard let code, let name, fields.errors.isEmpty else { return nil }
        (self.code, self.name, self.timezone, self.address) = (code, name, timezone, address)
    }
}

/// `POST /api/v1/me/devices`: a push token for this platform.
struct DeviceRegistrationBody: RequestBody {
    let token: String
    let platform: Device.Platform

    init?(fields: inout FieldReader) {
        let token = fields.string("token", maxLength: DeviceService.maxTokenLength)
        let platform = fields.enumeration("platform", Device.Platform.self)
        guard let token, let platform else { return nil }
        (self.token, self.platform) = (token, platform)
    }
}
