import HouseholdDomain

/// The coordinator's provincial report (policy §2.1, §5.2; Part B "Reports"): per prefecture and year, files open
/// on 1 January, new files, exits and the exit rate against the 30 % target; per agency, measures and money;
/// the same sections for each year alone (``yearly``); and for each prefecture below the target in a year, what
/// holds back its files (``shortfalls``), and the same for each county (``countyShortfalls``).
///
/// Every figure counts by business dates (filing, delivery, exit dates), never by the clock, so the coordinator's
/// report and the sequential run's (both built by ``Tally``) are equal.
public struct ProvinceReport: Sendable, Hashable, Codable {
    /// The yearly target of §2.1: at least 30 % of the households on file exit each year.
    public static let targetPercent = 30
    /// The years the 30 % target applies to (§2.1: 2017, 2018 and 2019; by the end of 2020 all are done).
    public static let targetYears = 2017...2019

    /// One prefecture (or the province) in one year.
    public struct Year: Sendable, Hashable, Codable {
        /// The calendar year.
        public var year: Int
        /// Files open on 1 January: filed before that day and not closed before it, for whatever reason (exited,
        /// death, moved away, not eligible, safety net).
        public var openAtStart: Int
        /// Files opened during the year.
        public var newFiles: Int
        /// Files closed as exited during the year (by exit date: the approval date, policy Part C.4).
        public var exits: Int
        /// Files closed during the year because the worker died (by closure date).
        public var deaths: Int = 0
        /// Files closed during the year because the household moved away.
        public var movedAway: Int = 0
        /// Files closed during the year as re-identified not eligible (policy §3).
        public var notEligible: Int = 0
        /// Files closed during the year because the household moved to the safety net (兜底, §2.3a).
        public var safetyNet: Int = 0
        /// Relapses (返困) filed during the year: new files linked to an earlier file that exited (Part C.5).
        public var relapses: Int = 0
        /// Of the year's exits, those whose household has relapsed since (a relapse filed by the report's end; for
        /// a year's view, by 31 December of that year), counted in the prefecture of the exited file.
        public var relapsedExits: Int = 0
        /// Files whose exit was proposed and not yet approved on 31 December (in review or 公示; policy C.4), open
        /// then.
        public var exitsPending: Int = 0
        /// Follow-up visits (回访, policy C.5) falling due during the year: every `visitEveryMonths` after an exit's
        /// approval, for `months`.
        public var visitsDue: Int = 0

        /// `exits ÷ (openAtStart + newFiles)` in per mille, rounded half up; `nil` with no files.
        public var exitRatePerMille: Int? {
            let base = openAtStart + newFiles
            return base == 0 ? nil : (exits * 2000 + base) / (2 * base)
        }

        /// Creates a year's figures.
        ///
        /// - Parameters:
        ///   - year: the calendar year.
        ///   - openAtStart: files open on 1 January.
        ///   - newFiles: files opened during the year.
        ///   - exits: exits during the year.
        ///   - deaths: files closed for death during the year.
        ///   - movedAway: files closed as moved away during the year.
        ///   - notEligible: files closed as not eligible during the year.
        ///   - safetyNet: files closed to the safety net during the year.
        ///   - relapses: relapses filed during the year.
        ///   - relapsedExits: the year's exits whose household has relapsed since.
        public init(
            year: Int, openAtStart: Int, newFiles: Int, exits: Int, deaths: Int = 0, movedAway: Int = 0,
            notEligible: Int = 0, safetyNet: Int = 0, relapses: Int = 0, relapsedExits: Int = 0
        ) {
            self.year = year
            self.openAtStart = openAtStart
            self.newFiles = newFiles
            self.exits = exits
            self.deaths = deaths
            self.movedAway = movedAway
            self.notEligible = notEligible
            self.safetyNet = safetyNet
            self.relapses = relapses
            self.relapsedExits = relapsedExits
        }

        /// The relapse rate of the year's exits: `relapsedExits ÷ exits` in per mille, rounded half up; `nil` with no
        /// exits (Part C.5; docs/POLICY.md "Relapse").
        public var relapseRatePerMille: Int? {
            exits == 0 ? nil : (relapsedExits * 2000 + exits) / (2 * exits)
        }

