import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler writing one logfmt line per record (STYLE "Logging and metrics"):
///
/// ```text
/// ts=2025-03-01T08:00:00.123Z level=info agency=housing msg="event applied" feed.name=households.housing feed.sequence=42 source=EventFabric
/// ```
///
/// Fields, in order: `ts` (UTC, milliseconds), `level`, `agency`, `msg`, then the metadata sorted by key (a nested
/// dictionary's keys joined with dots: `["feed": ["name": "x"]]` gives `feed.name=x`), `error.type` when the record
/// carries an error (its type only: an error's text may hold personal data), and `source` (the module). A value
/// is quoted when it holds a space, `=`, `"` or a control character, with `\"`, `\\`, `\n`, `\r`, `\t` escapes.
///
/// Personal data never belongs in a log: log masked values (``Logging/Logger/MetadataValue/maskedIdentityNumber(_:)``,
/// ``Logging/Logger/MetadataValue/maskedName(_:)``). As a last line of defence the handler also masks anything shaped
/// like an identity number (17 digits and a check character) in the message and the values.
public struct LogfmtLogHandler: LogHandler {
    /// Receives each finished line, newline included.
    public typealias Sink = @Sendable (String) -> Void

    /// The lowest level logged.
    public var logLevel: Logger.Level
    /// Metadata added to every record of this logger.
    public var metadata: Logger.Metadata
    /// Contextual metadata (task-local values) added to every record.
    public var metadataProvider: Logger.MetadataProvider?
    /// The agency named on every line (`agency=housing`).
    public let agency: String
    private let sink: Sink

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - agency: The agency named on every line.
    ///   - level: The lowest level logged.
    ///   - metadataProvider: Contextual metadata, if any.
    ///   - sink: Where lines go; standard error by default (one `write(2)` per line).
    public init(
        agency: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping Sink = LogfmtLogHandler.standardError
    ) {
        self.agency = agency
        self.logLevel = level
        self.metadata = [:]
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    /// One metadata value of this logger.
    ///
    /// - Parameter metadataKey: The key.
    public subscript(metadataKey metadataKey: String) -> Logger.Metadata.Value? {
        get { metadata[metadataKey] }
        set { metadata[metadataKey] = newValue }
    }

    /// Formats the record as one line and hands it to the sink.
    ///
    /// - Parameter event: The record.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        sink(
            Self.line(
                date: Date(), level: event.level, agency: agency, message: event.message.description,
                metadata: merged, error: event.error, source: event.source
            )
        )
    }

    /// Formats one record.
    ///
    /// - Parameters:
    ///   - date: When it was logged.
    ///   - level: Its level.
    ///   - agency: The agency.
    ///   - message: The message.
    ///   - metadata: The metadata.
    ///   - error: The error it carries, if any (its type only is written).
    ///   - source: The module that logged it.
    /// - Returns: The line, ending with a newline.
    public static func line(
        date: Date,
        level: Logger.Level,
        agency: String,
        message: String,
        metadata: Logger.Metadata,
        error: (any Error)? = nil,
        source: String
    ) -> String {
        var fields: [(String, String)] = [
            ("ts", timestampFormat.format(date)), ("level", level.rawValue), ("agency", agency), ("msg", message),
        ]
        var flattened: [(String, String)] = []
        for (key, value) in metadata { flatten(key, value, into: &flattened) }
        fields += flattened.sorted { $0.0 < $1.0 }
        if let error { fields.append(("error.type", String(reflecting: type(of: error)))) }
        fields.append(("source", source))
        var line = ""
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { line += " " }
            line += Self.key(key) + "=" + Self.value(maskingIdentityNumbers(in: value))
        }
        return line + "\n"
    }

    /// Masks every run of 17 digits followed by a digit or `X` (an identity number's shape, GB 11643) to its first
    /// 6 and last 4 characters, as `IdentityNumber.mask` does. Longer runs of digits are left alone.
    ///
    /// - Parameter text: Any text.
    /// - Returns: The text, identity numbers masked.
    public static func maskingIdentityNumbers(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 18 else { return text }
        func isDigit(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count && ("0"..."9").contains(scalars[index])
        }
        var result = String.UnicodeScalarView()
        var index = 0
        var changed = false
        while index < scalars.count {
            if !isDigit(index - 1), index + 18 <= scalars.count, (index..<index + 17).allSatisfy(isDigit) {
                let last = scalars[index + 17]
                let isCheck = ("0"..."9").contains(last) || last == "X" || last == "x"
                if isCheck, !isDigit(index + 18) {
                    result.append(contentsOf: scalars[index..<index + 6])
                    result.append(contentsOf: String(repeating: "*", count: 8).unicodeScalars)
                    result.append(contentsOf: scalars[index + 14..<index + 18])
                    index += 18
                    changed = true
                    continue
                }
            }
            result.append(scalars[index])
            index += 1
        }
        return changed ? String(result) : text
    }

    /// Writes a line to standard error with one `write(2)`, so concurrent lines never interleave.
    public static let standardError: Sink = { line in
        StandardError.lock.withLock { _ in
            var bytes = Array(line.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                bytes = bytes.dropFirst(written)
            }
        }
    }

    /// `2025-03-01T08:00:00.123Z`.
    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Appends a metadata entry, a dictionary's entries under dotted keys.
    private static func flatten(_ key: String, _ value: Logger.MetadataValue, into fields: inout [(String, String)]) {
        switch value {
        case .string(let text): fields.append((key, text))
        case .stringConvertible(let convertible): fields.append((key, convertible.description))
        case .array(let values):
            fields.append((key, "[" + values.map(\.description).joined(separator: ",") + "]"))
        case .dictionary(let dictionary):
            for (inner, value) in dictionary { flatten(key + "." + inner, value, into: &fields) }
        }
    }

    /// A key with the characters logfmt cannot carry in a key replaced by `_`.
    private static func key(_ key: String) -> String {
        guard !key.isEmpty else { return "_" }
        let safe = key.unicodeScalars.map { scalar -> Character in
            scalar == " " || scalar == "=" || scalar == "\"" || scalar.properties.generalCategory == .control
                ? "_" : Character(scalar)
        }
        return String(safe)
    }

    /// A value, quoted and escaped when needed.
    private static func value(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.properties.generalCategory == .control
            }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    quoted += String(format: "\\u%04x", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}

/// The lock serialising writes to standard error.
private enum StandardError {
    static let lock = Mutex(())
}
