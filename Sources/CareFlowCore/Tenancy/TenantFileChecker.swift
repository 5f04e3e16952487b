import Foundation
import Yams

/// Walks the YAML tree, checking YAML types and recording errors with their field paths.
struct TenantFileChecker {
    let file: String
    let policy: TenantSecretPolicy
    let adapters: AdapterCatalog
    var errors: [TenantConfigurationError] = []

    init(file: String, policy: TenantSecretPolicy, adapters: AdapterCatalog) {
        self.file = file
        self.policy = policy
        self.adapters = adapters
    }

    mutating func fail(_ field: String, _ reason: String, line: Int? = nil) {
        errors.append(TenantConfigurationError(file: file, field: field, reason: reason, line: line))
    }

    mutating func fail(_ field: String, _ reason: String, _ node: Node) {
        fail(field, reason, line: node.mark?.line)
    }

    /// The YAML type of a scalar: its explicit tag, `str` when quoted or tagged `!`, otherwise
    /// what the YAML 1.1 core schema makes of its text (`true`, `12`, `~`, …).
    func scalarTag(_ node: Node) -> String {
        let name = Resolver.default.resolveTag(of: node)
        return name == Tag.Name.nonSpecific ? Tag.Name.str.rawValue : name.rawValue
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return scalarTag(node) == Tag.Name.null.rawValue }
        return false
    }

    /// A human name for a node's YAML type.
    func typeName(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            let tag = scalarTag(node)
            switch tag {
            case Tag.Name.null.rawValue: return "nothing (null)"
            case Tag.Name.bool.rawValue: return "a boolean"
            case Tag.Name.int.rawValue: return "an integer"
            case Tag.Name.float.rawValue: return "a number"
            case Tag.Name.timestamp.rawValue: return "a date"
            case Tag.Name.str.rawValue: return "a string"
            default: return "a value tagged \(tag)"
            }
        }
    }

    /// A mapping with string keys, each key once; `nil` (and an error) otherwise.
    mutating func mapping(_ node: Node, at field: String, what: String) -> [(key: String, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        var pairs: [(key: String, value: Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !isNull(keyNode) else {
                fail(field, "keys must be plain names, got \(typeName(keyNode))", keyNode)
                continue
            }
            let key = scalar.string
            guard seen.insert(key).inserted else {
                fail(field.isEmpty ? key : "\(field).\(key)", "duplicate key", keyNode)
                continue
            }
            pairs.append((key, value))
        }
        return pairs
    }

    mutating func sequence(_ node: Node, at field: String, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        return Array(sequence)
    }

    /// A scalar written as text; numbers are accepted as their literal text (`from: +250…`),
    /// booleans, nulls, lists and mappings are not.
    mutating func string(_ node: Node, at field: String, what: String = "a string") -> String? {
        guard case .scalar(let scalar) = node else {
            fail(field, "expected \(what), got \(typeName(node))", node)
            return nil
        }
        let tag = scalarTag(node)
        switch tag {
        case Tag.Name.str.rawValue, Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.timestamp.rawValue:
            return scalar.string
        default:
            fail(field, "expected \(what), got \(typeName(node))\(tag == Tag.Name.bool.rawValue ? " (quote it if it is text)" : "")", node)
            return nil
        }
    }

    mutating func number(_ node: Node, at field: String) -> Double? {
        guard case .scalar(let scalar) = node, [Tag.Name.int.rawValue, Tag.Name.float.rawValue].contains(scalarTag(node)),
              let value = Double(scalar.string), value.isFinite else {
            fail(field, "expected a number, got \(typeName(node))", node)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, at field: String) -> Bool? {
        guard case .scalar = node, scalarTag(node) == Tag.Name.bool.rawValue, let value = node.bool else {
            fail(field, "expected true or false, got \(typeName(node))", node)
            return nil
        }
        return value
    }

    mutating func timezone(_ node: Node, at field: String) -> String? {
        guard let raw = string(node, at: field) else { return nil }
        guard !raw.isEmpty, TimeZone(identifier: raw) != nil else {
            fail(field, "unknown time zone '\(raw)' (expected an IANA identifier such as Africa/Kigali)", node)
            return nil
        }
        return raw
    }
}