        /// Files closed during the year for a reason other than exit.
        public var otherClosures: Int { deaths + movedAway + notEligible + safetyNet }

        /// Whether the exit rate reaches the 30 % target (`exits × 100 ≥ 30 × files`), exactly.
        public var meetsTarget: Bool {
            let base = openAtStart + newFiles
            return base > 0 && exits * 100 >= ProvinceReport.targetPercent * base
        }
    }

    /// One prefecture's figures (or the province's, or a county's: the same figures for its files).
    public struct Prefecture: Sendable, Hashable, Codable {
        /// Six-digit code (`530000` for the province; a county's own code for a county).
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
        /// The prefecture's counties with at least one file, by code, each with the same figures for its files
        /// (a county's own `counties`, and the province's, are empty).
        public var counties: [Prefecture] = []
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

    /// Every section of the report for one year alone (`jiekun report --year`), each figure by its business date:
    ///
    /// - files (``Prefecture/filesOpened``, ``Prefecture/filesByCategory``) and ``Prefecture/cumulativeExits``: as
    ///   on 31 December of the year (files opened and exits up to its end);
    /// - ``Prefecture/years``: that year's entry only; ``Prefecture/measuresDelivered``: deliveries dated in the year;
    /// - departments: `triggered`, `decided`, `refused`, `replaced` and `withdrawn` for the files filed in the year
    ///   (a measure is decided on its file's filing date); `delivered` and `yuan` for deliveries dated in the year;
    ///   `overdue` for measures due in the year;
    /// - money: payments delivered in the year.
    public struct YearView: Sendable, Hashable, Codable {
        /// The calendar year.
        public var year: Int
        /// The prefectures, in the reference list's order.
        public var prefectures: [Prefecture]
        /// The province as a whole.
        public var province: Prefecture
        /// The departments that decide measures.
        public var departments: [AgencyFigures]
        /// Money per measure.
        public var money: [MeasureMoney]
    }

    /// Why a prefecture (or the province, `530000`, or a county) missed the 30 % target in a year of §2.1: what
    /// holds back the files still open on 31 December. A household may be counted under several causes; one held back by none is
    /// counted in ``dueLater``.
    public struct Shortfall: Sendable, Hashable, Codable {
        /// Households with a refused measure that guarantees a dimension of §2.3, by department and reason.
        public struct Blocked: Sendable, Hashable, Codable {
            /// The department that refused.
            public var department: Agency
            /// Its reason, as written.
            public var reason: String
            /// Households.
            public var households: Int
        }

        /// Measures that guarantee a dimension, granted and due in the year but delivered after it or not yet:
        /// waiting for the budget or the public-rental units of a later year (§5.2, §4.2.5).
        public struct Waiting: Sendable, Hashable, Codable {
            /// The measure.
            public var measure: Measure.Code
            /// Measure instances waiting.
            public var measures: Int
        }

        /// Households with a measure that guarantees a dimension and has no decision yet (`review` mode: awaiting
        /// staff), by the department that leads it.
        public struct Awaiting: Sendable, Hashable, Codable {
            /// The department.
            public var department: Agency
            /// Households.
            public var households: Int
        }

        /// The prefecture's or county's code (`530000`: the province).
        public var code: String
        /// Its name.
        public var name: String
        /// The year.
        public var year: Int
        /// The year's exit rate in per mille (below 300).
        public var exitRatePerMille: Int
        /// Files on file in the year and not exited by 31 December.
        public var stillOpen: Int
        /// Blocked households, by department and reason (most households first).
        public var blocked: [Blocked]
        /// Waiting measures, by measure (most first).
        public var waiting: [Waiting]
        /// Households awaiting a decision, by department.
        public var awaiting: [Awaiting]
        /// Households none of those holds back: their last guarantee falls due after 31 December (filed late in the
        /// year, or a measure's processing time runs past it).
        public var dueLater: Int
    }

