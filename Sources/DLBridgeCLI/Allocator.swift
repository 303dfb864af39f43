#if canImport(Glibc)
import Glibc
#endif

/// The C allocator's settings for a streaming run.
enum Allocator {
    /// Keeps freed memory in the process for the next batch instead of handing it back to the
    /// kernel. Every batch allocates its records and its written envelopes and frees them once
    /// written; glibc's defaults trimmed the heap (or unmapped the block) after each one, and the
    /// kernel faulted the pages in again, zeroed, for the next batch: with one job and 256 KiB
    /// batches, 39,700 page faults and 0.2 s in the kernel on the 210 MB bench corpus, against 1,100
    /// and 0.07 s with these settings (with 1 MiB batches, 52,000 against 1,500). One heap's peak
    /// is unchanged: it still grows only to what is in use at once, it just stops shrinking
    /// between batches.
    ///
    /// A process-wide setting, so it belongs to the command, not to the library. Glibc only; a
    /// no-op where `mallopt` is not found.
    static func keepFreedMemoryForReuse() {
        #if canImport(Glibc)
        // `mallopt` is in <malloc.h>, which the Glibc module does not import.
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        // Blocks below 8 MiB (a batch's buffers, records up to that size) come from the heap,
        // and the heap keeps up to 64 MiB free at its top.
        _ = mallopt(mmapThreshold, 8 << 20)
        _ = mallopt(trimThreshold, 64 << 20)
        #endif
    }
}
