import CareFlowCore
import Foundation
import Vapor

/// The body of `GET /api/v1/analytics/{metric}`, written straight into bytes: the same JSON as
/// `AnalyticsSeriesDTO` (the documented schema, which `encode(to:)` still goes through), without
/// a `String` per bucket bound and a dictionary per bucket. Through `Codable` the encoding was a
/// third of the server's CPU for a year by day (730 bounds, 365 `by_status` objects;
/// benchmarks/PROFILE.md, session 15). `AnalyticsSeriesJSONTests` holds both writers to the
/// same values for every kind of bucket. `by_status` lists every status, in declared order.
struct AnalyticsSeriesJSON: AsyncResponseEncodable, Encodable {
    let series: AnalyticsSeries

    func encodeResponse(for request: Request) async throws -> Response {
        let response = Response()
        response.headers.contentType = .json
        response.body = .init(buffer: ByteBuffer(bytes: try bytes()))
        return response
    }

    /// The documented encoding, through the DTO.
    func encode(to encoder: any Encoder) throws {
        try AnalyticsSeriesDTO(series).encode(to: encoder)
    }

    func bytes() throws -> [UInt8] {
        let out = JSONOutput(userInfo: [:])
        out.bytes.reserveCapacity(160 + series.buckets.count * 130)
        let local = LocalTimestamp(timeZone: series.timeZone)
        out.raw("{\"metric\":")
        out.writeString(series.metric.rawValue)
        out.raw(",\"interval\":")
        out.writeString(series.interval.rawValue)
        out.raw(",\"time_zone\":")
        out.writeString(series.timeZoneName)
        out.raw(",\"from\":\"")
        local.write(series.from, to: &out.bytes)
        out.raw("\",\"to\":\"")
        local.write(series.to, to: &out.bytes)
        out.raw("\",\"facility_id\":")
        if let facilityID = series.facilityID { out.writeString(facilityID.uppercasedString) } else { out.raw("null") }
        out.raw(",\"buckets\":[")
        // Each bucket starts where the one before ended: that bound is written once and copied.
        var previousEnd: Date?
        var endText: [UInt8] = []
        endText.reserveCapacity(32)
        for (index, bucket) in series.buckets.enumerated() {
            out.raw(index == 0 ? "{\"start\":\"" : ",{\"start\":\"")
            if previousEnd == bucket.start {
                out.bytes.append(contentsOf: endText)
            } else {
                local.write(bucket.start, to: &out.bytes)
            }
            out.raw("\",\"end\":\"")
            endText.removeAll(keepingCapacity: true)
            local.write(bucket.end, to: &endText)
            previousEnd = bucket.end
            out.bytes.append(contentsOf: endText)
            out.raw("\"")
            try Self.write(bucket.values, to: out)
            out.raw("}")
        }
        out.raw("]}")
        return out.bytes
    }

    /// The members of one bucket after its bounds, in `AnalyticsSeriesDTO.Bucket`'s order.
    private static func write(_ values: AnalyticsValues, to out: JSONOutput) throws {
        switch values {
        case .count(let n):
            out.raw(",\"count\":")
            out.writeInteger(n)
        case .statusCounts(let counts):
            out.raw(",\"by_status\":{")
            for (index, (status, n)) in counts.byStatus.enumerated() {
                out.raw(index == 0 ? "\"" : ",\"")
                out.append(status.rawValue)
                out.raw("\":")
                out.writeInteger(n)
            }
            out.raw("},\"total\":")
            out.writeInteger(counts.total)
        case .noShowRate(let noShow, let completed, let rate):
            out.raw(",\"no_show\":")
            out.writeInteger(noShow)
            out.raw(",\"completed\":")
            out.writeInteger(completed)
            out.raw(",\"rate\":")
            try out.number(rate)
        case .occupancy(let beds, let average, let occupancy):
            out.raw(",\"beds\":")
            out.writeInteger(beds)
            out.raw(",\"average_occupied_beds\":")
            try out.number(average)
            out.raw(",\"occupancy\":")
            try out.number(occupancy)
        case .revenue(let currencies):
            out.raw(",\"revenue\":[")
            for (index, money) in currencies.enumerated() {
                out.raw(index == 0 ? "{\"currency\":" : ",{\"currency\":")
                out.writeString(money.currency)
                out.raw(",\"paid\":")
                out.writeInteger(money.paid)
                out.raw(",\"refunded\":")
                out.writeInteger(money.refunded)
                out.raw(",\"net\":")
                out.writeInteger(money.net)
                out.raw("}")
            }
            out.raw("]")
        }
    }
}