    /// The prefectures, in the reference list's order.
    public var prefectures: [Prefecture]
    /// The province as a whole.
    public var province: Prefecture
    /// The agencies that decide or pay for measures (every agency but the coordinator), in ``Agency`` order.
    public var departments: [AgencyFigures]
    /// Money per measure.
    public var money: [MeasureMoney]
    /// Every section for each year of the report alone, in order.
    public var yearly: [YearView]
    /// Each prefecture (and the province) below the 30 % target in a year of §2.1, with why: by year, then in the
    /// reference list's order, the province last.
    public var shortfalls: [Shortfall]
    /// Each county with files below the 30 % target in a year of §2.1, with why: by year, then by county code
    /// (the prefecture's figures of ``shortfalls``, for the files of one county).
    public var countyShortfalls: [Shortfall]
    /// Money against appropriations per prefecture (and the province, `530000`), budget year and measure: by year,
    /// the prefectures in the reference list's order, the province last, measures in their order; only lines with
    /// money appropriated, paid or waiting.
    public var budgets: [BudgetFigures] = []

    /// The report restricted to one year: every section as ``YearView`` gives it, the shortfalls of that year.
    ///
    /// - Parameter year: a year of the report.
    /// - Returns: the year's report (its ``yearly`` empty), or `nil` when the report does not cover the year.
    public func restricted(to year: Int) -> ProvinceReport? {
        guard let view = yearly.first(where: { $0.year == year }) else { return nil }
        return ProvinceReport(
            prefectures: view.prefectures, province: view.province, departments: view.departments,
            money: view.money, yearly: [], shortfalls: shortfalls.filter { $0.year == year },
            countyShortfalls: countyShortfalls.filter { $0.year == year },
            budgets: budgets.filter { $0.year == year })
    }

    /// Builds the report from the filed households.
    ///
    /// - Parameters:
    ///   - files: every filed household with its decisions and exit.
    ///   - years: the report's years (the policy's budget years).
    ///   - counties: prefecture names and order.
    ///   - appropriations: the money each paying agency received (``openingAppropriations(of:)`` and what finance
    ///     recorded since).
    public init(
        files: [FiledHousehold], years: [Int], counties: CountyRegistry = .yunnan,
        followUp: Policy.FollowUp = .standard, appropriations: [Appropriation] = []
    ) {
        var tally = Tally(years: years, counties: counties, followUp: followUp)
        for appropriation in appropriations { tally.appropriate(appropriation) }
        for file in files { tally.add(file) }
        self = tally.report
    }

    /// The report's figures added up one filed household at a time, so that a report over any number of files
    /// holds no more than the figures themselves (the order of the files does not matter).
    public struct Tally: Sendable {
        private let years: [Int]
        let counties: CountyRegistry
        /// When visits fall due after an exit (policy C.5).
        private let followUp: Policy.FollowUp
        /// The whole programme's sections.
        private var whole: Sections
        /// Each year's sections, in the order of ``years``.
        private var yearSections: [Sections]
        /// What holds back the files still open at the end of each target year, by prefecture or county code
        /// (`530000`: the province) and year.
        private var holdups: [HoldupKey: Holdups] = [:]
        /// Money per prefecture, budget year and measure (``BudgetFigures``).
        var budgetLines: [BudgetKey: BudgetFigures] = [:]

        /// The sections of a report: prefectures, province, departments, money.
        private struct Sections: Sendable {
            /// The year of a year's sections; `nil` for the whole programme.
            var year: Int?
            var prefectures: [String: Prefecture] = [:]
            /// Counties by prefecture code, then county code.
            var counties: [String: [String: Prefecture]] = [:]
            var province: Prefecture
            var departments: [Agency: AgencyFigures]
            var money: [Measure.Code: MeasureMoney] = [:]
        }

        private struct HoldupKey: Hashable, Sendable {
            var code: String
            var year: Int
        }

        /// What holds back the files of a prefecture still open at the end of a year.
        private struct Holdups: Sendable {
            var stillOpen = 0
            var blocked: [BlockedKey: Int] = [:]
            var waiting: [Measure.Code: Int] = [:]
            var awaiting: [Agency: Int] = [:]
            var dueLater = 0
        }

        private struct BlockedKey: Hashable, Sendable {
            var department: Agency
            var reason: String
        }

