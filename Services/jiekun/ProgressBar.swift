import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A progress bar on standard error: redrawn in place when standard error is a terminal, otherwise one plain line
/// every few seconds (logs, CI) and one at the end.
struct ProgressBar {
    /// What is being done, e.g. "importing".
    let label: String
    /// The unit counted, e.g. "households".
    let unit: String
    private let interactive: Bool
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDrawn: ContinuousClock.Instant?

    /// Creates a bar; nothing is drawn until ``update(_:of:)``.
    ///
    /// - Parameters:
    ///   - label: What is being done.
    ///   - unit: The unit counted.
    ///   - interactive: Whether to redraw in place; by default when standard error is a terminal.
    init(label: String, unit: String, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.unit = unit
        self.interactive = interactive
        self.started = ContinuousClock.now
    }

    /// The counts of the last line drawn.
    private var lastLine: (done: Int, total: Int)?

    /// Shows `done` of `total` (a total that may still grow).
    mutating func update(_ done: Int, of total: Int) {
        let now = clock.now
        let interval: Duration = interactive ? .milliseconds(100) : .seconds(2)
        if let lastDrawn, now - lastDrawn < interval { return }
        lastDrawn = now
        lastLine = (done, total)
        draw(done, of: total, final: false)
    }

    /// Shows the final count and ends the line (without a terminal, only if that line was not the last printed).
    mutating func finish(_ done: Int, of total: Int) {
        if !interactive, let lastLine, lastLine == (done, total) { return }
        draw(done, of: total, final: true)
    }

    private func draw(_ done: Int, of total: Int, final: Bool) {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : (final ? 1 : 0)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let time = String(format: "%.1f s", seconds)
        let percent = String(format: "%3d%%", Int(fraction * 100))
        if interactive {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\r\u{1B}[2K  \(label.padded(12)) \(bar) \(percent)  \(done)/\(total) \(unit)  \(time)"
            Terminal.writeError(line + (final ? "\n" : ""))
        } else {
            let shown = percent.trimmingCharacters(in: .whitespaces)
            Terminal.writeError("  \(label): \(done)/\(total) \(unit) (\(shown)), \(time)\n")
        }
    }
}
