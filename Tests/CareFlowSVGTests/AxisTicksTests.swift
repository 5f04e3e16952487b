import CareFlowSVG
import Testing

/// Expected ticks written by hand: 1, 2 or 5 × 10^n steps from zero past the largest value.
@Suite struct AxisTicksTests {
    @Test func countsUpToThirtySevenTickByTens() {
        let ticks = AxisTicks(covering: 0, 37, unit: .count)
        #expect(ticks.values == [0, 10, 20, 30, 40])
        #expect(ticks.labels == ["0", "10", "20", "30", "40"])
    }

    @Test func fractionsUpToTwentyThreePercentTickByFivePercent() {
        let ticks = AxisTicks(covering: 0, 0.23, unit: .fraction)
        #expect(ticks.values == [0, 0.05, 0.1, 0.15, 0.2, 0.25])
        #expect(ticks.labels == ["0%", "5%", "10%", "15%", "20%", "25%"])
    }

    @Test func smallFractionsGetDecimalPercentages() {
        let ticks = AxisTicks(covering: 0, 0.018, unit: .fraction)
        #expect(ticks.values == [0, 0.005, 0.01, 0.015, 0.02])
        #expect(ticks.labels == ["0.0%", "0.5%", "1.0%", "1.5%", "2.0%"])
    }

    @Test func allZeroCountsSpanOneThing() {
        let ticks = AxisTicks(covering: 0, 0, unit: .count)
        #expect(ticks.values == [0, 1])
        #expect(ticks.labels == ["0", "1"])
    }

    @Test func allZeroFractionsSpanTheWholePercentage() {
        let ticks = AxisTicks(covering: 0, 0, unit: .fraction)
        #expect(ticks.labels == ["0%", "20%", "40%", "60%", "80%", "100%"])
    }

    @Test func oneValueIsCoveredFromZero() {
        #expect(AxisTicks(covering: 7, 7, unit: .count).values == [0, 2, 4, 6, 8])
        // A count axis never steps by less than one thing.
        #expect(AxisTicks(covering: 3, 3, unit: .count).values == [0, 1, 2, 3])
    }

    @Test func maximumOnATickGetsNoExtraStep() {
        #expect(AxisTicks(covering: 0, 20, unit: .count).values == [0, 5, 10, 15, 20])
        #expect(AxisTicks(covering: 0, 1, unit: .fraction).values == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func negativeValuesExtendTheAxisBelowZero() {
        let ticks = AxisTicks(covering: -3, 12, unit: .count)
        #expect(ticks.values == [-5, 0, 5, 10, 15])
        #expect(ticks.labels == ["-5", "0", "5", "10", "15"])
    }

    @Test func moneyTicksAreInMajorUnits() {
        // 0 to 1,234.56 USD in cents: steps of 500 dollars.
        let dollars = AxisTicks(covering: 0, 123_456, unit: .money(currencyCode: "USD", minorUnits: 2))
        #expect(dollars.values == [0, 50_000, 100_000, 150_000])
        #expect(dollars.labels == ["0", "500", "1,000", "1,500"])
        // Small amounts keep the fraction digits the step needs.
        let cents = AxisTicks(covering: 0, 180, unit: .money(currencyCode: "USD", minorUnits: 2))
        #expect(cents.labels == ["0.00", "0.50", "1.00", "1.50", "2.00"])
        // A currency without minor units.
        let francs = AxisTicks(covering: 0, 2_300_000, unit: .money(currencyCode: "RWF", minorUnits: 0))
        #expect(francs.labels == ["0", "500,000", "1,000,000", "1,500,000", "2,000,000", "2,500,000"])
    }

    @Test func valuesThatAreNotNumbersGiveTheFlatAxis() {
        #expect(AxisTicks(covering: .nan, .infinity, unit: .count).values == [0, 1])
    }
}
