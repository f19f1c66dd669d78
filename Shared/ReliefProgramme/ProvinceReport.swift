import HouseholdDomain

/// The coordinator's provincial report (policy §2.1, §5.2; Part B "Reports"): per prefecture and year, files open
/// on 1 January, new files, exits and the exit rate against the 30 % target; per agency, measures and money.
public struct ProvinceReport: Sendable, Hashable, Codable {
    /// The yearly target of §2.1: at least 30 % of the households on file exit each year.
    public static let targetPercent = 30
    /// The years the 30 % target applies to (§2.1: 2017, 2018 and 2019; by the end of 2020 all are done).
    public static let targetYears = 2017...2019

    /// One prefecture (or the province) in one year.
    public struct Year: Sendable, Hashable, Codable {
        /// The calendar year.
        public var year: Int
        /// Files open on 1 January: filed before that day and not exited before it.
        public var openAtStart: Int
        /// Files opened during the year.
        public var newFiles: Int
        /// Files closed as exited during the year (by exit date).
        public var exits: Int

        /// `exits ÷ (openAtStart + newFiles)` in per mille, rounded half up; `nil` with no files.
        public var exitRatePerMille: Int? {
            let base = openAtStart + newFiles
            return base == 0 ? nil : (exits * 2000 + base) / (2 * base)
        }

        /// Whether the exit rate reaches the 30 % target (`exits × 100 ≥ 30 × files`), exactly.
        public var meetsTarget: Bool {
            let base = openAtStart + newFiles
            return base > 0 && exits * 100 >= ProvinceReport.targetPercent * base
        }
    }

    /// One prefecture's figures.
    public struct Prefecture: Sendable, Hashable, Codable {
        /// Six-digit code (`530000` for the province).
        public var code: String
        /// Name.
        public var name: String
        /// Filed households by category (1, 2, 3).
        public var filesByCategory: [Int]
        /// Measures delivered to its households.
        public var measuresDelivered: Int
        /// The years of the report.
        public var years: [Year]
        /// Exits over all years.
        public var cumulativeExits: Int
        /// Files ever opened.
        public var filesOpened: Int
    }

    /// One agency's measures and money: a department's, or the union's (it pays the mutual-aid fee and the Golden
    /// Autumn grant). The JSON keeps the names `departments` and `department`.
    public struct AgencyFigures: Sendable, Hashable, Codable {
        /// The agency.
        public var department: Agency
        /// Instances in the households' plans that it leads.
        public var triggered: Int
        /// Decisions made (granted, refused, replaced or withdrawn).
        public var decided: Int
        /// Delivered.
        public var delivered: Int
        /// Refused.
        public var refused: Int
        /// Replaced by another measure (public rental by the rental subsidy).
        public var replaced: Int
        /// Withdrawn (file closed while waiting).
        public var withdrawn: Int
        /// Granted but delivered after the due date, or not delivered.
        public var overdue: Int
        /// Yuan paid from its budgets.
        public var yuan: Yuan
    }

    /// Money per measure (§5.2: every yuan traceable to a household and a measure).
    public struct MeasureMoney: Sendable, Hashable, Codable {
        /// The measure.
        public var measure: Measure.Code
        /// Deliveries that paid money.
        public var payments: Int
        /// Yuan paid.
        public var yuan: Yuan
    }

    /// The prefectures, in the reference list's order.
    public var prefectures: [Prefecture]
    /// The province as a whole.
    public var province: Prefecture
    /// The agencies that decide or pay for measures (every agency but the coordinator), in ``Agency`` order.
    public var departments: [AgencyFigures]
    /// Money per measure.
    public var money: [MeasureMoney]

    /// Builds the report from the filed households.
    ///
    /// - Parameters:
    ///   - files: every filed household with its decisions and exit.
    ///   - years: the report's years (the policy's budget years).
    ///   - counties: prefecture names and order.
    public init(files: [FiledHousehold], years: [Int], counties: CountyRegistry = .yunnan) {
        var tally = Tally(years: years, counties: counties)
        for file in files { tally.add(file) }
        self = tally.report
    }

    /// The report's figures added up one filed household at a time, so that a report over any number of files
    /// holds no more than the figures themselves (the order of the files does not matter).
    public struct Tally: Sendable {
        private let years: [Int]
        private let counties: CountyRegistry
        private var prefectures: [String: Prefecture] = [:]
        private var province: Prefecture
        private var departments: [Agency: AgencyFigures] = [:]
        private var money: [Measure.Code: MeasureMoney] = [:]

        /// An empty tally.
        ///
        /// - Parameters:
        ///   - years: the report's years (the policy's budget years).
        ///   - counties: prefecture names and order.
        public init(years: [Int], counties: CountyRegistry = .yunnan) {
            self.years = years
            self.counties = counties
            province = Self.emptyPrefecture(code: "530000", name: "云南省", years: years)
            for department in Agency.allCases where department != .coordinator {
                departments[department] = AgencyFigures(
                    department: department, triggered: 0, decided: 0, delivered: 0, refused: 0, replaced: 0,
                    withdrawn: 0, overdue: 0, yuan: .zero)
            }
        }

