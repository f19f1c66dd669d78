import Foundation
import HouseholdDomain
import ProgrammeEvents
import Testing

/// Data minimisation (DESIGN "Events"; docs/DATA-MINIMISATION.md): each agency's view, checked on its encoded JSON.
@Suite("Household views (data minimisation)")
struct HouseholdViewTests {
    /// What one agency's encoded view may hold and must not.
    struct Expectation: Sendable, CustomStringConvertible {
        var agency: Agency
        /// The top-level keys, exactly.
        var keys: Set<String>
        /// The keys of each listed member (and of the tenant), exactly.
        var memberKeys: Set<[String]>
        /// The member numbers listed.
        var members: [Int]
        /// Texts that must not appear anywhere in the JSON (personal data the agency must not get).
        var forbidden: [String]
        var description: String { agency.rawValue }
    }

    static let common: Set<String> = [
        "agency", "fileNumber", "prefectureCode", "divisionCode", "filedOn", "category", "minimumLivingStandard",
        "measures",
    ]
    static let identifying = ["identityNumber", "name", "number", "relation"]
    static let diagnoses = ["患病", "重大疾病", "残疾"]
    static let household = Samples.household
    static func names(except numbers: [Int]) -> [String] {
        household.members.filter { !numbers.contains($0.number) }.flatMap { member in
            // The name, the full identity number and the birth-date digits it holds.
            [member.name, member.identityNumber.value, String(member.identityNumber.value.dropFirst(6).prefix(8))]
        }
    }

    static let expectations: [Expectation] = [
        Expectation(
            agency: .humanResources,
            keys: common.union(["helper", "isZeroEmployment", "employer", "employerCreditCode", "members"]),
            memberKeys: [
                (identifying + ["age", "isAbleToWork", "pensionInsurance", "wantsBusiness", "workStatus"]).sorted()
            ],
            members: [1, 2], forbidden: diagnoses + names(except: [1, 2]) + ["\"health\"", "初中", "本科", "800.00"]),
        Expectation(
            agency: .medicalInsurance, keys: common.union(["helper", "members"]),
            memberKeys: [(identifying + ["health", "medicalInsurance"]).sorted()], members: [1, 2, 3, 4, 5],
            forbidden: ["\"workStatus\"", "\"schoolLevel\"", "800.00", "昆明某机械厂", "下岗"]),
        Expectation(
            agency: .education, keys: common.union(["helper", "members"]),
            memberKeys: [(identifying + ["schoolLevel"]).sorted()], members: [3, 4],
            forbidden: diagnoses + names(except: [3, 4]) + ["\"health\"", "800.00", "昆明某机械厂"]),
        Expectation(
            agency: .housing, keys: common.union(["helper", "householdSize", "housing", "needsHousing", "tenant"]),
            memberKeys: [identifying.sorted()], members: [1],
            forbidden: diagnoses + names(except: [1]) + ["\"health\"", "患重特大疾病", "\"causes\"", "800.00"]),
        Expectation(
            agency: .civilAffairs,
            keys: common.union([
                "helper", "householdSize", "monthlyIncome", "monthlySpecialExpense", "perCapitaIncome",
                "isBelowStandard", "isOnDibao", "causes", "members",
            ]),
            memberKeys: [identifying.sorted()], members: [1, 2, 3, 4, 5],
            forbidden: diagnoses + ["\"health\"", "\"workStatus\"", "\"schoolLevel\"", "昆明某机械厂"]),
        Expectation(
            agency: .coordinator,
            keys: common.union([
                "householdSize", "perCapitaIncome", "isBelowStandard", "isOnDibao", "isZeroEmployment", "needsHousing",
            ]),
            memberKeys: [], members: [],
            forbidden: diagnoses + names(except: []) + [
                Samples.helper, "\"name\"", "\"identityNumber\"", "\"helper\"", "昆明某机械厂", "\"health\"",
                "530102197", "530102200", "530102194",
            ]),
    ]

    @Test(
        "each agency's encoded view holds only its fields (§4.1, §4.2, DESIGN data minimisation)",
        arguments: expectations)
    func minimised(_ expected: Expectation) throws {
        let view = Samples.view(for: expected.agency)
        let data = try EventCoding.encode(HouseholdRegistered(view: view))
        let json = String(decoding: data, as: UTF8.self)
        let object = try #require(try Samples.jsonObject(HouseholdRegistered(view: view))["view"] as? [String: Any])
        #expect(Set(object.keys) == expected.keys)
        var people = (object["members"] as? [[String: Any]]) ?? []
        if let tenant = object["tenant"] as? [String: Any] { people.append(tenant) }
        #expect(people.map { $0["number"] as? Int } == expected.members.map { Optional($0) })
        #expect(Set(people.map { $0.keys.sorted() }) == expected.memberKeys)
        for text in expected.forbidden {
            #expect(!json.contains(text), "\(expected.agency.rawValue)'s view must not carry \(text)")
        }
        #expect(object["agency"] as? String == expected.agency.rawValue)
    }