        /// An empty tally.
        ///
        /// - Parameters:
        ///   - years: the report's years (the policy's budget years).
        ///   - counties: prefecture names and order.
        public init(years: [Int], counties: CountyRegistry = .yunnan, followUp: Policy.FollowUp = .standard) {
            self.years = years
            self.counties = counties
            self.followUp = followUp
            var departments: [Agency: AgencyFigures] = [:]
            for department in Agency.allCases where department != .coordinator {
                departments[department] = AgencyFigures(
                    department: department, triggered: 0, decided: 0, delivered: 0, refused: 0, replaced: 0,
                    withdrawn: 0, overdue: 0, yuan: .zero)
            }
            whole = Sections(
                year: nil, province: Self.emptyPrefecture(code: "530000", name: "云南省", years: years),
                departments: departments)
            yearSections = years.map { year in
                Sections(
                    year: year, province: Self.emptyPrefecture(code: "530000", name: "云南省", years: [year]),
                    departments: departments)
            }
        }

        /// What the report counts of one filed household.
        public struct File: Sendable, Hashable {
            /// Its category (`nil`: not eligible).
            public var category: Eligibility.Category?
            /// Its prefecture's division code, such as `530100`.
            public var prefectureCode: String
            /// Its county's division code, such as `530102`; `nil` leaves it out of the per-county table.
            public var countyCode: String?
            /// When it was filed.
            public var filedOn: LocalDate
            /// The code of each measure its assessment triggered (one per instance: a member's measure counts for
            /// each member).
            public var measures: [Measure.Code]
            /// Every decision on its measures.
            public var decisions: [MeasureDecision]
            /// Why and when it closed, if it did (an exit, or another closing reason).
            public var closure: FileClosure?
            /// The closed file its persons were in, if any (a relapse when that file exited, Part C.5).
            public var earlierFile: EarlierFile?
            /// When its exit was proposed (the six dimensions held, §2.3), if it was: pending until the approval
            /// closes the file (policy C.4).
            public var proposedOn: LocalDate?
            /// The due dates of its follow-up visits, set by ``Tally/add(_:)-(File)`` from the exit's date.
            var visitDates: [LocalDate] = []

            /// When it exited (§2.3), if it did.
            public var exitDate: LocalDate? { closure?.reason == .exited ? closure?.closedOn : nil }

            /// Creates the figures of a file.
            ///
            /// - Parameters:
            ///   - exitDate: when it exited, if it did and `closure` is `nil`.
            ///   - closure: why and when it closed; when given, it is the file's closure whatever `exitDate` says
            ///     (the union's word on a file).
            public init(
                category: Eligibility.Category?, prefectureCode: String, countyCode: String? = nil, filedOn: LocalDate,
                measures: [Measure.Code], decisions: [MeasureDecision], exitDate: LocalDate?,
                closure: FileClosure? = nil, earlierFile: EarlierFile? = nil, proposedOn: LocalDate? = nil
            ) {
                self.proposedOn = proposedOn
                self.category = category
                self.prefectureCode = prefectureCode
                self.countyCode = countyCode
                self.filedOn = filedOn
                self.measures = measures
                self.decisions = decisions
                self.closure = closure ?? exitDate.map { FileClosure(reason: .exited, closedOn: $0) }
                self.earlierFile = earlierFile
            }

            /// The figures of a filed household of a programme run: its closure as it has it (an exit proposed and
            /// not closed is pending, policy C.4).
            public init(_ file: FiledHousehold) {
                self.init(
                    category: file.subject.category, prefectureCode: file.subject.prefectureCode,
                    countyCode: file.divisionCode, filedOn: file.subject.filedOn,
                    measures: file.subject.measures.map(\.code), decisions: file.decisions,
                    exitDate: nil, closure: file.closure, earlierFile: file.earlierFile,
                    proposedOn: file.readiness.exitDate)
            }
        }

        /// Adds one filed household.
        public mutating func add(_ file: FiledHousehold) {
            add(File(file))
        }

