import HouseholdDomain

typealias Cause = Household.Cause
typealias Relation = Household.Member.Relation
typealias Health = Household.Member.Health
typealias WorkStatus = Household.Member.WorkStatus
typealias SchoolLevel = Household.Member.SchoolLevel
typealias PensionInsurance = Household.Member.PensionInsurance
typealias MedicalInsurance = Household.Member.MedicalInsurance

/// One person of a household being made.
struct SamplePerson {
    var relation: Relation
    var sex: Sex
    /// Whole years on the filing date (the birth date is drawn to give exactly this age).
    var age: Int
    var health: Health = .healthy
    var work: WorkStatus = .none
    var school: SchoolLevel = .none
    var pension: PensionInsurance = .notEnrolled
    var medical: MedicalInsurance = .enrolled
    var wantsBusiness = false
    /// Index of ``Tables/surnames``.
    var surname: Int
    /// 某某 instead of 某 after the surname.
    var doubleGiven: Bool
    var birth = LocalDate.startOfYear(2000)
    /// The three-digit sequence of the identity number (odd for men).
    var sequence = 0
    /// The county whose code opens the identity number.
    var addressCounty = 0
    /// A mistake: the identity number is written with a wrong check character.
    var wrongCheck = false
    /// At school whatever the school-level draw (the child of a household whose primary cause is 子女上学).
    var forcedStudent = false

    var isAtSchool: Bool { school != .none }
    var isIll: Bool { health == .ill || health == .majorIllness }
}

/// The household being made (one value, reused for every household to keep allocations flat).
struct SampleHousehold {
    var prefecture = 0
    var serial = 0
    var filedOn = LocalDate.startOfYear(2017)
    var yearOffset = 0
    var county = 0
    /// The county written in the file (differs from ``county`` only by a mistake).
    var writtenCounty = 0
    var incomeFen: Int64 = 0
    var expenseFen: Int64 = 0
    var housing: Household.Housing = .rented
    var primary: Cause = .other
    var secondary: [Cause] = []
    var semicolon = false
    var singleParent = false
    var migrant = false
    var ruralPoverty = false
    var dibao = false
    var arrears = false
    var employer: [UInt8] = []
    var creditCode: [UInt8] = []
    var persons: [SamplePerson] = []
    var repeatColumns = false
    var repeatOtherFormat = false
    /// A mistake: this row repeats the income (or, when ``disagreeingHousing`` is set, the housing) with a
    /// different value.
    var disagreeingRow = -1
    var disagreeingIncomeFen: Int64 = 0
    var disagreeingHousing: Household.Housing?

    var worker: SamplePerson {
        get { persons[0] }
        set { persons[0] = newValue }
    }
}

/// The state of one run of the generator: the streams, the counters that keep file and identity numbers unique,
/// the household being made and the output buffer.
struct CaseloadRun {
    let model: CaseloadModel
    let mistakeRate: Double
    var random: SampleRandom
    var mistakeRandom: SampleRandom
    /// Issued identity numbers per (address county, birth date, sex): structural uniqueness without a set.
    var identityCounters: [UInt8]
    /// Files per (prefecture, year offset).
    var fileCounters: [Int]
    var household = SampleHousehold()
    var out: [UInt8] = []
    var rows = 0
    var flushed = 0
    var mistakeCounts: [CaseloadMistake: Int] = [:]

    /// Identity numbers per (county, birth date, sex) at most; the sequence then moves to a neighbouring birth date
    /// of the same age.
    static let counterLimit: UInt8 = 250

    init(model: CaseloadModel, seed: UInt64, mistakeRate: Double) {
        self.model = model
        self.mistakeRate = mistakeRate
        self.random = SampleRandom(seed: seed, stream: 1)
        self.mistakeRandom = SampleRandom(seed: seed, stream: 2)
        self.identityCounters = [UInt8](repeating: 0, count: model.counties.count * model.birthDays * 2)
        self.fileCounters = [Int](repeating: 0, count: model.prefixes.count * 3)
        self.out.reserveCapacity(1 << 17)
        self.household.persons.reserveCapacity(8)
        self.household.secondary.reserveCapacity(8)
        for mistake in CaseloadMistake.allCases { mistakeCounts[mistake] = 0 }
    }