    @Test("every view carries the common fields; departments get the measures they lead, the coordinator all (§4.1)")
    func measures() throws {
        let plan = Samples.assessment.measures
        for agency in Agency.allCases where agency != .union {
            let view = Samples.view(for: agency)
            #expect(
                view.fileNumber == "KM-2017-0101" && view.prefectureCode == "530100" && view.divisionCode == "530102")
            #expect(view.filedOn == LocalDate("2017-04-01") && view.category == .one)
            #expect(view.minimumLivingStandard == Samples.assessment.minimumLivingStandard)
            let expected = agency == .coordinator ? plan : plan.filter { $0.code.leadDepartment == agency }
            #expect(view.measures == expected && !expected.isEmpty, "\(agency.rawValue)")
        }
    }

    @Test("derived facts: hr gets able to work and ages, pension status of the worker and spouse only (Part B)")
    func derived() throws {
        let members = try #require(Samples.view(for: .humanResources).members)
        #expect(members.map(\.age) == [41, 40])
        #expect(members.map(\.isAbleToWork) == [true, true], "the ill spouse is able to work: 患病 is not 重大疾病")
        #expect(members.map(\.pensionInsurance) == [.enrolled, .notEnrolled])
        #expect(members.allSatisfy { $0.health == nil })
        let coordinator = Samples.view(for: .coordinator)
        #expect(coordinator.isBelowStandard == true && coordinator.isOnDibao == false)
        #expect(coordinator.isZeroEmployment == true && coordinator.needsHousing == true)
        #expect(coordinator.perCapitaIncome == Yuan(yuan: 160) && coordinator.householdSize == 5)
        let housing = Samples.view(for: .housing)
        #expect(
            housing.tenant?.name == "陈建国"
                && housing.tenant?.identityNumber == Samples.household.members[0].identityNumber)
        #expect(housing.housing == Household.Housing.none && housing.needsHousing == true)
    }

    @Test("the union, which holds the file, gets the common fields only; no helper when none is paired")
    func unionAndNoHelper() throws {
        let union = Samples.view(for: .union)
        #expect(union.measures.isEmpty && union.members == nil && union.helper == nil && union.householdSize == nil)
        let unpaired = HouseholdView(
            for: .housing, household: Samples.household, assessment: Samples.assessment, helper: nil)
        let json = String(decoding: try EventCoding.encode(HouseholdUpdated(view: unpaired)), as: UTF8.self)
        #expect(!json.contains("helper") && !json.contains("null"))
    }

    /// What one agency holds of a household, with measures of the plan that it leads and without.
    struct Holding: Sendable, CustomStringConvertible {
        var agency: Agency
        /// The view's top-level keys, with the agency's measures and without them.
        var with: Set<String>
        var without: Set<String>
        /// The members whose name and identity number the agency gets when it leads a measure.
        var identified: [Int]
        var description: String { agency.rawValue }
    }

    static let holdings: [Holding] = [
        Holding(
            agency: .humanResources,
            with: common.union(["helper", "isZeroEmployment", "employer", "employerCreditCode", "members"]),
            without: common.union(["helper", "isZeroEmployment", "employer", "employerCreditCode", "members"]),
            identified: [1, 2]),
        Holding(
            agency: .medicalInsurance, with: common.union(["helper", "members"]),
            without: common.union(["helper", "members"]), identified: [1, 2, 3, 4, 5]),
        Holding(
            agency: .education, with: common.union(["helper", "members"]),
            without: common.union(["helper", "members"]), identified: [3, 4]),
        Holding(
            agency: .housing, with: common.union(["helper", "householdSize", "housing", "needsHousing", "tenant"]),
            without: common.union(["helper", "householdSize", "housing", "needsHousing"]), identified: [1]),
        Holding(
            agency: .civilAffairs,
            with: common.union([
                "helper", "householdSize", "monthlyIncome", "monthlySpecialExpense", "perCapitaIncome",
                "isBelowStandard", "isOnDibao", "causes", "members",
            ]),
            without: common.union([
                "helper", "householdSize", "monthlyIncome", "monthlySpecialExpense", "perCapitaIncome",
                "isBelowStandard", "isOnDibao", "causes", "members",
            ]),
            identified: [1, 2, 3, 4, 5]),
        Holding(
            agency: .coordinator,
            with: common.union([
                "householdSize", "perCapitaIncome", "isBelowStandard", "isOnDibao", "isZeroEmployment", "needsHousing",
            ]),
            without: common.union([
                "householdSize", "perCapitaIncome", "isBelowStandard", "isOnDibao", "isZeroEmployment", "needsHousing",
            ]),
            identified: []),
    ]

    @Test(
        "names and identity numbers go to an agency only for a household where it leads a measure (rule 3), also when an update brings its first measure",
        arguments: holdings)
    func identityOnlyWhereItActs(_ expected: Holding) throws {
        var without = Samples.assessment
        without.measures.removeAll { $0.code.leadDepartment == expected.agency }
        let views = [
            (
                view: HouseholdView(
                    for: expected.agency, household: Samples.household, assessment: without, helper: Samples.helper),
                identified: [Int]()
            ),
            // The household's update whose plan now holds the agency's measures.
            (
                view: HouseholdView(
                    for: expected.agency, household: Samples.household, assessment: Samples.assessment,
                    helper: Samples.helper),
                identified: expected.identified
            ),
        ]
        for (view, identified) in views {
            let object = try #require(try Samples.jsonObject(HouseholdUpdated(view: view))["view"] as? [String: Any])
            #expect(
                Set(object.keys)
                    == (identified.isEmpty && expected.agency != .coordinator ? expected.without : expected.with))
            var people = (object["members"] as? [[String: Any]]) ?? []
            if let tenant = object["tenant"] as? [String: Any] { people.append(tenant) }
            #expect(people.compactMap { $0["number"] as? Int } == identified)
            let json = String(decoding: try EventCoding.encode(HouseholdUpdated(view: view)), as: UTF8.self)
            for member in Samples.household.members where !identified.contains(member.number) {
                #expect(!json.contains(member.name) && !json.contains(member.identityNumber.value), "\(member.number)")
            }
            for member in Samples.household.members where identified.contains(member.number) {
                #expect(json.contains(member.name) && json.contains(member.identityNumber.value), "\(member.number)")
            }
        }
    }
}