        /// Adds one filed household, from what the report counts of it.
        public mutating func add(_ file: File) {
            var file = file
            if let closure = file.closure, closure.reason == .exited {
                file.visitDates = followUp.visitsDue(after: closure.closedOn)
            }
            Self.add(file, to: &whole)
            for index in yearSections.indices { Self.add(file, to: &yearSections[index]) }
            // A later decision of a measure replaces an earlier one (a correction, an update).
            var latest: [String: MeasureDecision] = [:]
            for decision in file.decisions { latest[decision.measureID] = decision }
            addMoney(of: file, decisions: latest)
            for year in years where ProvinceReport.targetYears.contains(year) {
                addHoldups(of: file, decisions: latest, year: year)
            }
        }

        /// Adds a file to one set of sections: the whole programme's, or one year's by business dates.
        private static func add(_ file: File, to sections: inout Sections) {
            let range = sections.year.map { LocalDate.startOfYear($0)..<LocalDate.startOfYear($0 + 1) }
            // On file by the end of the year (always, for the whole programme).
            guard range.map({ file.filedOn < $0.upperBound }) ?? true else { return }
            func within(_ date: LocalDate) -> Bool { range?.contains(date) ?? true }
            count(file, in: &sections.province, within: range)
            let code = file.prefectureCode
            let years = sections.year.map { [$0] } ?? sections.province.years.map(\.year)
            // In place: a copy taken out of the dictionary would copy its arrays on the first change.
            count(
                file, in: &sections.prefectures[code, default: emptyPrefecture(code: code, name: "", years: years)],
                within: range)
            if let county = file.countyCode {
                count(
                    file,
                    in: &sections.counties[code, default: [:]][
                        county, default: emptyPrefecture(code: county, name: "", years: years)],
                    within: range)
            }
            // A relapse counts against the exit it follows, in the exited file's prefecture and the province.
            if let earlier = file.earlierFile, earlier.isRelapse {
                countRelapsedExit(earlier, in: &sections.province)
                let earlierCode = earlier.prefectureCode
                countRelapsedExit(
                    earlier,
                    in: &sections.prefectures[
                        earlierCode, default: emptyPrefecture(code: earlierCode, name: "", years: years)])
            }
            let filedWithin = within(file.filedOn)
            if filedWithin {
                for measure in file.measures { sections.departments[measure.leadDepartment]?.triggered += 1 }
            }
            for decision in file.decisions {
                let department = decision.department
                if filedWithin {
                    sections.departments[department]?.decided += 1
                    switch decision.status {
                    case .refused: sections.departments[department]?.refused += 1
                    case .replaced: sections.departments[department]?.replaced += 1
                    case .withdrawn: sections.departments[department]?.withdrawn += 1
                    case .granted: break
                    }
                }
                if decision.status == .granted, let delivered = decision.deliveredOn, within(delivered) {
                    sections.departments[department]?.delivered += 1
                }
                if decision.isOverdue, within(decision.dueOn) { sections.departments[department]?.overdue += 1 }
                if let delivered = decision.deliveredOn, within(delivered), decision.amount > .zero,
                    let payer = decision.paidBy
                {
                    sections.departments[payer]?.yuan += decision.amount
                    var line =
                        sections.money[decision.code] ?? MeasureMoney(measure: decision.code, payments: 0, yuan: .zero)
                    line.payments += 1
                    line.yuan += decision.amount
                    sections.money[decision.code] = line
                }
            }
        }

