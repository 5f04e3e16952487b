import Foundation
import Testing

// The same tags and switch as the API tests (Tests/CareFlowAPITests/Support/Tags.swift): a tag
// is known by its name, so `.slow` here and there select together in a test navigator.
extension Tag {
    /// Long-running: training every catalogue model, cross-validating against Python.
    @Tag static var slow: Self
    /// Checks against independent implementations (scikit-learn).
    @Tag static var interop: Self
}

enum TestLayer {
    static var fastOnly: Bool { ProcessInfo.processInfo.environment["CAREFLOW_FAST_TESTS"] == "1" }
}

extension Trait where Self == ConditionTrait {
    /// On every suite tagged `.slow` or `.interop`: `CAREFLOW_FAST_TESTS=1` leaves it out.
    static var outsideFastLayer: Self {
        .disabled(if: TestLayer.fastOnly, "CAREFLOW_FAST_TESTS=1 runs the fast layer only")
    }
}
