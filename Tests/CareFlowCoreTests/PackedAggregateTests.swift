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

/// Rows with a floating-point measure last (occupancy's seconds) read back to the same doubles.
@Suite("Packed measured aggregates (pure)")
struct PackedMeasuredAggregateTests {
    @Test("integers then a double in the forms PostgreSQL and SQLite write; the shortest text reads back exactly")
    func reads() throws {
        let rows = try #require(AnalyticsQueries.unpackMeasured("1,20,3.5;2,-1,-1e-07;0,-1,0;4,364,86400;3,7,1.2345678901234567e+06",
                                                                 integers: 2))
        #expect(rows.map(\.integers) == [[1, 20], [2, -1], [0, -1], [4, 364], [3, 7]])
        #expect(rows.map(\.measure) == [3.5, -1e-07, 0, 86_400, 1.2345678901234567e+06])
        let doubles = (0..<500).map { _ in Double.random(in: -1e9...1e9) } + [.leastNonzeroMagnitude, 0.1, 1.0 / 3.0]
        let text = doubles.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: ";")
        #expect(try #require(AnalyticsQueries.unpackMeasured(text, integers: 1)).map(\.measure) == doubles)
        #expect(AnalyticsQueries.unpackMeasured("", integers: 3)?.isEmpty == true)
    }

    @Test("a missing or extra cell, an empty measure or a measure that is not a number is refused")
    func refuses() {
        for text in ["1,2", "1,2,3,4.5", "1,2,", "1,2,x", "1,2,3.5;", "1,2,3.5;;1,2,3", "1,2,3.5e", "a,2,3.5", "1,2,3.5 "] {
            #expect(AnalyticsQueries.unpackMeasured(text, integers: 2) == nil, "\(text)")
        }
    }
}
