import HouseholdDomain
import ReliefProgramme

/// Charts drawn by the server as SVG, readable without script and printable: bars of exit rates against the 30 %
/// target line (policy §2.1). Bars below the target are red, bars reaching it green; every bar carries its value
/// as text, so the chart reads without colour too.
enum Charts {
    /// One bar: a label and a rate in per mille (`nil` without files: no bar, `-`).
    struct Bar {
        var label: String
        var ratePerMille: Int?
        var meets: Bool
    }

    /// Horizontal bars, one per row (the prefectures of a year).
    ///
    /// - Parameters:
    ///   - bars: The bars, top to bottom.
    ///   - title: The chart's accessible title.
    ///   - targetLabel: The target line's label (`目标 30%`).
    /// - Returns: The SVG element.
    static func horizontal(_ bars: [Bar], title: String, targetLabel: String) -> String {
        let labelWidth = 130
        let plotWidth = 420
        let rowHeight = 22
        let top = 24
        let scale = scaleMax(bars)
        let height = top + bars.count * rowHeight + 8
        let width = labelWidth + plotWidth + 70
        func x(_ perMille: Int) -> Int { labelWidth + perMille * plotWidth / scale }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-size="12"><title>\(escape(title))</title>
            """
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(bar.label))</text>"
            if let rate = bar.ratePerMille {
                let end = x(min(rate, scale))
                svg +=
                    "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(end - labelWidth)\" height=\"\(rowHeight - 6)\" "
                svg += "fill=\"\(bar.meets ? "#2e7d32" : "#c62828")\"/>"
                svg += "<text x=\"\(end + 4)\" y=\"\(y + 15)\">\(Labels.percent(rate))</text>"
            } else {
                svg += "<text x=\"\(labelWidth + 4)\" y=\"\(y + 15)\">-</text>"
            }
        }
        let target = x(ProvinceReport.targetPercent * 10)
        svg += "<line x1=\"\(target)\" y1=\"\(top - 4)\" x2=\"\(target)\" y2=\"\(height - 4)\" stroke=\"#000\" "
        svg += "stroke-dasharray=\"4 3\"/>"
        svg += "<text x=\"\(target)\" y=\"\(top - 8)\" text-anchor=\"middle\">\(escape(targetLabel))</text></svg>"
        return svg
    }

    /// Vertical bars, one per year (a prefecture's years side by side).
    ///
    /// - Parameters:
    ///   - bars: The bars, left to right (labels: the years).
    ///   - title: The chart's accessible title.
    ///   - targetLabel: The target line's label.
    /// - Returns: The SVG element.
    static func vertical(_ bars: [Bar], title: String, targetLabel: String) -> String {
        let plotHeight = 200
        let columnWidth = 80
        let left = 40
        let top = 20
        let scale = scaleMax(bars)
        let width = left + bars.count * columnWidth + 90
        let height = top + plotHeight + 40
        func y(_ perMille: Int) -> Int { top + plotHeight - perMille * plotHeight / scale }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-size="12"><title>\(escape(title))</title>
            """
        for (index, bar) in bars.enumerated() {
            let x = left + index * columnWidth + 10
            let base = top + plotHeight
            if let rate = bar.ratePerMille {
                let high = y(min(rate, scale))
                svg += "<rect x=\"\(x)\" y=\"\(high)\" width=\"\(columnWidth - 20)\" height=\"\(base - high)\" "
                svg += "fill=\"\(bar.meets ? "#2e7d32" : "#c62828")\"/>"
                svg += "<text x=\"\(x + (columnWidth - 20) / 2)\" y=\"\(high - 4)\" text-anchor=\"middle\">"
                svg += "\(Labels.percent(rate))</text>"
            }
            svg += "<text x=\"\(x + (columnWidth - 20) / 2)\" y=\"\(base + 16)\" text-anchor=\"middle\">"
            svg += "\(escape(bar.label))</text>"
        }
        let target = y(ProvinceReport.targetPercent * 10)
        svg += "<line x1=\"\(left)\" y1=\"\(target)\" x2=\"\(left + bars.count * columnWidth)\" y2=\"\(target)\" "
        svg += "stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
        svg += "<text x=\"\(left + bars.count * columnWidth + 4)\" y=\"\(target + 4)\">\(escape(targetLabel))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + bars.count * columnWidth)\" "
        svg += "y2=\"\(top + plotHeight)\" stroke=\"#000\"/></svg>"
        return svg
    }

