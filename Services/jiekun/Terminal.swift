import Foundation

/// Buffered output to a file descriptor (standard output or standard error).
struct Terminal {
    private let handle: FileHandle?
    private var buffer: [UInt8] = []

    /// Standard output.
    static var standardOutput: Terminal { Terminal(handle: .standardOutput) }
    /// Output kept in memory (``text``), never written anywhere.
    static var capturing: Terminal { Terminal(handle: nil) }
    private init(handle: FileHandle?) { self.handle = handle }

    /// What a capturing terminal holds.
    var text: String { String(decoding: buffer, as: UTF8.self) }

    /// Appends text; flushes when the buffer passes 64 KiB.
    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16, handle != nil { flush() }
    }

    /// Appends bytes.
    mutating func write(bytes: Data) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16, handle != nil { flush() }
    }

    /// Writes text to standard error at once (unbuffered).
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes what is buffered.
    mutating func flush() {
        guard !buffer.isEmpty, let handle else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
