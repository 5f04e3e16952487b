import Foundation
import Testing

extension Tag {
    /// Long-running suites: child processes, large files, bulk data, waits on timers.
    @Tag static var slow: Self
    /// Checks against independent implementations (Python packages, command-line tools).
    @Tag static var interop: Self
}

/// `swift test` selects tests by name only, not by tag; `CAREFLOW_FAST_TESTS=1` leaves out
/// what is tagged `.slow` or `.interop`, for the quick loop while editing. CI runs everything.
enum TestLayer {
    static var fastOnly: Bool { ProcessInfo.processInfo.environment["CAREFLOW_FAST_TESTS"] == "1" }
}

extension Trait where Self == ConditionTrait {
    /// On every suite or test tagged `.slow` or `.interop`, beside the tag.
    static var outsideFastLayer: Self {
        .disabled(if: TestLayer.fastOnly, "CAREFLOW_FAST_TESTS=1 runs the fast layer only")
    }
}