    /// One area's or measure's money (policy §5.2): appropriated, paid, waiting, in yuan (exact).
    struct MoneyBar {
        var label: String
        var appropriated: Yuan
        var paid: Yuan
        var waiting: Yuan
    }

    /// Horizontal stacked bars of money, one per row, on one scale (the largest of appropriated and paid + waiting):
    /// paid (dark), the rest of the appropriation (light), and what waits for money (hatched red) after it; each
    /// row ends with `paid / appropriated` as text, so the chart reads without colour.
    ///
    /// - Parameters:
    ///   - bars: The rows, top to bottom.
    ///   - title: The chart's accessible title.
    ///   - paidLabel: The legend's word for paid.
    ///   - remainingLabel: The legend's word for remaining.
    ///   - waitingLabel: The legend's word for waiting.
    /// - Returns: The SVG element.
    static func money(
        _ bars: [MoneyBar], title: String, paidLabel: String, remainingLabel: String, waitingLabel: String
    ) -> String {
        let labelWidth = 150
        let plotWidth = 400
        let rowHeight = 22
        let top = 28
        let scale = max(bars.map { max($0.appropriated.fen, $0.paid.fen + $0.waiting.fen) }.max() ?? 0, 1)
        let height = top + bars.count * rowHeight + 8
        let width = labelWidth + plotWidth + 230
        func length(_ amount: Yuan) -> Int { Int(max(amount.fen, 0) * Int64(plotWidth) / scale) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-size="12"><title>\(escape(title))</title>
            <defs><pattern id="waiting-hatch" width="6" height="6" patternUnits="userSpaceOnUse" \
            patternTransform="rotate(45)"><rect width="6" height="6" fill="#fbe9e7"/>\
            <line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="3"/></pattern></defs>
            """
        let legend = [("#1565c0", paidLabel), ("#bbdefb", remainingLabel), ("url(#waiting-hatch)", waitingLabel)]
        for (index, entry) in legend.enumerated() {
            let x = labelWidth + index * 130
            svg += "<rect x=\"\(x)\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(entry.0)\" stroke=\"#555\"/>"
            svg += "<text x=\"\(x + 16)\" y=\"16\">\(escape(entry.1))</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(bar.label))</text>"
            let paid = length(bar.paid)
            let appropriated = length(bar.appropriated)
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(appropriated)\" height=\"\(rowHeight - 6)\" "
            svg += "fill=\"#bbdefb\"/>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(paid)\" height=\"\(rowHeight - 6)\" "
            svg += "fill=\"#1565c0\"/>"
            let waiting = length(bar.waiting)
            if waiting > 0 {
                svg += "<rect x=\"\(labelWidth + paid)\" y=\"\(y + 3)\" width=\"\(waiting)\" "
                svg += "height=\"\(rowHeight - 6)\" fill=\"url(#waiting-hatch)\"/>"
            }
            let end = labelWidth + max(appropriated, paid + waiting)
            svg += "<text x=\"\(end + 4)\" y=\"\(y + 15)\">\(Dashboard.groupedYuan(bar.paid)) / "
            svg += "\(Dashboard.groupedYuan(bar.appropriated))</text>"
        }
        return svg + "</svg>"
    }

    /// The scale's end in per mille: the largest rate rounded up to 10 %, at least 50 % (so the 30 % line shows).
    private static func scaleMax(_ bars: [Bar]) -> Int {
        let highest = bars.compactMap(\.ratePerMille).max() ?? 0
        return max(500, (highest + 99) / 100 * 100)
    }

    /// Text escaped for SVG (XML).
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
