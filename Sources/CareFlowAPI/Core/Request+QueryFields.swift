import CareFlowCore
import Vapor

extension Request {
    /// The query parameters `Q` names, read as `Q` the way a body is read, so every bad
    /// parameter is named in one 422. Parameters not named are ignored (`limit` and `cursor`
    /// are read by `pageRequest()`).
    func validatedQuery<Q: RequestQuery>(_ type: Q.Type) throws -> Q {
        var object: [String: JSONValue] = [:]
        for key in Q.parameterNames {
            if let value = queryValue(key) { object[key] = .string(value) }
        }
        return try Q.read(object)
    }
}

extension Request {
    /// One query parameter, percent-decoded (`+` is a space). The query string is parsed once
    /// per request: Vapor's `query[String.self, at:]` parses all of it again for every key asked,
    /// which the patient search did fifteen times a request. A repeated key keeps its first value.
    func queryValue(_ key: String) -> String? {
        if let parsed = storage[QueryParametersKey.self] { return parsed[key] }
        let parsed = Self.parseQuery(url.query)
        storage[QueryParametersKey.self] = parsed
        return parsed[key]
    }

    static func parseQuery(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), !key.isEmpty, parameters[key] == nil else { continue }
            if let value = parts.count > 1 ? decode(parts[1]) : "" { parameters[key] = value }
        }
        return parameters
    }

    private static func decode(_ component: Substring) -> String? {
        component.contains("%") || component.contains("+")
            ? component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding : String(component)
    }

    private struct QueryParametersKey: StorageKey { typealias Value = [String: String] }
}
