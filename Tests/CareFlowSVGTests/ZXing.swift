import Foundation
import Testing

/// zxing-cpp (Python bindings, `pip install zxing-cpp numpy`), a QR *reader*: the symbols are
/// decoded as a phone would, from a picture of the modules with the quiet zone. Skipped when
/// missing, unless `CAREFLOW_REQUIRE_INTEROP=1`.
enum ZXing {
    static let available: Bool = (try? Segno.python(["-c", "import zxingcpp, numpy"]))?.status == 0
    static var enabled: Bool { available || Segno.required }

    struct Reading: Decodable {
        let text: String
        let ecLevel: String
    }

    private static let script = """
    import json, sys, numpy, zxingcpp
    rows = sys.argv[1].split(',')
    quiet, scale = 4, 4
    side = len(rows) + 2 * quiet
    image = numpy.full((side, side), 255, numpy.uint8)
    for y, row in enumerate(rows):
        for x, module in enumerate(row):
            if module == '1':
                image[y + quiet, x + quiet] = 0
    image = numpy.kron(image, numpy.ones((scale, scale), numpy.uint8))
    found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    print(json.dumps([{'text': b.text, 'ecLevel': b.ec_level} for b in found]))
    """

    /// What zxing-cpp reads from `rows` ("1" dark), one entry per symbol found.
    static func read(_ rows: [String]) async throws -> [Reading] {
        let out = try await Segno.pythonOffThePool(["-c", script, rows.joined(separator: ",")])
        try #require(out.status == 0, "zxing-cpp failed: \(out.stderr)")
        return try JSONDecoder().decode([Reading].self, from: Data(out.stdout.utf8))
    }
}