    // MARK: Making a household

    mutating func makeHousehold(index: Int) {
        household.persons.removeAll(keepingCapacity: true)
        household.secondary.removeAll(keepingCapacity: true)
        household.disagreeingRow = -1
        household.disagreeingHousing = nil
        household.employer.removeAll(keepingCapacity: true)
        household.creditCode.removeAll(keepingCapacity: true)

        // Filing date and county.
        let offset = random.pick(Rates.filingYear)
        let filingYear = model.year + offset
        let filedOn = LocalDate.startOfYear(filingYear)
            .adding(days: random.below(LocalDate.isLeapYear(filingYear) ? 366 : 365))
        household.filedOn = filedOn
        household.yearOffset = offset
        household.county = chooseCounty(on: filedOn)
        household.writtenCounty = household.county
        household.prefecture = model.prefectureOfCounty[household.county]
        let counter = household.prefecture * 3 + offset
        fileCounters[counter] += 1
        household.serial = fileCounters[counter]

        // The primary cause first, then people who can carry it, their statuses, the facts the cause implies.
        household.primary = Rates.primaryCause[random.pick(Rates.primaryCauseTable)].cause
        var size = random.pick(Rates.householdSize) + 1
        while household.primary == .childAtSchool, size < 2 { size = random.pick(Rates.householdSize) + 1 }
        compose(size: size)
        for index in household.persons.indices {
            var person = household.persons[index]
            assignStatuses(&person)
            household.persons[index] = person
        }
        household.migrant = random.percent(Rates.migrantPercent)
        household.ruralPoverty = household.migrant && random.percent(Rates.ruralPovertyAmongMigrantsPercent)
        applyPrimaryCause()
        for index in household.persons.indices {
            var person = household.persons[index]
            assignInsurance(&person, index: index)
            household.persons[index] = person
        }
        chooseHousing()
        chooseEmployer()
        chooseSecondaryCauses()
        household.singleParent =
            household.persons.count > 1 && !household.persons.contains { $0.relation == .spouse }
            && household.persons.contains { $0.relation == .child && ($0.age < 18 || $0.isAtSchool) }
        chooseIncome()
        assignIdentities()
        household.repeatColumns = household.persons.count > 1 && random.percent(Rates.repeatHouseholdColumnsPercent)
        household.repeatOtherFormat = random.percent(Rates.repeatWithOtherFormatPercent)
        addMistakes()
    }

    /// A county-level unit uniformly, then its code valid on `date` (either, where a renamed unit's two codes are
    /// both valid).
    private mutating func chooseCounty(on date: LocalDate) -> Int {
        for _ in 0..<10_000 {
            let chain = model.units[random.below(model.units.count)]
            let valid = chain.filter { model.counties[$0].isValid(on: date) }
            let pick = random.below(2)
            if valid.count == 1 { return valid[0] }
            if valid.count > 1 { return valid[pick % valid.count] }
        }
        preconditionFailure("no county of the list is valid on \(date)")
    }

    private mutating func newPerson(_ relation: Relation, sex: Sex, age: Int, surname: Int? = nil) -> SamplePerson {
        let adult = age >= 18
        return SamplePerson(
            relation: relation, sex: sex, age: age,
            surname: surname ?? random.below(Tables.surnames.count),
            doubleGiven: adult ? random.percent(40) : random.percent(90))
    }

    private mutating func randomSex(malePercent: Int = 52) -> Sex { random.percent(malePercent) ? .male : .female }

