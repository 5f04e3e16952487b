@testable import CareFlowCore
import Testing

/// The integer rows that the database packs into one text value (`AnalyticsQueries.integerRows`)
/// are read back exactly, and anything else in the text is refused rather than half read.
@Suite("Packed integer aggregates (pure)")
struct PackedAggregateTests {
    @Test("rows of integers, negative values, the widest Int, nothing at all")
    func reads() {
        #expect(AnalyticsQueries.unpack("1,20,3;2,18,4", columns: 3) == [[1, 20, 3], [2, 18, 4]])
        #expect(AnalyticsQueries.unpack("0,-7;364,0", columns: 2) == [[0, -7], [364, 0]])
        #expect(AnalyticsQueries.unpack("9223372036854775807", columns: 1) == [[Int.max]])
        #expect(AnalyticsQueries.unpack("-9223372036854775807", columns: 1) == [[-Int.max]])
        #expect(AnalyticsQueries.unpack("", columns: 6) == [])
        let many = (0..<365).map { day in [day, day * 7, 0, 1_000_000 + day] }
        #expect(AnalyticsQueries.unpack(many.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";"), columns: 4) == many)
    }

    @Test("wrong column counts, empty cells, stray characters and overflow are refused")
    func refuses() {
        for text in ["1,2;3", "1,2,3", "1,,2", "1,2;", ";1,2", "1,2;;3,4", "1, 2", "1,x", "1,2.5", "--1,2", "1-2,3",
                     "-,2", "9223372036854775808,1", "99999999999999999999,1", "1,2\n"] {
            #expect(AnalyticsQueries.unpack(text, columns: 2) == nil, "\(text)")
        }
    }
}