        /// Notes what holds back a file still open at the end of `year` (filed before its end, not exited by it),
        /// for its county, its prefecture and the province.
        private mutating func addHoldups(of file: File, decisions: [String: MeasureDecision], year: Int) {
            let end = LocalDate.startOfYear(year + 1)
            guard file.filedOn < end, file.closure.map({ $0.closedOn >= end }) ?? true else { return }
            var blocked: Set<BlockedKey> = []
            var waiting: [Measure.Code: Int] = [:]
            var decided: [Measure.Code: Int] = [:]
            for decision in decisions.values where decision.code.guarantees != nil {
                decided[decision.code, default: 0] += 1
                switch decision.status {
                case .refused:
                    blocked.insert(BlockedKey(department: decision.department, reason: decision.reason))
                case .granted where decision.dueOn < end && (decision.deliveredOn.map { $0 >= end } ?? true):
                    waiting[decision.code, default: 0] += 1
                default: break
                }
            }
            var triggered: [Measure.Code: Int] = [:]
            for code in file.measures where code.guarantees != nil { triggered[code, default: 0] += 1 }
            let awaiting = Set(
                triggered.filter { code, count in (decided[code] ?? 0) < count }.keys.map(\.leadDepartment))
            for code in [file.countyCode, file.prefectureCode, "530000"].compactMap({ $0 }) {
                var holdups = self.holdups[HoldupKey(code: code, year: year)] ?? Holdups()
                holdups.stillOpen += 1
                for key in blocked { holdups.blocked[key, default: 0] += 1 }
                for (measure, count) in waiting { holdups.waiting[measure, default: 0] += count }
                for department in awaiting { holdups.awaiting[department, default: 0] += 1 }
                if blocked.isEmpty && waiting.isEmpty && awaiting.isEmpty { holdups.dueLater += 1 }
                self.holdups[HoldupKey(code: code, year: year)] = holdups
            }
        }

        /// The report of the households added so far: every prefecture of `counties` in its order (one without
        /// files shows zeros), the province, the departments and the money; the same for each year; the shortfalls.
        public var report: ProvinceReport {
            let whole = view(of: self.whole)
            return ProvinceReport(
                prefectures: whole.prefectures, province: whole.province, departments: whole.departments,
                money: whole.money, yearly: yearSections.map(view(of:)), shortfalls: shortfalls,
                countyShortfalls: countyShortfalls, budgets: budgets)
        }

        /// A set of sections in the report's order.
        private func view(of sections: Sections) -> YearView {
            let years = sections.year.map { [$0] } ?? self.years
            return YearView(
                year: sections.year ?? 0,
                prefectures: counties.prefectures.map { prefecture in
                    var figures =
                        sections.prefectures[prefecture.code]
                        ?? Self.emptyPrefecture(code: prefecture.code, name: prefecture.name, years: years)
                    figures.name = prefecture.name
                    figures.counties = (sections.counties[prefecture.code] ?? [:]).values.sorted { $0.code < $1.code }
                        .map { county in
                            var county = county
                            county.name = counties.county(code: county.code)?.name ?? county.code
                            return county
                        }
                    return figures
                },
                province: sections.province,
                departments: Agency.allCases.compactMap { sections.departments[$0] },
                money: Measure.Code.allCases.compactMap { sections.money[$0] })
        }

        /// Each prefecture, then the province, below the target in a year of §2.1, by year.
        private var shortfalls: [Shortfall] {
            let places =
                counties.prefectures.map { ($0.code, $0.name, whole.prefectures[$0.code]) }
                + [("530000", "云南省", Optional(whole.province))]
            return years.filter(ProvinceReport.targetYears.contains).flatMap { year in
                places.compactMap { code, name, figures in
                    figures.flatMap { shortfall(code: code, name: name, figures: $0, year: year) }
                }
            }
        }

        /// Each county with files below the target in a year of §2.1, by year, then by county code.
        private var countyShortfalls: [Shortfall] {
            let places = counties.prefectures.flatMap { prefecture in
                (whole.counties[prefecture.code] ?? [:]).values.sorted { $0.code < $1.code }
            }
            return years.filter(ProvinceReport.targetYears.contains).flatMap { year in
                places.compactMap { figures in
                    shortfall(
                        code: figures.code, name: counties.county(code: figures.code)?.name ?? figures.code,
                        figures: figures, year: year)
                }
            }
        }