    /// The worker, a spouse, then children, parents, grandchildren and siblings with ages that fit: a child is
    /// 18–45 years younger than the worker and the spouse, a parent 18–45 years older than the worker.
    ///
    /// The primary cause constrains the draw: a lay-off, overcapacity, unemployment or missing insurance needs a
    /// worker of working age; 子女上学 a worker of 28–55 and a first child of school age (6–22), at school.
    private mutating func compose(size: Int) {
        let primary = household.primary
        let needsStudent = primary == .childAtSchool
        let needsWorkingAge = [.laidOff, .overcapacityReduction, .ableButUnemployed, .uninsured].contains(primary)
        let workerSex = randomSex(malePercent: Rates.workerMalePercent)
        let retirement = model.retirementAge(workerSex)
        var workerAge = 20 + random.pick(Rates.workerAgeBand) * 5 + random.below(5)
        for _ in 0..<32 {
            if needsWorkingAge, workerAge >= retirement || workerAge < model.workingAgeFrom {
                workerAge = 20 + random.pick(Rates.workerAgeBand) * 5 + random.below(5)
            } else if needsStudent, !(28...55).contains(workerAge) {
                workerAge = 20 + random.pick(Rates.workerAgeBand) * 5 + random.below(5)
            } else {
                break
            }
        }
        if needsWorkingAge { workerAge = max(model.workingAgeFrom, min(workerAge, retirement - 1)) }
        if needsStudent { workerAge = max(28, min(workerAge, 55)) }
        let worker = newPerson(.worker, sex: workerSex, age: workerAge)
        household.persons.append(worker)
        var remaining = size - 1
        var parentAges = [workerAge]
        if remaining > (needsStudent ? 1 : 0), workerAge >= 22, random.percent(Rates.spousePercent) {
            let gap = random.within(-3...6)  // the husband is usually a few years older
            let spouseAge = max(needsStudent ? 24 : 20, workerSex == .male ? workerAge - gap : workerAge + gap)
            household.persons.append(newPerson(.spouse, sex: workerSex == .male ? .female : .male, age: spouseAge))
            parentAges.append(spouseAge)
            remaining -= 1
        }
        let youngest = parentAges.min()!
        let oldest = parentAges.max()!
        let childSurname =
            workerSex == .male || parentAges.count == 1
            ? worker.surname : household.persons[1].surname
        var hasFather = false
        var hasMother = false
        if needsStudent {
            let age = random.within(max(6, oldest - 45)...min(22, youngest - 18))
            var child = newPerson(.child, sex: randomSex(), age: age, surname: childSurname)
            child.forcedStudent = true
            household.persons.append(child)
            remaining -= 1
        }
        while remaining > 0 {
            let first = random.pick(Rates.memberKind)
            var added = false
            for kind in [first, 0, 1, 3] where !added {
                switch kind {
                case 0:  // 子女
                    let low = max(0, oldest - 45)
                    let high = youngest - 18
                    guard low <= high else { continue }
                    let preferred = max(low, youngest - 38)...max(max(low, youngest - 38), min(high, youngest - 20))
                    let age = random.percent(85) ? random.within(preferred) : random.within(low...high)
                    let surname = random.percent(90) ? childSurname : nil
                    household.persons.append(newPerson(.child, sex: randomSex(), age: age, surname: surname))
                    added = true
                case 1:  // 父母
                    guard !(hasFather && hasMother) else { continue }
                    let father = !hasFather && (hasMother || random.percent(50))
                    let low = workerAge + 18
                    let high = min(workerAge + 45, 98)
                    guard low <= high else { continue }
                    let preferred = max(low, workerAge + 21)...max(max(low, workerAge + 21), min(high, workerAge + 38))
                    let age = random.percent(85) ? random.within(preferred) : random.within(low...high)
                    if father {
                        hasFather = true
                        household.persons.append(newPerson(.parent, sex: .male, age: age, surname: worker.surname))
                    } else {
                        hasMother = true
                        household.persons.append(newPerson(.parent, sex: .female, age: age))
                    }
                    added = true
                case 2:  // 孙子女
                    guard workerAge >= 42 else { continue }
                    let age = random.within(max(0, workerAge - 60)...(workerAge - 38))
                    let surname = workerSex == .male ? worker.surname : nil
                    household.persons.append(newPerson(.grandchild, sex: randomSex(), age: age, surname: surname))
                    added = true
                default:  // 兄弟姐妹
                    let age = min(98, max(0, workerAge + random.within(-10...10)))
                    household.persons.append(newPerson(.sibling, sex: randomSex(), age: age, surname: worker.surname))
                    added = true
                }
            }
            remaining -= 1
        }
    }

