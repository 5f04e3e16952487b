import Foundation

/// Reads how long a provider asked us to wait before retrying.
public enum RetryAfter {
    /// `Retry-After` as delay-seconds (`120`, also fractional `1.5`) or an HTTP date
    /// (`Wed, 21 Oct 2015 07:28:00 GMT`); `nil` when absent or unreadable. Dates in the past
    /// give zero.
    public static func parse(_ header: String?, now: Date = Date()) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    /// `retry-after-ms` (OpenAI, Groq): milliseconds.
    public static func parseMilliseconds(_ header: String?) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), let ms = Double(text), ms.isFinite, ms >= 0 else {
            return nil
        }
        return .milliseconds(Int64(ms.rounded()))
    }
}
