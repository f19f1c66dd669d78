/// County-level administrative divisions with their validity dates and prefectures (GB/T 2260).
///
/// Source: the National Bureau of Statistics snapshots (`docs/POLICY.md`, "Reference data"), embedded as
/// ``yunnanCSV``. Policy §3: `S` is looked up by the prefecture of the county of residence.
public struct CountyRegistry: Sendable {
    /// One county-level unit.
    public struct County: Sendable, Hashable {
        /// Six-digit code.
        public let code: String
        /// Name, e.g. 五华区.
        public let name: String
        /// Six-digit code of the prefecture-level division, e.g. `530100`.
        public let prefectureCode: String
        /// Name of the prefecture, e.g. 昆明市.
        public let prefectureName: String
        /// First day the code is valid, or `nil` for open.
        public let validFrom: LocalDate?
        /// First day the code is no longer valid, or `nil` for open.
        public let validTo: LocalDate?
        /// The code that replaced this one, if any.
        public let successor: String?

        /// Whether the code is valid on `date`: `validFrom ≤ date < validTo`.
        public func isValid(on date: LocalDate) -> Bool {
            if let validFrom, date < validFrom { return false }
            if let validTo, date >= validTo { return false }
            return true
        }
    }

    /// Why a reference file could not be read.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// Line number (1 = header).
        public let line: Int
        /// What is wrong.
        public let message: String
        public var description: String { "county reference, line \(line): \(message)" }
    }

    private let byCode: [String: County]
    /// Every unit, in file order.
    public let counties: [County]

    /// Reads a reference file of the shape of ``yunnanCSV`` (no quoted fields).
    ///
    /// - Throws: ``LoadError`` naming the line of a malformed record.
    public init(csv: String) throws {
        var counties: [County] = []
        var lineNumber = 0
        for line in csv.split(whereSeparator: \.isNewline) {
            lineNumber += 1
            if lineNumber == 1 { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 7 else { throw LoadError(line: lineNumber, message: "expected 7 fields") }
            func date(_ text: String) throws -> LocalDate? {
                if text.isEmpty { return nil }
                guard let value = LocalDate(text) else {
                    throw LoadError(line: lineNumber, message: "not a YYYY-MM-DD date: \(text)")
                }
                return value
            }
            counties.append(
                County(
                    code: fields[0], name: fields[1], prefectureCode: fields[2], prefectureName: fields[3],
                    validFrom: try date(fields[4]), validTo: try date(fields[5]),
                    successor: fields[6].isEmpty ? nil : fields[6]))
        }
        self.counties = counties
        self.byCode = Dictionary(counties.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Yunnan's divisions as shipped with Jiekun.
    public static let yunnan: CountyRegistry = {
        do { return try CountyRegistry(csv: yunnanCSV) } catch {
            fatalError("the embedded county list is broken: \(error)")
        }
    }()

    /// The unit with `code`, valid or not.
    public func county(code: String) -> County? { byCode[code] }

    /// The prefecture-level divisions, code → name, in file order without repeats.
    public var prefectures: [(code: String, name: String)] {
        var seen: Set<String> = []
        return counties.compactMap { county in
            seen.insert(county.prefectureCode).inserted ? (county.prefectureCode, county.prefectureName) : nil
        }
    }
}