    /// Health, school level and work status from the age and the relation (policy Part B: working age 16 to the
    /// retirement age; 退休 only at or after it; 在学 for 小学 to 研究生, 学前 children have 无).
    private mutating func assignStatuses(_ person: inout SamplePerson) {
        let age = person.age
        person.health =
            [Health.healthy, .ill, .majorIllness, .disabled][
                random.pick(age < 18 ? Rates.childHealth : age < 60 ? Rates.adultHealth : Rates.elderHealth)]
        if person.forcedStudent {
            person.school = studentLevel(age: age)
        } else if person.relation != .worker, person.relation != .spouse, person.relation != .parent {
            person.school = schoolLevel(age: age)
        }
        let retirement = model.retirementAge(person.sex)
        let isCouple = person.relation == .worker || person.relation == .spouse
        if person.school != .none {
            person.work = person.school == .preschool ? .none : .student
        } else if age < model.workingAgeFrom {
            person.work = .none
        } else if age >= retirement {
            person.work =
                isCouple
                ? [WorkStatus.retired, .flexiblyEmployed, .none][random.pick(Rates.retiredWorkerWork)]
                : [WorkStatus.retired, .none][random.pick(Rates.retiredOtherWork)]
        } else if isCouple {
            let table = person.relation == .worker ? Rates.workerWork : Rates.spouseWork
            person.work =
                [
                    WorkStatus.employed, .flexiblyEmployed, .laidOff, .unemployed, .sickLeave,
                    .earlyRetirement, .none,
                ][random.pick(table)]
            if person.work == .earlyRetirement, age < retirement - 10 { person.work = .employed }
        } else {
            person.work =
                [WorkStatus.employed, .flexiblyEmployed, .unemployed, .none][random.pick(Rates.otherAdultWork)]
        }
        let seriouslyIll = person.health == .majorIllness || person.health == .disabled
        if seriouslyIll, person.work == .employed || person.work == .flexiblyEmployed, random.percent(50) {
            person.work = isCouple && random.percent(50) ? .sickLeave : .none
        }
    }

    private mutating func schoolLevel(age: Int) -> SchoolLevel {
        switch age {
        case 3...5: return random.percent(Rates.preschoolPercent) ? .preschool : .none
        case 6...11: return .primary
        case 12...14: return .juniorSecondary
        case 15...17:
            return [SchoolLevel.seniorSecondary, .secondaryVocational, .none][random.pick(Rates.upperSecondary)]
        case 18...21: return [SchoolLevel.higherVocational, .undergraduate, .none][random.pick(Rates.tertiary)]
        case 22: return [SchoolLevel.undergraduate, .postgraduate, .none][random.pick(Rates.ageTwentyTwo)]
        case 23...26: return random.percent(Rates.postgraduatePercent) ? .postgraduate : .none
        default: return .none
        }
    }

    /// The school level of someone of 6–22 who is at school.
    private mutating func studentLevel(age: Int) -> SchoolLevel {
        switch age {
        case ...11: .primary
        case 12...14: .juniorSecondary
        case 15...17: random.percent(60) ? .seniorSecondary : .secondaryVocational
        case 18...21: random.percent(50) ? .higherVocational : .undergraduate
        default: .undergraduate
        }
    }

    private func isOfWorkingAge(_ person: SamplePerson) -> Bool {
        person.age >= model.workingAgeFrom && person.age < model.retirementAge(person.sex)
    }

