import Logging

/// A log handler's own metadata, kept as the chain of values set on it, newest first.
///
/// Every request sets four or five keys on its logger (the request id twice, Vapor's then ours;
/// the user and tenant once signed in; the database id for each handle Fluent makes), and each
/// set went through a copy of the handler and of its dictionary, as a `Logger` is a value that
/// shares both with the logger it was copied from. Here a set adds one small node and copies
/// nothing; the dictionary is built only when a line is written. With the handler's other
/// fields in one shared reference, the handler fits in the logger's inline existential buffer,
/// so a set no longer allocates a new box for it either.
struct HandlerMetadata: Sendable {
    private final class Entry: Sendable {
        let key: String
        /// nil: the key was removed.
        let value: Logger.MetadataValue?
        let next: Entry?
        /// Entries in the chain from this one on.
        let depth: Int

        init(key: String, value: Logger.MetadataValue?, next: Entry?) {
            self.key = key
            self.value = value
            self.next = next
            depth = (next?.depth ?? 0) + 1
        }
    }

    /// A logger set again and again (a long-lived one whose key changes) must not grow without
    /// end: past this many entries the chain is rebuilt from its current values.
    private static let compactAfter = 32

    private var head: Entry?

    init(_ metadata: Logger.Metadata = [:]) {
        self.dictionary = metadata
    }

    subscript(key: String) -> Logger.MetadataValue? {
        get {
            var entry = head
            while let current = entry {
                if current.key == key { return current.value }
                entry = current.next
            }
            return nil
        }
        set {
            head = Entry(key: key, value: newValue, next: head)
            if head!.depth > Self.compactAfter { dictionary = dictionary }
        }
    }

    /// The current values: for each key, its newest setting, unless that removed it.
    var dictionary: Logger.Metadata {
        get {
            var metadata: Logger.Metadata = [:]
            var removed: Set<String> = []
            var entry = head
            while let current = entry {
                if metadata[current.key] == nil, !removed.contains(current.key) {
                    if let value = current.value { metadata[current.key] = value } else { removed.insert(current.key) }
                }
                entry = current.next
            }
            return metadata
        }
        set {
            head = nil
            for (key, value) in newValue { head = Entry(key: key, value: value, next: head) }
        }
    }
}
