#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process started with `posix_spawn`, with the subset of Foundation's `Process` API that
/// CareFlow uses (arguments, environment, working folder, standard streams as `Pipe`,
/// `FileHandle` or nil for /dev/null, wait, signal, termination handler).
///
/// Why not `Foundation.Process`: on Linux its `run()` lists /proc/self/fd to close every inherited
/// descriptor and copies each entry's full 256-byte name out of glibc's readdir buffer. Once the
/// caller holds about 1,350 descriptors (a server under load, a backup taken with that many
/// connections open, a parallel test run) the copy can read past the buffer's last page and the
/// process dies with SIGSEGV (swift-corelibs-foundation PR #5472, still in Swift 6.3.1). Here the
/// child closes what it should not inherit with glibc's closefrom file action (one close_range in
/// the child), and nothing reads directory entries by value.
public final class ChildProcess: @unchecked Sendable {
    public enum TerminationReason: Sendable {
        case exit
        case uncaughtSignal
    }

    public enum Failure: Error, CustomStringConvertible {
        case noExecutable
        case alreadyStarted
        case spawn(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .noExecutable: "no executable set"
            case .alreadyStarted: "the process was already started"
            case .spawn(let path, let code): "cannot start \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    public var executableURL: URL?
    public var arguments: [String] = []
    /// Nil: the parent's environment.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// `Pipe`, `FileHandle`, or nil for /dev/null. The default is the parent's stream.
    public var standardInput: Any? = FileHandle.standardInput
    public var standardOutput: Any? = FileHandle.standardOutput
    public var standardError: Any? = FileHandle.standardError
    /// Called once, on the thread that reaped the child.
    public var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    private let condition = NSCondition()
    private var pid: pid_t = 0
    private var running = false
    private var status: Int32 = 0
    private var reason: TerminationReason = .exit

    public init() {}

    public var processIdentifier: Int32 {
        condition.lock(); defer { condition.unlock() }
        return pid
    }

    public var isRunning: Bool {
        condition.lock(); defer { condition.unlock() }
        return running
    }

    public var terminationStatus: Int32 {
        condition.lock(); defer { condition.unlock() }
        precondition(pid != 0 && !running, "the process has not finished")
        return status
    }

    public var terminationReason: TerminationReason {
        condition.lock(); defer { condition.unlock() }
        precondition(pid != 0 && !running, "the process has not finished")
        return reason
    }

    public func waitUntilExit() {
        condition.lock()
        while running { condition.wait() }
        condition.unlock()
    }

    /// SIGTERM.
    public func terminate() { send(SIGTERM) }

    /// SIGINT.
    public func interrupt() { send(SIGINT) }

    public func send(_ signal: Int32) {
        condition.lock(); defer { condition.unlock() }
        if running { kill(pid, signal) }
    }

    public func run() throws {
        guard let path = executableURL?.path else { throw Failure.noExecutable }
        condition.lock()
        guard pid == 0 else {
            condition.unlock()
            throw Failure.alreadyStarted
        }
        condition.unlock()

        let argv = CStringArray([path] + arguments)
        let env = environment ?? ProcessInfo.processInfo.environment
        let envp = CStringArray(env.map { "\($0.key)=\($0.value)" })

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(standardInput, STDIN_FILENO), (standardOutput, STDOUT_FILENO), (standardError, STDERR_FILENO)] {
            switch stream {
            case let pipe as Pipe:
                let end = target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
            case let handle as FileHandle where handle !== FileHandle.nullDevice && handle.fileDescriptor >= 0:
                if handle.fileDescriptor != target {
                    posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
                }
            default:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            }
        }
        try SpawnExtensions.closeFrom(3, in: &actions)
        if let directory = currentDirectoryURL?.path {
            try SpawnExtensions.changeDirectory(to: directory, in: &actions)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (as Foundation does), no blocked signals, and the default action for
        // the signals a server ignores or handles (SIGPIPE is ignored by SwiftNIO; ignoring is inherited).
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var child: pid_t = 0
        let code = posix_spawn(&child, path, &actions, &attributes, argv.pointers, envp.pointers)
        guard code == 0 else { throw Failure.spawn(path: path, errno: code) }

        // The child holds its ends now; the parent's copies would keep a reader from seeing EOF.
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
        if let pipe = standardOutput as? Pipe { try? pipe.fileHandleForWriting.close() }
        if let pipe = standardError as? Pipe, (standardOutput as? Pipe) !== pipe { try? pipe.fileHandleForWriting.close() }

        condition.lock()
        pid = child
        running = true
        condition.unlock()

        let reaper = Thread { [self, child] in reap(child) }
        reaper.name = "reap-\(child)"
        reaper.start()
    }

    private func reap(_ child: pid_t) {
        var raw: Int32 = 0
        while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
        condition.lock()
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS are macros Swift does not import.
        let signal = raw & 0x7f
        if signal != 0 && signal != 0x7f {
            reason = .uncaughtSignal
            status = signal
        } else {
            reason = .exit
            status = (raw >> 8) & 0xff
        }
        running = false
        let handler = terminationHandler
        terminationHandler = nil
        condition.broadcast()
        condition.unlock()
        handler?(self)
    }
}

/// A NULL-terminated array of C strings, freed with the value.
private final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (i, string) in strings.enumerated() { pointers[i] = strdup(string) }
        pointers[count] = nil
    }

    deinit {
        for i in 0..<count { free(pointers[i]) }
        pointers.deallocate()
    }
}

/// glibc's posix_spawn extensions that the Glibc module does not import (they are behind
/// _GNU_SOURCE): looked up once by name.
private enum SpawnExtensions {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static let closeFromFunction: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let changeDirectoryFunction: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<F>(_ name: String) -> F? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: F.self)
    }

    /// Closes every descriptor from `lowest` up in the child (glibc 2.34+). On an older libc the
    /// open descriptors are listed from /proc/self/fd, reading each name in place.
    static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) throws {
        if let closeFromFunction {
            let code = closeFromFunction(&actions, lowest)
            guard code == 0 else { throw ChildProcess.Failure.spawn(path: "closefrom", errno: code) }
            return
        }
        for fd in openDescriptors() where fd >= lowest {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    static func changeDirectory(to path: String, in actions: inout posix_spawn_file_actions_t) throws {
        guard let changeDirectoryFunction else { throw ChildProcess.Failure.spawn(path: "chdir", errno: ENOSYS) }
        let code = changeDirectoryFunction(&actions, path)
        guard code == 0 else { throw ChildProcess.Failure.spawn(path: path, errno: code) }
    }

    private static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var found: [Int32] = []
        while let entry = readdir(directory) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if let fd = Int32(name), fd != own { found.append(fd) }
        }
        return found
    }
}