    /// The facts the primary cause implies: an illness cause has an ill member, a lay-off a laid-off worker, ….
    private mutating func applyPrimaryCause() {
        let cause = household.primary
        switch cause {
        case .majorIllness:
            let index =
                household.persons.count == 1 || random.percent(Rates.illnessWorkerPercent)
                ? 0 : 1 + random.below(household.persons.count - 1)
            household.persons[index].health = random.percent(Rates.illnessMajorPercent) ? .majorIllness : .ill
            if index == 0, household.worker.health == .majorIllness, isOfWorkingAge(household.worker),
                household.worker.work == .employed || household.worker.work == .flexiblyEmployed
            {
                household.worker.work = [WorkStatus.sickLeave, .none, household.worker.work][random.within(0...2)]
            }
        case .laidOff:
            household.worker.work = random.percent(50) ? .laidOff : .unemployed
            if household.worker.health == .majorIllness || household.worker.health == .disabled {
                household.worker.health = .ill
            }
        case .overcapacityReduction:
            let early = household.worker.age >= model.retirementAge(household.worker.sex) - 10
            household.worker.work =
                [WorkStatus.laidOff, .laidOff, .laidOff, .unemployed, early ? .earlyRetirement : .laidOff][
                    random.below(5)]
        case .unableToWork:
            household.worker.health = random.percent(60) ? .disabled : .majorIllness
            if isOfWorkingAge(household.worker) { household.worker.work = random.percent(60) ? .none : .sickLeave }
        case .ableButUnemployed:
            if household.worker.health != .healthy { household.worker.health = .healthy }
            household.worker.work = random.percent(60) ? .unemployed : .none
        case .accident:
            let index = random.percent(60) ? 0 : random.below(household.persons.count)
            household.persons[index].health = random.percent(50) ? .disabled : .ill
            if index == 0, isOfWorkingAge(household.worker), household.worker.work == .employed, random.percent(30) {
                household.worker.work = .sickLeave
            }
        default:
            break
        }
    }

    /// Pension and medical insurance and the wish to start a business (领取养老金 only for the retired).
    private mutating func assignInsurance(_ person: inout SamplePerson, index: Int) {
        if person.work == .retired {
            person.pension = random.percent(Rates.drawingPensionPercent) ? .drawing : .enrolled
        } else if person.age < model.workingAgeFrom || person.isAtSchool {
            person.pension = .notEnrolled
        } else {
            let percent =
                switch person.relation {
                case .worker: Rates.workerPensionPercent
                case .spouse: Rates.spousePensionPercent
                default: Rates.otherPensionPercent
                }
            person.pension = random.percent(percent) ? .enrolled : .notEnrolled
        }
        person.medical = random.percent(Rates.medicalInsuredPercent) ? .enrolled : .notEnrolled
        if index == 0, household.primary == .uninsured {
            person.pension = .notEnrolled
            if random.percent(40) { person.medical = .notEnrolled }
        }
        let canStart =
            isOfWorkingAge(person) && person.work != .student && person.work != .retired
            && person.health != .majorIllness && person.health != .disabled
        let jobless = [.laidOff, .unemployed, .none, .flexiblyEmployed].contains(person.work)
        person.wantsBusiness =
            canStart
            && random.percent(jobless ? Rates.wantsBusinessJoblessPercent : Rates.wantsBusinessEmployedPercent)
    }

    private mutating func chooseHousing() {
        let table = household.migrant ? Rates.migrantHousing : Rates.housing
        household.housing =
            [
                Household.Housing.purchased, .selfBuilt, .rented, .employerPublicHousing,
                .publicRental, .none, .dangerous,
            ][random.pick(table)]
        if household.primary == .naturalDisaster, random.percent(Rates.disasterDangerousHomePercent) {
            household.housing = .dangerous
        }
    }

    /// The worker's employer (`昆明某机械厂`), its credit code and arrears.
    private mutating func chooseEmployer() {
        let percent =
            switch household.worker.work {
            case .employed, .laidOff, .sickLeave, .earlyRetirement, .retired: Rates.employerEmployedPercent
            case .unemployed: Rates.employerUnemployedPercent
            case .flexiblyEmployed: Rates.employerFlexiblePercent
            default: Rates.employerNonePercent
            }
        let benefitsCause = household.primary == .insuranceBenefitsNotDelivered
        let overcapacity = household.primary == .overcapacityReduction
        let hasEmployer = random.percent(percent) || benefitsCause || overcapacity
        let trades = overcapacity ? Tables.overcapacityTrades : Tables.trades
        let trade = trades[random.below(trades.count)]
        let comma = random.percent(Rates.employerCommaPercent)
        let quote = random.below(1000) < Rates.employerQuoteInThousand
        let suffix = Tables.commaSuffixes[random.below(Tables.commaSuffixes.count)]
        let word = Tables.quotedWords[random.below(Tables.quotedWords.count)]
        let withCode = random.percent(Rates.creditCodePercent)
        let arrears = random.percent(benefitsCause ? Rates.arrearsBenefitsCausePercent : Rates.arrearsPercent)
        guard hasEmployer else {
            household.arrears = false
            return
        }
        household.employer.append(contentsOf: model.places[household.prefecture].utf8)
        household.employer.append(contentsOf: "某".utf8)
        if quote { household.employer.append(contentsOf: "\"\(word)\"".utf8) }
        household.employer.append(contentsOf: trade.utf8)
        if comma { household.employer.append(contentsOf: suffix.utf8) }
        if withCode { makeCreditCode() }
        household.arrears = arrears
    }

