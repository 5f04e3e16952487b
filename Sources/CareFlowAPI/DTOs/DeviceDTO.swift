import CareFlowCore
import Vapor

/// A push registration as its owner sees it: never the token, only its last characters.
struct DeviceDTO: Content {
    let id: UUID
    let platform: String
    let tokenSuffix: String
    let createdAt: Date?
    let deadAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, platform
        case tokenSuffix = "token_suffix"
        case createdAt = "created_at"
        case deadAt = "dead_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(platform, forKey: .platform)
        try c.encode(tokenSuffix, forKey: .tokenSuffix)
        try c.encode(createdAt, forKey: .createdAt)
        // null while the device is live
        try c.encode(deadAt, forKey: .deadAt)
    }
}

extension DeviceDTO {
    init(_ d: Device, tokenSuffix: String) {
        id = d.id!
        platform = d.platform.rawValue
        self.tokenSuffix = tokenSuffix
        createdAt = d.createdAt
        deadAt = d.deadAt
    }
}

extension DeviceDTO: SchemaSample {
    static var schemaSamples: [Self] { [DeviceDTO(id: UUID(), platform: "ios", tokenSuffix: "abcd", createdAt: Date(), deadAt: Date())] }
}
