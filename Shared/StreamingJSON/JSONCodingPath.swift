import Foundation

// MARK: - Coding path

/// A coding path kept as a chain of keys, innermost last: the encoder and decoder pass it down without building
/// an array for every nested value (the array is built only when asked for, mostly for an error).
final class JSONCodingPath: Sendable {
    let parent: JSONCodingPath?
    let key: JSONKey

    init(parent: JSONCodingPath?, key: JSONKey) {
        self.parent = parent
        self.key = key
    }

    /// `path` with `key` appended, or `path` itself when there is no key (the top-level value).
    static func extending(_ path: JSONCodingPath?, with key: JSONKey?) -> JSONCodingPath? {
        guard let key else { return path }
        return JSONCodingPath(parent: path, key: key)
    }

    /// The keys from the top, as `codingPath` gives them.
    static func keys(of path: JSONCodingPath?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var current = path
        while let node = current {
            keys.append(node.key)
            current = node.parent
        }
        return keys.reversed()
    }
}

/// A key of a coding path: a member's name or an element's index (whose name is only made when asked for).
struct JSONKey: CodingKey, Sendable {
    private let name: String?
    let intValue: Int?

    var stringValue: String { name ?? "Index \(intValue ?? 0)" }

    init(_ key: some CodingKey) {
        name = key.stringValue
        intValue = key.intValue
    }

    init(name: String, intValue: Int?) {
        self.name = name
        self.intValue = intValue
    }

    init(index: Int) {
        name = nil
        intValue = index
    }

    init?(stringValue: String) { self.init(name: stringValue, intValue: nil) }

    init?(intValue: Int) { self.init(index: intValue) }
}