        /// Why an area missed the target in a year, or `nil` when it met it or had no files.
        private func shortfall(code: String, name: String, figures: Prefecture, year: Int) -> Shortfall? {
            guard let entry = figures.years.first(where: { $0.year == year }), let perMille = entry.exitRatePerMille,
                !entry.meetsTarget
            else { return nil }
            let holdups = self.holdups[HoldupKey(code: code, year: year)] ?? Holdups()
            return Shortfall(
                code: code, name: name, year: year, exitRatePerMille: perMille, stillOpen: holdups.stillOpen,
                blocked: holdups.blocked.map {
                    Shortfall.Blocked(department: $0.department, reason: $0.reason, households: $1)
                }.sorted {
                    ($1.households, $0.department.rawValue, $0.reason)
                        < ($0.households, $1.department.rawValue, $1.reason)
                },
                waiting: holdups.waiting.map { Shortfall.Waiting(measure: $0, measures: $1) }.sorted {
                    ($1.measures, $0.measure.rawValue) < ($0.measures, $1.measure.rawValue)
                },
                awaiting: Agency.allCases.compactMap { department in
                    holdups.awaiting[department].map { Shortfall.Awaiting(department: department, households: $0) }
                },
                dueLater: holdups.dueLater)
        }

        private static func emptyPrefecture(code: String, name: String, years: [Int]) -> Prefecture {
            Prefecture(
                code: code, name: name, filesByCategory: [0, 0, 0], measuresDelivered: 0,
                years: years.map { Year(year: $0, openAtStart: 0, newFiles: 0, exits: 0) }, cumulativeExits: 0,
                filesOpened: 0)
        }

        /// Counts a file in a prefecture's figures: the whole programme's (`range` `nil`), or one year's, as on its
        /// 31 December (the caller counts only files filed before its end).
        private static func count(_ file: File, in figures: inout Prefecture, within range: Range<LocalDate>?) {
            if let category = file.category { figures.filesByCategory[category.rawValue - 1] += 1 }
            figures.measuresDelivered +=
                file.decisions.filter { decision in
                    guard decision.status == .granted, let delivered = decision.deliveredOn else { return false }
                    return range?.contains(delivered) ?? true
                }.count
            let filed = file.filedOn
            let closure = file.closure
            if let closure, closure.reason == .exited, range.map({ closure.closedOn < $0.upperBound }) ?? true {
                figures.cumulativeExits += 1
            }
            figures.filesOpened += 1
            for index in figures.years.indices {
                let start = LocalDate.startOfYear(figures.years[index].year)
                let end = LocalDate.startOfYear(figures.years[index].year + 1)
                // Open on 1 January: filed before it and not closed before it, for whatever reason.
                if filed < start && (closure.map { $0.closedOn >= start } ?? true) {
                    figures.years[index].openAtStart += 1
                }
                if filed >= start && filed < end {
                    figures.years[index].newFiles += 1
                    if file.earlierFile?.isRelapse == true { figures.years[index].relapses += 1 }
                }
                // Proposed by 31 December and not yet closed then: in review or 公示 (policy C.4).
                if let proposed = file.proposedOn, proposed < end, closure.map({ $0.closedOn >= end }) ?? true {
                    figures.years[index].exitsPending += 1
                }
                figures.years[index].visitsDue += file.visitDates.filter { $0 >= start && $0 < end }.count
                if let closure, closure.closedOn >= start, closure.closedOn < end {
                    switch closure.reason {
                    case .exited: figures.years[index].exits += 1
                    case .death: figures.years[index].deaths += 1
                    case .movedAway: figures.years[index].movedAway += 1
                    case .notEligible: figures.years[index].notEligible += 1
                    case .safetyNet: figures.years[index].safetyNet += 1
                    }
                }
            }
        }

        /// Counts a relapse against the year of the exit it follows (``Year/relapsedExits``).
        private static func countRelapsedExit(_ earlier: EarlierFile, in figures: inout Prefecture) {
            for index in figures.years.indices where figures.years[index].year == earlier.closedOn.year {
                figures.years[index].relapsedExits += 1
            }
        }
    }

    private init(
        prefectures: [Prefecture], province: Prefecture, departments: [AgencyFigures], money: [MeasureMoney],
        yearly: [YearView], shortfalls: [Shortfall], countyShortfalls: [Shortfall], budgets: [BudgetFigures]
    ) {
        self.prefectures = prefectures
        self.province = province
        self.departments = departments
        self.money = money
        self.yearly = yearly
        self.shortfalls = shortfalls
        self.countyShortfalls = countyShortfalls
        self.budgets = budgets
    }
}