        /// What the report counts of one filed household.
        public struct File: Sendable, Hashable {
            /// Its category (`nil`: not eligible).
            public var category: Eligibility.Category?
            /// Its prefecture's division code, such as `530100`.
            public var prefectureCode: String
            /// When it was filed.
            public var filedOn: LocalDate
            /// The code of each measure its assessment triggered (one per instance: a member's measure counts for
            /// each member).
            public var measures: [Measure.Code]
            /// Every decision on its measures.
            public var decisions: [MeasureDecision]
            /// When it exited (§2.3), if it did.
            public var exitDate: LocalDate?

            /// Creates the figures of a file.
            public init(
                category: Eligibility.Category?, prefectureCode: String, filedOn: LocalDate, measures: [Measure.Code],
                decisions: [MeasureDecision], exitDate: LocalDate?
            ) {
                self.category = category
                self.prefectureCode = prefectureCode
                self.filedOn = filedOn
                self.measures = measures
                self.decisions = decisions
                self.exitDate = exitDate
            }

            /// The figures of a filed household of a programme run.
            public init(_ file: FiledHousehold) {
                self.init(
                    category: file.assessment.category, prefectureCode: file.assessment.prefectureCode,
                    filedOn: file.assessment.filedOn, measures: file.assessment.measures.map(\.code),
                    decisions: file.decisions, exitDate: file.readiness.exitDate)
            }
        }

        /// Adds one filed household.
        public mutating func add(_ file: FiledHousehold) {
            add(File(file))
        }

        /// Adds one filed household, from what the report counts of it.
        public mutating func add(_ file: File) {
            Self.count(file, in: &province)
            let code = file.prefectureCode
            // In place: a copy taken out of the dictionary would copy its arrays on the first change.
            Self.count(file, in: &prefectures[code, default: Self.emptyPrefecture(code: code, name: "", years: years)])
            for measure in file.measures { departments[measure.leadDepartment]?.triggered += 1 }
            for decision in file.decisions {
                let department = decision.department
                departments[department]?.decided += 1
                switch decision.status {
                case .granted where decision.deliveredOn != nil: departments[department]?.delivered += 1
                case .refused: departments[department]?.refused += 1
                case .replaced: departments[department]?.replaced += 1
                case .withdrawn: departments[department]?.withdrawn += 1
                default: break
                }
                if decision.isOverdue { departments[department]?.overdue += 1 }
                if decision.deliveredOn != nil, decision.amount > .zero, let payer = decision.paidBy {
                    departments[payer]?.yuan += decision.amount
                    var line = money[decision.code] ?? MeasureMoney(measure: decision.code, payments: 0, yuan: .zero)
                    line.payments += 1
                    line.yuan += decision.amount
                    money[decision.code] = line
                }
            }
        }

        /// The report of the households added so far: every prefecture of `counties` in its order (one without
        /// files shows zeros), the province, the departments and the money.
        public var report: ProvinceReport {
            ProvinceReport(
                prefectures: counties.prefectures.map { prefecture in
                    var figures =
                        prefectures[prefecture.code]
                        ?? Self.emptyPrefecture(code: prefecture.code, name: prefecture.name, years: years)
                    figures.name = prefecture.name
                    return figures
                },
                province: province,
                departments: Agency.allCases.compactMap { departments[$0] },
                money: Measure.Code.allCases.compactMap { money[$0] })
        }

        private static func emptyPrefecture(code: String, name: String, years: [Int]) -> Prefecture {
            Prefecture(
                code: code, name: name, filesByCategory: [0, 0, 0], measuresDelivered: 0,
                years: years.map { Year(year: $0, openAtStart: 0, newFiles: 0, exits: 0) }, cumulativeExits: 0,
                filesOpened: 0)
        }

        private static func count(_ file: File, in figures: inout Prefecture) {
            if let category = file.category { figures.filesByCategory[category.rawValue - 1] += 1 }
            figures.measuresDelivered += file.decisions.filter { $0.status == .granted && $0.deliveredOn != nil }.count
            let filed = file.filedOn
            let exit = file.exitDate
            if exit != nil { figures.cumulativeExits += 1 }
            figures.filesOpened += 1
            for index in figures.years.indices {
                let start = LocalDate.startOfYear(figures.years[index].year)
                let end = LocalDate.startOfYear(figures.years[index].year + 1)
                if filed < start && (exit.map { $0 >= start } ?? true) { figures.years[index].openAtStart += 1 }
                if filed >= start && filed < end { figures.years[index].newFiles += 1 }
                if let exit, exit >= start, exit < end { figures.years[index].exits += 1 }
            }
        }
    }

    private init(
        prefectures: [Prefecture], province: Prefecture, departments: [AgencyFigures], money: [MeasureMoney]
    ) {
        self.prefectures = prefectures
        self.province = province
        self.departments = departments
        self.money = money
    }
}
