import InMemoryLogging
import Logging

extension InMemoryLogHandler {
    /// A logger writing here, at debug level (every copy of the handler keeps its entries in the same store).
    var logger: Logger {
        var logger = Logger(label: "jiekun.tests") { _ in self }
        logger.logLevel = .debug
        return logger
    }
}

extension InMemoryLogHandler.Entry {
    /// The message and the metadata (sorted by key) as one text, to search for what must or must not be logged.
    var text: String {
        ([message.description] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: " ")
    }
}
