/// TwiML answers to Twilio.
public enum TwiML {
    /// What Vapor writes for `HTTPMediaType.xml`, the type these answers always had.
    public static let contentType = "application/xml; charset=utf-8"

    public static func response(message: String?) -> String {
        guard let message, !message.isEmpty else { return #"<?xml version="1.0" encoding="UTF-8"?><Response/>"# }
        return #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>"# + escape(message) + "</Message></Response>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
