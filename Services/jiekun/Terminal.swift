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

    /// Appends a reply's JSON body as it came and a line break: what `--json` prints.
    mutating func write(json body: [UInt8]) {
        buffer.append(contentsOf: body)
        write("\n")
    }

    /// Writes text to standard error at once (unbuffered).
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes an error to standard error as every executable of Jiekun does: `error: ` and the message, which
    /// says what failed and, where it can, what to do.
    static func error(_ message: String) {
        writeError(errorLine(message))
    }

    /// Writes a warning to standard error: `warning: ` and the message.
    static func warning(_ message: String) {
        writeError("warning: \(message)\n")
    }

    /// `error: MESSAGE` and a line break; ArgumentParser's `Error: ` is replaced, so that its messages start the
    /// same way as ours.
    static func errorLine(_ message: String) -> String {
        var text = message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
        if !text.hasSuffix("\n") { text += "\n" }
        return "error: " + text
    }

    /// Writes what is buffered.
    mutating func flush() {
        guard !buffer.isEmpty, let handle else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
