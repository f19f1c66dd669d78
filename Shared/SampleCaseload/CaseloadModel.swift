import HouseholdDomain

/// What the generator precomputes from the policy and the county list: codes, prefectures, the county units
/// households are spread over, and `S` per county and filing year.
struct CaseloadModel: Sendable {
    /// Every code of the county list, in list order (index = county index).
    let counties: [CountyRegistry.County]
    /// Each county's prefecture, as an index of ``prefixes`` and ``places``.
    let prefectureOfCounty: [Int]
    /// File-number prefix per prefecture, e.g. `KM`.
    let prefixes: [String]
    /// Short place name per prefecture, for employer names, e.g. 昆明.
    let places: [String]
    /// County-level units: a code followed by its successors (晋宁县 530122 → 晋宁区 530115). Households are spread
    /// uniformly over units and take the unit's code valid on the filing date.
    let units: [[Int]]
    /// Codes with a validity bound: the candidates for a code not valid on a date (a mistake).
    let boundedCounties: [Int]
    /// `S` in fen per county and year offset (0, 1, 2 from the first filing year).
    let standardFen: [[Int64]]
    /// Ages of policy Part B.
    let workingAgeFrom: Int
    let menRetirementAge: Int
    let womenRetirementAge: Int
    /// The first filing year.
    let year: Int
    /// Birth dates from this day (days since 1970-01-01) have identity-number counters.
    let firstBirthDay: Int
    /// The number of days with counters.
    let birthDays: Int

    init(policy: Policy, counties registry: CountyRegistry, year: Int) throws(SampleCaseloadError) {
        let counties = registry.counties
        guard !counties.isEmpty else { throw .noCounties }
        self.counties = counties
        self.year = year
        var prefectureIndex: [String: Int] = [:]
        var prefixes: [String] = []
        var places: [String] = []
        var prefectureOfCounty: [Int] = []
        var standardFen: [[Int64]] = []
        for county in counties {
            if prefectureIndex[county.prefectureCode] == nil {
                prefectureIndex[county.prefectureCode] = prefixes.count
                let names = Tables.prefectures[county.prefectureCode] ?? Tables.fallbackPrefecture
                prefixes.append(names.prefix)
                places.append(names.place)
            }
            prefectureOfCounty.append(prefectureIndex[county.prefectureCode]!)
            var standards: [Int64] = []
            for offset in 0..<3 {
                guard
                    let standard = policy.minimumLivingStandard(prefecture: county.prefectureCode, year: year + offset)
                else { throw .missingStandard(prefecture: county.prefectureCode, year: year + offset) }
                standards.append(standard.fen)
            }
            standardFen.append(standards)
        }
        self.prefixes = prefixes
        self.places = places
        self.prefectureOfCounty = prefectureOfCounty
        self.standardFen = standardFen

        var indexOfCode: [String: Int] = [:]
        for (index, county) in counties.enumerated() where indexOfCode[county.code] == nil {
            indexOfCode[county.code] = index
        }
        let successors = Set(counties.compactMap(\.successor))
        var units: [[Int]] = []
        for (index, county) in counties.enumerated() where !successors.contains(county.code) {
            var chain = [index]
            var next = county.successor
            while let code = next, let successor = indexOfCode[code], !chain.contains(successor) {
                chain.append(successor)
                next = counties[successor].successor
            }
            units.append(chain)
        }
        self.units = units
        self.boundedCounties = counties.indices.filter { counties[$0].validFrom != nil || counties[$0].validTo != nil }

        self.workingAgeFrom = policy.persons.workingAgeFrom
        self.menRetirementAge = policy.persons.menRetirementAge
        self.womenRetirementAge = policy.persons.womenRetirementAge
        self.firstBirthDay = LocalDate.startOfYear(year - 110).daysSinceEpoch
        self.birthDays = LocalDate.startOfYear(year + 4).daysSinceEpoch - firstBirthDay
    }

    /// The retirement age of policy Part B for `sex`.
    func retirementAge(_ sex: Sex) -> Int { sex == .male ? menRetirementAge : womenRetirementAge }
}
