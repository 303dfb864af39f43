#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RecordReader {
    /// Splits `buffer[position..<filled]` at LF bytes (found with `memchr`), stopping early when the
    /// batch is full.
    mutating func scanLines(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        while position < filled, !batchReady {
            guard let hit = memchr(base + position, Int32(lineFeed), filled - position) else {
                gatherLine(buffer, upTo: filled)
                position = filled
                return
            }
            let lineEnd = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            gatherLine(buffer, upTo: lineEnd)
            finishLine()
            line += 1
            position = lineEnd + 1
        }
    }

    /// Takes `buffer[position..<end]` into the current line, skipping its leading blanks.
    private mutating func gatherLine(_ buffer: UnsafeBufferPointer<UInt8>, upTo end: Int) {
        var start = position
        if pending == nil {
            while start < end, isBlank(buffer[start]) { start += 1 }
            guard start < end else { return }
            beginRecord()
        }
        guard start < end else { return }
        lineEndsWithCarriageReturn = buffer[end - 1] == carriageReturn
        absorb(UnsafeBufferPointer(rebasing: buffer[start..<end]), slack: 1)
    }

    /// Ends the current line (at an LF or at the end of the input); a blank line is no record.
    mutating func finishLine() {
        finishRecord(uncounted: lineEndsWithCarriageReturn ? 1 : 0)
        lineEndsWithCarriageReturn = false
    }
}
