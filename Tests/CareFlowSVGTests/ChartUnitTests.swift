import CareFlowSVG
import Testing

@Suite struct ChartUnitTests {
    @Test func valuesAreWrittenForPeople() {
        #expect(ChartUnit.count.format(1234) == "1,234")
        #expect(ChartUnit.count.format(12.346) == "12.35")
        #expect(ChartUnit.fraction.format(0.125) == "12.5%")
        #expect(ChartUnit.fraction.format(0.4) == "40%")
        #expect(ChartUnit.money(currencyCode: "USD", minorUnits: 2).format(123_456) == "1,234.56 USD")
        #expect(ChartUnit.money(currencyCode: "USD", minorUnits: 2).format(-5) == "-0.05 USD")
        #expect(ChartUnit.money(currencyCode: "RWF", minorUnits: 0).format(1_500) == "1,500 RWF")
        #expect(ChartUnit.money(currencyCode: "KWD", minorUnits: 3).format(1_500) == "1.500 KWD")
    }
}
