import Foundation

/// A key path in a configuration file, as errors name it: `upstream[2].replay`,
/// `listen.feeds["outcomes.housing"].readers[0]`.
struct ConfigurationPath: Sendable, Hashable, CustomStringConvertible {
    /// The root of the file.
    static let root = ConfigurationPath(text: "")

    /// The path as written in messages.
    let text: String

    /// The path of a mapping's key: `.key`, or `["key"]` for a key that is not a plain word (a dotted feed name,
    /// a county code).
    ///
    /// - Parameter key: The key.
    /// - Returns: The child path.
    func key(_ key: String) -> ConfigurationPath {
        let plain =
            !key.isEmpty && key.first!.isLetter
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard plain else {
            let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ConfigurationPath(text: text + "[\"\(escaped)\"]")
        }
        return ConfigurationPath(text: text.isEmpty ? key : text + "." + key)
    }

    /// The path of a list's element: `[index]`.
    ///
    /// - Parameter index: The element's index, from 0.
    /// - Returns: The child path.
    func index(_ index: Int) -> ConfigurationPath {
        ConfigurationPath(text: text + "[\(index)]")
    }

    /// The path as written in messages.
    var description: String { text }
}
