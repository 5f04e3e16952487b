import CareFlowSVG
import Foundation
import Testing

/// Charts read back through an XML parser. Geometry is checked against the axis's own gridlines
/// (their y for 0 and for the top tick), so the expected bar heights follow from the values
/// alone, not from the renderer's layout arithmetic.
@Suite struct ChartTests {
    /// px per unit on the y axis and the y of zero, from the zero line and the top gridline.
    private func yAxis(_ doc: ParsedSVG, topTick: Double) throws -> (zero: Double, perUnit: Double) {
        let zero = try #require(doc.all("line", class: "zero").first).number("y1")
        let lines = doc.all("line").filter { $0.attributes["class"] == "grid" || $0.attributes["class"] == "zero" }
        let top = try #require(lines.map { $0.number("y1") }.min())
        return (zero, (zero - top) / topTick)
    }

    @Test func barOfTenOnATwentyAxisIsHalfThePlotHeight() throws {
        let chart = TimeSeriesChart(title: "Admissions", kind: .stackedBars, labels: ["Mon", "Tue"],
                                    series: [ChartSeries(name: "Admissions", values: [10, 20])], unit: .count)
        let doc = try #require(ParsedSVG.parse(chart.svg()))
        let bars = doc.all("rect", class: "bar")
        #expect(bars.count == 2)
        let zero = try #require(doc.all("line", class: "zero").first).number("y1")
        let top = try #require(doc.all("line", class: "grid").map { $0.number("y1") }.min())
        let plotHeight = zero - top
        #expect(plotHeight > 100)
        #expect(abs(bars[0].number("height") - plotHeight / 2) < 0.02)
        #expect(abs(bars[1].number("height") - plotHeight) < 0.02)
        for bar in bars { #expect(abs(bar.number("y") + bar.number("height") - zero) < 0.02) }
        // Bars sit in their own bands, left to right.
        #expect(bars[0].number("x") + bars[0].number("width") < bars[1].number("x"))
    }

    @Test func stackedBarsSumTheirSeries() throws {
        let chart = TimeSeriesChart(
            title: "Appointments", kind: .stackedBars, labels: ["1 Nov", "2 Nov"],
            series: [ChartSeries(name: "completed", values: [10, 6]), ChartSeries(name: "no_show", values: [5, nil]),
                     ChartSeries(name: "refunds", values: [-4, 0])],
            unit: .count)
        let doc = try #require(ParsedSVG.parse(chart.svg()))
        // 10 + 5 = 15 above zero: ticks 0, 5, 10, 15 (and -5 below).
        let axis = try yAxis(doc, topTick: 15)
        let bars = doc.all("rect", class: "bar")
        // nil and zero draw nothing: completed ×2, no_show ×1, refunds ×1.
        #expect(bars.count == 4)
        let first = bars.filter { $0.groupClass == "series s0" }
        let second = bars.filter { $0.groupClass == "series s1" }
        let negative = bars.filter { $0.groupClass == "series s2" }
        #expect(first.count == 2 && second.count == 1 && negative.count == 1)
        let completed = first[0], noShow = second[0], refunds = negative[0]
        #expect(abs(completed.number("height") - 10 * axis.perUnit) < 0.02)
        #expect(abs(completed.number("y") + completed.number("height") - axis.zero) < 0.02)
        // The second layer starts where the first ends; the stack's top is at 15.
        #expect(abs(noShow.number("y") + noShow.number("height") - completed.number("y")) < 0.02)
        #expect(abs(noShow.number("y") - (axis.zero - 15 * axis.perUnit)) < 0.03)
        // A negative value hangs from zero.
        #expect(abs(refunds.number("y") - axis.zero) < 0.02)
        #expect(abs(refunds.number("height") - 4 * axis.perUnit) < 0.02)
        #expect(abs(first[1].number("height") - 6 * axis.perUnit) < 0.02)
    }

    @Test func nilValuesLeaveGapsInTheLine() throws {
        let values: [Double?] = [0.1, 0.2, nil, 0.4, 0.5, nil, 0.7]
        let chart = TimeSeriesChart(title: "Occupancy", kind: .line, labels: (1...7).map { "D\($0)" },
                                    series: [ChartSeries(name: "Occupancy", values: values)], unit: .fraction)
        let doc = try #require(ParsedSVG.parse(chart.svg()))
        let path = try #require(doc.all("path", class: "line").first?.attributes["d"])
        let subpaths = path.split(separator: "M").map { $0.split(separator: "L").count }
        // Three runs: D1–D2, D4–D5 and D7 alone; no segment crosses D3 or D6.
        #expect(subpaths == [2, 2, 1])
        let points = doc.all("circle", class: "point")
        #expect(points.count == 5)
        // The x of each point is its label's: the gap's labels get none.
        let labelX = Dictionary(uniqueKeysWithValues: doc.texts(in: "x-axis").map { ($0.text, $0.number("x")) })
        let pointX = Set(points.map { $0.number("cx") })
        #expect(labelX.count == 7)
        for label in ["D3", "D6"] { #expect(!pointX.contains(try #require(labelX[label]))) }
        for label in ["D1", "D2", "D4", "D5", "D7"] { #expect(pointX.contains(try #require(labelX[label]))) }
        // Heights: 0.7 on the 0–80 % axis (ticks by 20 %).
        let axis = try yAxis(doc, topTick: 0.8)
        let last = try #require(points.last)
        #expect(abs(last.number("cy") - (axis.zero - 0.7 * axis.perUnit)) < 0.02)
    }

    @Test func aSeriesWithoutValuesDrawsNoPath() throws {
        let chart = TimeSeriesChart(title: "Rates", kind: .line, labels: ["a", "b"],
                                    series: [ChartSeries(name: "x", values: [0.5, 0.25]), ChartSeries(name: "y", values: [nil, .nan])],
                                    unit: .fraction)
        let doc = try #require(ParsedSVG.parse(chart.svg()))
        #expect(doc.all("path", class: "line").count == 1)
        #expect(!chart.svg().contains("nan"))
    }

    @Test func textIsEscaped() throws {
        let chart = TimeSeriesChart(title: "Tom & Jerry's <chart>", kind: .stackedBars, labels: ["<b>bold</b>", "\"q\""],
                                    series: [ChartSeries(name: "<script>alert(1)</script>", values: [1, 2])], unit: .count)
        let svg = chart.svg()
        #expect(!svg.contains("<script>"))
        #expect(!svg.contains("<b>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let doc = try #require(ParsedSVG.parse(svg))
        // Escaped, the data reads back exactly as given.
        #expect(doc.all("title").first?.text == "Tom & Jerry's <chart>")
        #expect(doc.texts(in: "legend").map(\.text) == ["<script>alert(1)</script>"])
        #expect(doc.texts(in: "x-axis").map(\.text) == ["<b>bold</b>", "\"q\""])
        #expect(!doc.elements.contains { $0.name == "script" || $0.name == "b" })
    }

    @Test(arguments: [TimeSeriesChart.Kind.line, .stackedBars])
    func noInlineStyleAndAnAccessibleName(kind: TimeSeriesChart.Kind) throws {
        let chart = TimeSeriesChart(title: "No-show rate", kind: kind, labels: ["W1", "W2", "W3"],
                                    series: [ChartSeries(name: "Rate", values: [0.1, nil, 0.3])], unit: .fraction)
        let svg = chart.svg(width: 390, height: 240)
        #expect(!svg.lowercased().contains("style"))
        let doc = try #require(ParsedSVG.parse(svg))
        #expect(doc.elements.allSatisfy { $0.attributes["style"] == nil })
        let root = try #require(doc.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] == "0 0 390.00 240.00")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["width"] == nil)
        // <title> then <desc> are the first children: the accessible name and description.
        #expect(doc.elements[1].name == "title" && doc.elements[1].text == "No-show rate")
        #expect(doc.elements[2].name == "desc")
        #expect(doc.elements[2].text.contains("Rate: latest 30%, lowest 10%, highest 30%"))
    }

    @Test func outputIsDeterministicWithTwoDecimalCoordinates() throws {
        let make = {
            TimeSeriesChart(title: "Revenue", kind: .stackedBars, labels: ["Jan", "Feb", "Mar"],
                            series: [ChartSeries(name: "USD", values: [123_456, 98_765.4321, nil])],
                            unit: .money(currencyCode: "USD", minorUnits: 2))
        }
        let svg = make().svg()
        #expect(svg == make().svg())
        let doc = try #require(ParsedSVG.parse(svg))
        let coordinates = ["x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy"]
        let pattern = try Regex(#"^-?[0-9]+\.[0-9]{2}$"#)
        for element in doc.elements {
            for name in coordinates {
                guard let value = element.attributes[name] else { continue }
                #expect(value.wholeMatch(of: pattern) != nil, "\(element.name) \(name)=\(value)")
            }
        }
        // The currency is written once above the axis, the tooltip gives the exact amount.
        #expect(doc.all("text", class: "unit").map(\.text) == ["USD"])
        #expect(doc.all("title").contains { $0.text == "Jan — USD: 1,234.56 USD" })
    }

    @Test func emptyStateWhenThereIsNoValue() throws {
        let chart = TimeSeriesChart(title: "Occupancy", kind: .line, labels: ["a", "b", "c"],
                                    series: [ChartSeries(name: "Ward A", values: [nil, nil, nil])], unit: .fraction)
        #expect(chart.isEmpty)
        let doc = try #require(ParsedSVG.parse(chart.svg()))
        #expect(doc.all("text", class: "empty").map(\.text) == ["No data in this range"])
        #expect(doc.all("path").isEmpty && doc.all("circle").isEmpty)
        let silent = TimeSeriesChart(title: "Occupancy", kind: .line, labels: [], series: [], unit: .count, emptyMessage: nil)
        let silentDoc = try #require(ParsedSVG.parse(silent.svg()))
        #expect(silentDoc.all("text", class: "empty").isEmpty)
        // Zeros are data, not an empty chart.
        let zeros = TimeSeriesChart(title: "Admissions", kind: .stackedBars, labels: ["a"],
                                    series: [ChartSeries(name: "n", values: [0])], unit: .count)
        #expect(!zeros.isEmpty)
        #expect(try #require(ParsedSVG.parse(zeros.svg())).all("text", class: "empty").isEmpty)
    }

    @Test func xLabelsAreThinnedSoTheyNeverOverlap() throws {
        let days = (1...30).map { "2026-11-" + ($0 < 10 ? "0\($0)" : "\($0)") }
        let chart = TimeSeriesChart(title: "Admissions", kind: .stackedBars, labels: days,
                                    series: [ChartSeries(name: "n", values: days.map { _ in 3 })], unit: .count)
        for width in [390, 640, 1280] {
            let labels = try #require(ParsedSVG.parse(chart.svg(width: width))).texts(in: "x-axis")
            #expect(labels.count >= 2 && labels.count < 30, "width \(width): \(labels.count) labels")
            #expect(labels.first?.text == "2026-11-01")
            // 10 characters of an 11 px sans-serif font are under 11 × 0.55 × 10 = 60.5 px wide.
            let xs = labels.map { $0.number("x") }
            for (left, right) in zip(xs, xs.dropFirst()) { #expect(right - left >= 60.5, "width \(width)") }
            #expect(xs.allSatisfy { $0 - 30.25 >= 0 && $0 + 30.25 <= Double(width) })
        }
        // Few short labels are all written.
        let week = TimeSeriesChart(title: "t", kind: .line, labels: ["Mon", "Tue", "Wed", "Thu", "Fri"],
                                   series: [ChartSeries(name: "n", values: [1, 2, 3, 4, 5])], unit: .count)
        #expect(try #require(ParsedSVG.parse(week.svg(width: 390))).texts(in: "x-axis").count == 5)
    }

    @Test func legendWrapsInsideANarrowChart() throws {
        let names = ["booked", "confirmed", "completed", "cancelled", "no_show"]
        let chart = TimeSeriesChart(title: "Appointments", kind: .stackedBars, labels: ["a"],
                                    series: names.map { ChartSeries(name: $0, values: [1]) }, unit: .count)
        let legend = try #require(ParsedSVG.parse(chart.svg(width: 390))).texts(in: "legend")
        #expect(legend.map(\.text) == names)
        #expect(Set(legend.map { $0.number("y") }).count >= 2)
        for text in legend { #expect(text.number("x") + Double(text.text.count) * 6.05 <= 390) }
    }
}
