import Testing
@testable import CareFlowAPI
@Test func placeholder2() { #expect(1 == 1) }
