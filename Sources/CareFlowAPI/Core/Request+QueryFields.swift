import CareFlowCore
import Vapor

extension Request {
    /// The named query parameters as a `FieldReader`, so query validation names every bad
    /// parameter in one 422 the way body validation does. Parameters not named are ignored
    /// (`limit` and `cursor` are read by `pageRequest()`).
    func queryFields(_ keys: String...) -> FieldReader {
        var object: [String: JSONValue] = [:]
        for key in keys {
            if let value = query[String.self, at: key] { object[key] = .string(value) }
        }
        return FieldReader(object)
    }
}
