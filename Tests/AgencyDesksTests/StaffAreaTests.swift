import AgencyDesks
import Testing

/// Staff areas (GB/T 2260) and role words.
@Suite("Staff areas and roles")
struct StaffAreaTests {
    @Test("A county matches itself, a prefecture its counties, the province every Yunnan code")
    func containment() throws {
        let county = try StaffArea(code: "530102")
        let prefecture = try StaffArea(code: "530100")
        #expect(county.level == .county && county.description == "530102 五华区")
        #expect(prefecture.level == .prefecture && prefecture.description == "530100 昆明市")
        #expect(StaffArea.province.description == "530000 云南省")
        #expect(county.contains(county: "530102") && !county.contains(county: "530103"))
        #expect(prefecture.contains(county: "530103") && !prefecture.contains(county: "530302"))
        #expect(StaffArea.province.contains(county: "532901") && !StaffArea.province.contains(county: "510104"))
    }

    @Test("Codes outside the registry are refused", arguments: ["110000", "530199", "5301", "", "530000 "])
    func unknown(code: String) {
        if code == "530000 " {
            #expect((try? StaffArea(code: code)) == .province, "surrounding spaces are ignored")
        } else {
            #expect(throws: DeskRefusal.self) { try StaffArea(code: code) }
        }
    }

    @Test("Roles are accepted in English or Chinese")
    func roleWords() throws {
        #expect(StaffRole(word: "Clerk") == .clerk && StaffRole(word: "经办人") == .clerk)
        #expect(StaffRole(word: "审核") == .approver && StaffRole(word: "审计员") == .auditor)
        #expect(StaffRole(word: "系统管理员") == .admin && StaffRole(word: "财务") == .finance)
        #expect(StaffRole(word: "boss") == nil)
        #expect(try StaffRegister.roles(["clerk，审核", "finance"]) == [.clerk, .approver, .finance])
        #expect([StaffRole.auditor, .clerk].staffText == "经办人(clerk)、审计员(auditor)")
    }
}
