/// A push notification to one registered device.
public struct PushMessage: Sendable, Equatable, Codable {
    /// The token the device registered (`POST /api/v1/me/devices`).
    public var deviceToken: String
    public var title: String
    public var body: String
    /// Key/value data delivered to the app; string values only (FCM's rule, kept by all).
    public var data: [String: String]

    public init(deviceToken: String, title: String, body: String, data: [String: String] = [:]) {
        self.deviceToken = deviceToken
        self.title = title
        self.body = body
        self.data = data
    }
}
