#if canImport(Glibc)
import Glibc
#endif

/// The targets this binary can run, by the name `Fuzz/run.sh` passes in `DLB_FUZZ_TARGET`.
///
/// One binary serves every target because compiling the library with sanitizers takes most of a
/// smoke run's budget on a 2-core box; compiling it once instead of four times keeps CI short.
let fuzzTargets: [String: (UnsafeRawBufferPointer) -> Void] = [
    "json": JSONRoundTripTarget.run,
    "records": RecordReaderChunkTarget.run,
    "mapping": MappingPushTarget.run,
    "expression": ExpressionTarget.run,
]

/// The target chosen for this process, looked up once.
let selectedTarget: (UnsafeRawBufferPointer) -> Void = {
    let name = getenv("DLB_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = fuzzTargets[name] else {
        let known = fuzzTargets.keys.sorted().joined(separator: ", ")
        fputs("DLB_FUZZ_TARGET must name a target (\(known)); got '\(name)'\n", stderr)
        exit(2)
    }
    return target
}()

@_silgen_name("__lsan_disable") func lsanDisable()
@_silgen_name("__lsan_enable") func lsanEnable()

/// libFuzzer's set-up hook: picks the target and builds its one-time state (the compiled mappings)
/// before the first input. LeakSanitizer is paused meanwhile because Swift keeps pointers to
/// `indirect enum` boxes with tag bits set, which LSan cannot trace: the long-lived compiled
/// mappings would be reported as leaked at exit. Allocations made while fuzzing are still checked.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    lsanDisable()
    _ = selectedTarget
    _ = MappingPushTarget.converters
    lsanEnable()
    return 0
}

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// Stops the run with a finding libFuzzer records as a crash, saying which property broke.
func fuzzFailure(_ message: String) -> Never {
    fputs("fuzz property violated: \(message)\n", stderr)
    abort()
}
