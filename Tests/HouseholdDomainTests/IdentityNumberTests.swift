import HouseholdDomain
import Testing

@Suite("Identity numbers (GB 11643-1999; policy: reference data)")
struct IdentityNumberTests {
    @Test(
        "The check character is ISO 7064 MOD 11-2 of the first 17 digits",
        arguments: [
            ("53010219750612131", "4"), ("53010219770203242", "3"), ("53030219680101517", "4"),
            ("11010519491231002", "X"), ("44052418800101001", "4"),
        ])
    func checkCharacter(_ body: String, _ expected: String) {
        let check = IdentityNumber.checkCharacter(for: Array(body.utf8)[...])
        #expect(String(UnicodeScalar(check)) == expected)
        #expect(IdentityNumber(body + expected) != nil)
    }

    @Test("Sex and birth date come from the number (policy §3 Persons)")
    func sexAndBirthDate() throws {
        let man = try IdentityNumber.parse("530102197506121314").get()
        #expect(man.sex == .male && man.birthDate == LocalDate("1975-06-12"))
        let woman = try IdentityNumber.parse("530102197702032423").get()
        #expect(woman.sex == .female && woman.birthDate == LocalDate("1977-02-03"))
    }

    @Test("A lowercase x is accepted and normalised to X")
    func lowercaseX() throws {
        let number = try IdentityNumber.parse("11010519491231002x").get()
        #expect(number.value == "11010519491231002X")
        #expect(IdentityNumber("11010519491231002x") == IdentityNumber("11010519491231002X"))
    }

    @Test(
        "29 February is a birth date only in leap years",
        arguments: [("2000", true), ("2004", true), ("1900", false), ("2001", false), ("2100", false)])
    func leapDay(_ year: String, _ valid: Bool) {
        let number = ImportFixture.identityNumber(born: year + "0229", sequence: 11)
        if valid {
            #expect(IdentityNumber(number)?.birthDate == LocalDate(year: Int(year)!, month: 2, day: 29))
        } else {
            #expect(IdentityNumber.parse(number) == .failure(.invalidBirthDate))
        }
    }

    @Test(
        "Invalid numbers say why",
        arguments: [
            ("53010219750612131", IdentityNumber.Failure.wrongLength(17)),
            ("5301021975061213144", .wrongLength(19)),
            ("53010219750612131A", .invalidCharacter),
            ("X30102197506121314", .invalidCharacter),
            ("530102197513121314", .invalidBirthDate),
            ("530102197506001314", .invalidBirthDate),
            ("530102197506121315", .wrongCheckCharacter(expected: "4")),
        ])
    func failures(_ text: String, _ failure: IdentityNumber.Failure) {
        #expect(IdentityNumber.parse(text) == .failure(failure))
    }

    @Test("Masking keeps the first 6 and last 4 characters; description never shows the whole number")
    func masking() throws {
        let number = try IdentityNumber.parse("530102197506121314").get()
        #expect(number.masked == "530102********1314")
        #expect(number.description == "530102********1314")
        #expect("\(number)" == "530102********1314")
        #expect(IdentityNumber.mask("53010219750612131") == "530102*******2131")
        #expect(IdentityNumber.mask("1234567890") == "**********")
        #expect(IdentityNumber.mask("") == "")
    }
}
