import HouseholdDomain

/// The households of a sample caseload that fall back into hardship after their exit and are filed again (返困,
/// policy Part C.5), as a second import file: the same persons and facts under a new file number, filed a while
/// after the exit.
///
/// Which households fall back, and when, depends only on the seed and the file number (never on the order of the
/// files or on the other households), so the distributed run and the sequential one choose the same relapses from
/// their own exits. Assumptions (docs/SAMPLE-CASELOAD.md, "Relapses"): 1 % of the households that exit fall back;
/// the new file is filed 90 to 540 days after the exit (uniform), with the facts of the first filing (the county
/// under its code valid on the new filing date), and only if that day is in the programme (up to 31 December 2020).
public struct RelapseSample: Sendable {
    /// The share of exited households that fall back, in per mille: 10 (1 %).
    public static let defaultPerMille = 10
    /// The fewest days between the exit and the new filing: 90.
    public static let earliestDays = 90
    /// The most days between the exit and the new filing: 540.
    public static let latestDays = 540
    /// The last day a relapse is filed: the programme's end (policy §2.1, "all by the end of 2020").
    public static let lastFilingDay = LocalDate(year: 2020, month: 12, day: 31)!

    /// The caseload's seed.
    public let seed: UInt64
    /// The share of exited households that fall back, per mille.
    public let perMille: Int

    /// Creates the choice of relapses of a caseload.
    ///
    /// - Parameters:
    ///   - seed: the caseload's seed.
    ///   - perMille: the share of exited households that fall back, per mille (0…1000).
    public init(seed: UInt64, perMille: Int = defaultPerMille) {
        self.seed = seed
        self.perMille = min(1000, max(0, perMille))
    }

    /// The relapse's file number: the earlier file's with `-R` (档案编号 allows letters, digits and `-`).
    public static func fileNumber(relapsing fileNumber: String) -> String { fileNumber + "-R" }

    /// The day a household that exited on `exitDate` is filed again, or `nil` when it does not fall back (or would
    /// fall back after the programme's end).
    ///
    /// - Parameters:
    ///   - fileNumber: the exited file.
    ///   - exitDate: its exit date.
    public func refiledOn(_ fileNumber: String, exitedOn exitDate: LocalDate) -> LocalDate? {
        var random = SampleRandom(seed: seed ^ Self.hash(fileNumber), stream: 0x5245_4C41_5053_45)  // "RELAPSE"
        guard random.below(1000) < perMille else { return nil }
        let day = exitDate.adding(days: random.within(Self.earliestDays...Self.latestDays))
        return day <= Self.lastFilingDay ? day : nil
    }

    /// Whether a file might fall back once it exits (``refiledOn(_:exitedOn:)`` gives a day for some exit date):
    /// the files whose exit a run looks up.
    public func mayFallBack(_ fileNumber: String) -> Bool {
        var random = SampleRandom(seed: seed ^ Self.hash(fileNumber), stream: 0x5245_4C41_5053_45)
        return random.below(1000) < perMille
    }

    /// The relapse import file: the header of `caseload`, then the rows of each household that exited (`exits`)
    /// and falls back, with the new file number and, on the household's row, the new filing date; households in
    /// the caseload's order.
    ///
    /// - Parameters:
    ///   - caseload: the caseload's CSV, as ``CaseloadGenerator`` writes it (no field before 建档日期 is quoted).
    ///   - exits: the exit date of each exited file.
    /// - Returns: the CSV and the number of households in it.
    public func csv(caseload: String, exits: [String: LocalDate]) -> (csv: String, households: Int) {
        var lines = caseload.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next() else { return ("", 0) }
        var output = String(header) + "\n"
        var households = 0
        var current: (file: Substring, refiled: LocalDate?)?
        while let line = lines.next() {
            let fields = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4 else { continue }
            if current?.file != fields[0] {
                let refiled = exits[String(fields[0])].flatMap { refiledOn(String(fields[0]), exitedOn: $0) }
                current = (fields[0], refiled)
                if refiled != nil { households += 1 }
            }
            guard let refiled = current?.refiled else { continue }
            let date = fields[2].isEmpty ? "" : refiled.description
            let county = fields[1].isEmpty ? "" : Self.county(String(fields[1]), on: refiled)
            output += "\(Self.fileNumber(relapsing: String(fields[0]))),\(county),\(date),\(fields[3])\n"
        }
        return (output, households)
    }

    /// The county's code as valid on `date`: the code itself, or its successor (a county renamed or made a district
    /// since the first filing, such as 晋宁县 530122 → 晋宁区 530115), as a clerk filing on that day writes it.
    static func county(_ code: String, on date: LocalDate) -> String {
        var county = CountyRegistry.yunnan.county(code: code)
        while let current = county, !current.isValid(on: date), let successor = current.successor {
            county = CountyRegistry.yunnan.county(code: successor)
        }
        return county?.code ?? code
    }

    /// FNV-1a (64 bits) of the file number's UTF-8: the same on every machine and Swift version.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
