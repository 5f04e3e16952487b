import Foundation
import ProcessSpawn
import Testing

/// segno (Python, `pip install segno`) as an independent QR encoder to compare against. When
/// python3 or segno is missing the comparison is skipped, unless `CAREFLOW_REQUIRE_INTEROP=1`
/// (as in `.ci/run`), in which case it runs and records a failure.
enum Segno {
    static let required = ProcessInfo.processInfo.environment["CAREFLOW_REQUIRE_INTEROP"] == "1"
    static let available: Bool = (try? python(["-c", "import segno"]))?.status == 0
    static var enabled: Bool { available || required }

    /// segno's symbol of the UTF-8 bytes of `text` in byte mode at level M, without raising the
    /// level to fill the version (`boost_error=False`) and never a Micro QR code (`micro=False`:
    /// `segno.make` would otherwise pick Micro QR for short texts).
    ///
    /// One correction to segno 1.6.6: when the bit stream already ends on a codeword boundary
    /// after the terminator (always so in byte mode with a full terminator), its
    /// `write_padding_bits` adds a whole zero codeword, where ISO/IEC 18004 clause 7.4.10 adds
    /// padding bits only "if the bit stream length is such that it does not end at a codeword
    /// boundary" (heuer/segno issue 148, open). Both symbols decode to the same text, but every
    /// codeword after it differs; the script applies the fix proposed in that issue, so the rest
    /// of segno (blocks, Reed–Solomon, placement, masking, format and version information)
    /// stays the independent reference.
    struct Symbol: Decodable {
        let version: Int
        let mask: Int
        /// Row by row, "1" for dark.
        let rows: [String]
    }

    private static let script = """
    import json, sys, segno
    from segno import encoder

    def write_padding_bits(buff, version, length):
        if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
            buff.extend([0] * (-length % 8))

    encoder.write_padding_bits = write_padding_bits
    data = sys.argv[1].encode('utf-8')
    q = segno.make(data, error='m', mode='byte', boost_error=False, micro=False)
    print(json.dumps({'version': q.version, 'mask': q.mask,
                      'rows': [''.join(str(b) for b in row) for row in q.matrix]}))
    """

    static func symbol(_ text: String) async throws -> Symbol {
        let out = try await pythonOffThePool(["-c", script, text])
        try #require(out.status == 0, "segno failed: \(out.stderr)")
        return try JSONDecoder().decode(Symbol.self, from: Data(out.stdout.utf8))
    }

    struct Output { let status: Int32; let stdout: String; let stderr: String }

    /// `python` waited for off the cooperative pool, which every test in the process shares.
    static func pythonOffThePool(_ arguments: [String]) async throws -> Output {
        try await offThePool { try python(arguments) }
    }

    /// `python3 arguments…`, its exit status and output.
    static func python(_ arguments: [String]) throws -> Output {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
