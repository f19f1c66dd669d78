import Foundation
import HouseholdDomain

/// A reproducible, realistic caseload in the household import format (docs/IMPORT-FORMAT.md): invented
/// households spread over Yunnan's counties, filed in a given year and the two following (policy §2.2), with
/// incomes around the local urban 低保 standard `S` so that every category of policy §3 and the not-eligible case
/// occur, and, at a low configurable rate, the mistakes users make.
///
/// Streaming: rows are written as they are made, in chunks of whole households; memory stays flat whatever the
/// number of households (about 12 MB of identity-number counters plus one chunk). Deterministic: the same seed,
/// arguments and version give the same bytes on any machine (own PRNG, integer money, no floating-point text).
/// The rates are stated in docs/SAMPLE-CASELOAD.md.
public struct CaseloadGenerator: Sendable {
    /// The default rate of each kind of mistake (0.5 % of households each).
    public static let defaultMistakeRate = 0.005

    /// The 24 headers of the import file, in the format's order.
    public static let headers: [String] = [
        "档案编号", "行政区划代码", "建档日期", "家庭月总收入", "月刚性支出", "住房状况", "主要致困原因", "次要致困原因",
        "是否单亲", "是否农民工", "是否农村扶贫对象", "是否享受低保", "单位欠缴社保", "工作单位", "统一社会信用代码",
        "姓名", "公民身份号码", "与职工关系", "健康状况", "就业状况", "在读学段", "养老保险", "医疗保险", "创业意愿",
    ]

    /// The seed of the pseudo-random streams.
    public let seed: UInt64
    /// The year of the first filings; files also open in the two following years.
    public let year: Int
    /// The probability, per household, of each kind of ``CaseloadMistake``.
    public let mistakeRate: Double
    let model: CaseloadModel

    /// Prepares a generator.
    ///
    /// - Parameters:
    ///   - policy: gives `S` per prefecture and year (policy §3) and the ages of policy Part B.
    ///   - counties: the divisions households live in (uniformly per county-level unit).
    ///   - seed: the same seed gives the same file.
    ///   - year: the year of the first filings (80 %); 12 % and 8 % are filed in the next two years.
    ///   - mistakeRate: per household and kind of mistake, in 0…1; `0` gives a file without errors or warnings.
    /// - Throws: ``SampleCaseloadError`` when the policy lacks `S` for a prefecture in one of the three years, the
    ///   rate is outside 0…1 or the county list is empty.
    public init(
        policy: Policy, counties: CountyRegistry = .yunnan, seed: UInt64, year: Int = 2017,
        mistakeRate: Double = CaseloadGenerator.defaultMistakeRate
    ) throws(SampleCaseloadError) {
        guard mistakeRate >= 0, mistakeRate <= 1 else { throw .invalidMistakeRate(mistakeRate) }
        guard (1900...9000).contains(year) else { throw .invalidYear(year) }
        self.seed = seed
        self.year = year
        self.mistakeRate = mistakeRate
        self.model = try CaseloadModel(policy: policy, counties: counties, year: year)
    }

    /// Makes the caseload and hands it over in chunks of whole rows (each chunk valid UTF-8).
    ///
    /// - Parameters:
    ///   - households: how many households (≥ 0); rows are 1–6 per household.
    ///   - chunkSize: a chunk is handed over once it holds at least this many bytes, at a household's end.
    ///   - emit: receives each chunk; the buffer is valid only during the call.
    /// - Returns: what was written.
    public func generate(
        households: Int, chunkSize: Int = 1 << 16, _ emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows -> CaseloadSummary {
        precondition(households >= 0, "the number of households is not negative")
        var run = CaseloadRun(model: model, seed: seed, mistakeRate: mistakeRate)
        run.writeHeader()
        for index in 0..<households {
            run.makeHousehold(index: index)
            run.writeHousehold()
            if run.out.count >= chunkSize {
                try run.out.withUnsafeBufferPointer { try emit($0) }
                run.flushed += run.out.count
                run.out.removeAll(keepingCapacity: true)
            }
        }
        if !run.out.isEmpty {
            try run.out.withUnsafeBufferPointer { try emit($0) }
            run.flushed += run.out.count
            run.out.removeAll(keepingCapacity: true)
        }
        return CaseloadSummary(
            households: households, rows: run.rows, bytes: run.flushed, mistakes: run.mistakeCounts)
    }

    /// Writes the caseload to a file handle (a file or standard output), chunk by chunk.
    ///
    /// - Throws: the handle's write error.
    public func write(households: Int, to handle: FileHandle) throws -> CaseloadSummary {
        try generate(households: households) { chunk in
            try handle.write(contentsOf: Data(buffer: chunk))
        }
    }

    /// Writes the caseload to a text stream, chunk by chunk.
    public func write(households: Int, to stream: inout some TextOutputStream) -> CaseloadSummary {
        generate(households: households) { chunk in
            stream.write(String(decoding: chunk, as: UTF8.self))
        }
    }

    /// The whole caseload as one string (for tests and small samples).
    public func csv(households: Int) -> String {
        var text = ""
        _ = write(households: households, to: &text)
        return text
    }
}

/// What ``CaseloadGenerator`` wrote.
public struct CaseloadSummary: Sendable, Hashable {
    /// Households written.
    public var households: Int
    /// Rows written, the header not counted.
    public var rows: Int
    /// Bytes written, the header included.
    public var bytes: Int
    /// How many households carry each kind of mistake.
    public var mistakes: [CaseloadMistake: Int]
}

/// A mistake users make on the form, put into a few households on purpose (``CaseloadGenerator/mistakeRate``).
public enum CaseloadMistake: String, Sendable, Hashable, CaseIterable {
    /// One member's identity number has a wrong check character (an error).
    case identityCheckCharacter = "identity-check-character"
    /// The division code is a real code not valid on the filing date, e.g. 晋宁县 530122 on or after 2017-10-31
    /// (an error).
    case countyNotValidOnDate = "county-not-valid-on-date"
    /// A non-worker row repeats a household column (the income or the housing) with a different value (an error).
    case householdRowsDisagree = "household-rows-disagree"
    /// The employer's unified social credit code has a wrong check character (a warning only).
    case creditCodeCheckCharacter = "credit-code-check-character"
}

/// Why a caseload cannot be made.
public enum SampleCaseloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy has no `S` for this prefecture and filing year.
    case missingStandard(prefecture: String, year: Int)
    /// The mistake rate is outside 0…1.
    case invalidMistakeRate(Double)
    /// The year is outside 1900…9000.
    case invalidYear(Int)
    /// The county list has no county.
    case noCounties

    public var description: String {
        switch self {
        case .missingStandard(let prefecture, let year):
            "the policy has no minimum living standard for prefecture \(prefecture) in \(year) "
                + "(files are opened in the given year and the two following)"
        case .invalidMistakeRate(let rate): "the mistake rate \(rate) is not between 0 and 1"
        case .invalidYear(let year): "the year \(year) is not between 1900 and 9000"
        case .noCounties: "the county list is empty"
        }
    }
}
