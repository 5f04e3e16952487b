import CareFlowCore

/// `POST /api/v1/facilities/{facilityID}/staff`: invite a person with roles there.
struct InviteStaffBody: RequestBody {
    let email: String
    let displayName: String?
    let roles: [Role]

    init?(fields: inout FieldReader) {
        let email = fields.email("email")
        let displayName = fields.string("display_name", required: false, maxLength: 200)
        let roles = fields.enumerationArray("roles", Role.self)
        guard let email, let roles else { return nil }
        (self.email, self.displayName, self.roles) = (email, displayName, roles)
    }
}

/// `PUT /api/v1/facilities/{facilityID}/staff/{userID}/roles`: the member's roles there.
struct ChangeRolesBody: RequestBody {
    let roles: [Role]

    init?(fields: inout FieldReader) {
        guard let roles = fields.enumerationArray("roles", Role.self) else { return nil }
        self.roles = roles
    }
}
