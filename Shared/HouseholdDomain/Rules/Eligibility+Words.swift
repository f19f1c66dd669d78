import Foundation

extension Eligibility {
    /// Why a household is not eligible, in words for the clerk, Chinese first, then the tests with their numbers:
    /// `人均收入 1600.00 元不低于低保标准 496 元；收入超过第二类上限；无第三类致困原因 (§3.1 category 1: …; §3.2 …)`.
    ///
    /// The words are read off the reasons ``decide(_:standard:parameters:)`` gives (what failed in each test of
    /// policy §3.1–§3.4); a reason it does not know (another clause, a local scope) is kept in English only.
    /// - Parameter reasons: the assessment's reasons, as the union's `register` reply carries them.
    /// - Returns: one line.
    public static func notEligibleInWords(_ reasons: [String]) -> String {
        var words: [String] = []
        for reason in reasons where reason.hasSuffix("failed") {
            if reason.hasPrefix("§3.4") {
                words.append("农民工已登记为农村扶贫对象，不纳入困难职工")
            } else if reason.hasPrefix("§3.1"), let income = Self.number(after: "per-capita income ", in: reason),
                let standard = Self.number(after: "S ", in: reason)
            {
                words.append("人均月收入 \(income) 元不低于低保标准 \(standard) 元")
            } else if reason.hasPrefix("§3.2") || reason.hasPrefix("§3.3") {
                let category = reason.hasPrefix("§3.2") ? "二" : "三"
                // `§3.2 category 2: income X > k × S × n = Y; cause: …|no category-2 cause[; expense-adjusted …]`
                if reason.prefix(while: { $0 != ";" }).contains(" > ") {
                    words.append("家庭月收入超过第\(category)类上限")
                }
                if reason.contains("no category-\(category == "二" ? 2 : 3) cause") {
                    words.append("无第\(category)类致困原因")
                }
                if let range = reason.range(of: "expense-adjusted"), reason[range.upperBound...].contains(" > S") {
                    words.append("扣除刚性支出后人均收入仍高于低保标准")
                }
            }
        }
        var unique: [String] = []
        for word in words where !unique.contains(word) { unique.append(word) }
        let english = reasons.joined(separator: "; ")
        guard !unique.isEmpty else { return english }
        return unique.joined(separator: "；") + " (" + english + ")"
    }

    /// The number written after `prefix` in `text` (`1600.00` in `per-capita income 1600.00 is …`).
    private static func number(after prefix: String, in text: String) -> String? {
        guard let range = text.range(of: prefix) else { return nil }
        let number = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return number.isEmpty ? nil : String(number)
    }
}
