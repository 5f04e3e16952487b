/// A secret value read from its `env:` / `file:` reference. It prints as `<redacted>` in
/// interpolation, `print`, `dump` and debugger descriptions, so logging a value that holds one
/// cannot leak it; only `reveal()` gives the text, at the point it goes onto the wire.
public struct ResolvedSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself. Call it only where the value is put on the wire.
    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