    /// A unified social credit code (GB 32100-2015) of an enterprise registered in the household's county: `91`,
    /// the county code, an organisation code (GB 11714: eight digits and its check character), the check character.
    private mutating func makeCreditCode() {
        let alphabet = CreditCodeAlphabet.characters
        var values: [Int] = [9, 1]
        for byte in model.counties[household.county].code.utf8 { values.append(Int(byte - UInt8(ascii: "0"))) }
        var organisation: [Int] = []
        for _ in 0..<8 { organisation.append(random.below(10)) }
        let organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(organisation, organisationWeights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        values.append(contentsOf: organisation)
        values.append(check == 11 ? 0 : check == 10 ? alphabet.firstIndex(of: UInt8(ascii: "X"))! : check)
        var total = 0
        for index in 0..<17 { total += values[index] * CreditCodeAlphabet.weights[index] }
        values.append((31 - total % 31) % 31)
        for value in values { household.creditCode.append(alphabet[value]) }
    }

    /// Zero to three secondary causes drawn from the household's facts (a child at school, an ill member, a
    /// laid-off member, …), in random order.
    private mutating func chooseSecondaryCauses() {
        let persons = household.persons
        var candidates: [Cause] = []
        if persons.contains(where: \.isAtSchool), random.percent(45) { candidates.append(.childAtSchool) }
        let major = persons.contains { $0.health == .majorIllness }
        if random.percent(major ? 60 : persons.contains(where: \.isIll) ? 15 : 0) { candidates.append(.majorIllness) }
        if persons.contains(where: { $0.work == .laidOff || $0.work == .unemployed }), random.percent(35) {
            candidates.append(.laidOff)
        }
        let unable = persons.contains {
            $0.age >= model.workingAgeFrom && ($0.health == .majorIllness || $0.health == .disabled)
                && ($0.work == .none || $0.work == .sickLeave)
        }
        if unable, random.percent(25) { candidates.append(.unableToWork) }
        if household.worker.pension == .notEnrolled, household.worker.work != .retired, random.percent(20) {
            candidates.append(.uninsured)
        }
        if household.arrears, random.percent(40) { candidates.append(.insuranceBenefitsNotDelivered) }
        if random.percent(household.housing == .dangerous ? 20 : 2) { candidates.append(.naturalDisaster) }
        if random.percent(2) { candidates.append(.accident) }
        if random.percent(3) { candidates.append(.other) }
        candidates.removeAll { $0 == household.primary }
        if candidates.count > 1 {
            for index in stride(from: candidates.count - 1, to: 0, by: -1) {
                candidates.swapAt(index, random.below(index + 1))
            }
        }
        household.secondary.append(contentsOf: candidates.prefix(3))
        household.semicolon = random.percent(Rates.semicolonSeparatorPercent)
    }

    /// Income in one of four bands of per-capita income against `S`, special expenses that pass or fail the
    /// expense-adjusted test, and 低保 (policy §3, Part B).
    ///
    /// A household above `S` applies because a hardship costs it money (the expense-adjusted test of categories 2
    /// and 3), and above 1.5 S only for a serious one (category 3), so the band table depends on the hardship.
    private mutating func chooseIncome() {
        let size = Int64(household.persons.count)
        let base = model.standardFen[household.county][household.yearOffset] * size  // S × size, fen
        let causes = [household.primary] + household.secondary
        let seriousHardship =
            household.persons.contains { $0.health == .majorIllness }
            || causes.contains { [.majorIllness, .accident, .naturalDisaster].contains($0) }
        let hardshipCost =
            seriousHardship || household.persons.contains { $0.isIll || $0.isAtSchool }
            || causes.contains(.childAtSchool)
        let band = random.pick(
            seriousHardship
                ? Rates.incomeBandSerious : hardshipCost ? Rates.incomeBandOtherCost : Rates.incomeBandWithoutCost)
        let boundary = random.percent(Rates.boundaryIncomePercent)
        let zero = random.percent(Rates.zeroIncomePercent)
        let whole = random.percent(Rates.wholeYuanPercent)
        let range: ClosedRange<Int64> =
            switch band {
            case 0: (base * 3 / 10)...(base - 1)
            case 1: base...(base * 3 / 2)
            case 2: (base * 3 / 2 + 1)...(base * 3)
            default: (base * 3 + 1)...(base * 9 / 2)
            }
        var income = random.within(range)
        if whole { income = roundToYuan(income, within: range) }
        let edgeChoice = random.below(2)
        if boundary {
            income =
                switch band {
                case 0: base - 100
                case 1: edgeChoice == 0 || base % 2 != 0 ? base : base * 3 / 2
                case 2: base * 3
                default: base * 3 + 100
                }
        } else if band == 0, zero {
            income = 0
        }
        household.incomeFen = income

        let passes = random.percent(Rates.expensePassesPercent)
        let wholeExpense = random.percent(Rates.wholeYuanPercent)
        let draw = random.next()
        var expense: Int64 = 0
        switch band {
        case 1, 2:
            guard hardshipCost, random.percent(Rates.expenseMiddlePercent) else { break }
            let excess = income - base  // the test passes when expense ≥ excess
            if passes {
                expense = excess + Int64(draw % UInt64(base / 4 + 1))
                if wholeExpense { expense = (expense + 99) / 100 * 100 }
            } else if excess > 0 {
                expense = Int64(draw % UInt64(excess))  // < excess
                if wholeExpense { expense = expense / 100 * 100 }
            }
        case 0:
            guard hardshipCost, random.percent(Rates.expenseLowPercent) else { break }
            expense = base / 10 + Int64(draw % UInt64(base * 4 / 10 + 1))
            if wholeExpense { expense = expense / 100 * 100 }
        default:
            guard hardshipCost, random.percent(Rates.expenseHighPercent) else { break }
            expense = base / 10 + Int64(draw % UInt64(base * 9 / 10 + 1))
            if wholeExpense { expense = expense / 100 * 100 }
        }
        household.expenseFen = expense
        let dibaoPercent = band == 0 ? Rates.dibaoLowPercent : band == 1 ? Rates.dibaoMiddlePercent : 0
        household.dibao = random.percent(dibaoPercent)
    }

    /// `fen` rounded to whole yuan, down or else up, when that stays within `range`.
    private func roundToYuan(_ fen: Int64, within range: ClosedRange<Int64>) -> Int64 {
        let down = fen / 100 * 100
        if range.contains(down) { return down }
        let up = down + 100
        return range.contains(up) ? up : fen
    }

    /// Birth dates giving each member's age on the filing date, and identity numbers unique by construction: one
    /// counter per (address county, birth date, sex) gives the sequence.
    private mutating func assignIdentities() {
        let filedOn = household.filedOn
        var addressCounty = household.county
        if household.migrant, random.percent(Rates.migrantOtherCountyPercent) {
            addressCounty = random.below(model.counties.count)
        }
        for index in household.persons.indices {
            let age = household.persons[index].age
            var birth = filedOn.adding(days: -(age * 365 + age / 4) - random.below(365))
            while birth.age(on: filedOn) > age { birth = birth.adding(days: 1) }
            while birth.age(on: filedOn) < age { birth = birth.adding(days: -1) }
            let male = household.persons[index].sex == .male
            let (day, sequence) = issueSequence(county: addressCounty, birth: birth, age: age, male: male)
            household.persons[index].birth = day
            household.persons[index].sequence = sequence
            household.persons[index].addressCounty = addressCounty
            household.persons[index].wrongCheck = false
        }
    }

    private mutating func issueSequence(county: Int, birth: LocalDate, age: Int, male: Bool) -> (LocalDate, Int) {
        let filedOn = household.filedOn
        for delta in 0..<800 {
            let candidate = birth.adding(days: delta % 2 == 0 ? delta / 2 : -(delta / 2 + 1))
            guard candidate <= filedOn, candidate.age(on: filedOn) == age else { continue }
            let day = candidate.daysSinceEpoch - model.firstBirthDay
            precondition(day >= 0 && day < model.birthDays, "birth date outside the counter range")
            let slot = ((county * model.birthDays) + day) * 2 + (male ? 1 : 0)
            let issued = identityCounters[slot]
            guard issued < CaseloadRun.counterLimit else { continue }
            identityCounters[slot] = issued + 1
            let start = (county &* 7_919 &+ day &* 104_729) % 500
            return (candidate, 2 * ((start + Int(issued)) % 500) + (male ? 1 : 0))
        }
        preconditionFailure("no identity number left for this age in this county")
    }

    /// The mistakes of ``CaseloadMistake``, each with probability ``mistakeRate``. The mistake stream is separate
    /// and always drawn the same way, so a file with mistakes differs from the one without only where they are.
    private mutating func addMistakes() {
        let identity = mistakeRandom.chance(mistakeRate)
        let county = mistakeRandom.chance(mistakeRate)
        let disagree = mistakeRandom.chance(mistakeRate)
        let creditCode = mistakeRandom.chance(mistakeRate)
        let pickRow = mistakeRandom.next()
        let pickValue = mistakeRandom.next()
        let size = household.persons.count
        if identity {
            household.persons[Int(pickRow % UInt64(size))].wrongCheck = true
            mistakeCounts[.identityCheckCharacter, default: 0] += 1
        }
        if county, let code = invalidCounty(choice: pickValue) {
            household.writtenCounty = code
            mistakeCounts[.countyNotValidOnDate, default: 0] += 1
        }
        if disagree, size > 1 {
            household.disagreeingRow = 1 + Int(pickRow % UInt64(size - 1))
            if pickValue % 10 < 7 {
                household.disagreeingIncomeFen = household.incomeFen + Int64(100 + pickValue % 400) * 100
            } else {
                let all = Household.Housing.allCases.filter { $0 != household.housing }
                household.disagreeingHousing = all[Int(pickValue % UInt64(all.count))]
            }
            mistakeCounts[.householdRowsDisagree, default: 0] += 1
        }
        if creditCode, household.creditCode.count == 18 {
            let alphabet = CreditCodeAlphabet.characters
            let current = alphabet.firstIndex(of: household.creditCode[17])!
            household.creditCode[17] = alphabet[(current + 1 + Int(pickValue % 30)) % 31]
            mistakeCounts[.creditCodeCheckCharacter, default: 0] += 1
        }
    }

    /// A code not valid on the filing date: one of the household's own unit (the old code after a rename, the new
    /// one before it), else of its prefecture, else any.
    private func invalidCounty(choice: UInt64) -> Int? {
        let date = household.filedOn
        let invalid = model.boundedCounties.filter { !model.counties[$0].isValid(on: date) }
        guard !invalid.isEmpty else { return nil }
        let home = model.units.first { $0.contains(household.county) } ?? []
        let own = invalid.filter { home.contains($0) }
        if !own.isEmpty { return own[Int(choice % UInt64(own.count))] }
        let prefecture = invalid.filter { model.prefectureOfCounty[$0] == household.prefecture }
        if !prefecture.isEmpty { return prefecture[Int(choice % UInt64(prefecture.count))] }
        return invalid[Int(choice % UInt64(invalid.count))]
    }
}

/// The characters and weights of GB 32100-2015 credit codes.
enum CreditCodeAlphabet {
    static let characters: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
}
