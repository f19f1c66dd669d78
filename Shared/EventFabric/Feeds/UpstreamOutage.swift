/// An outage of one upstream of a ``FeedSubscriber`` as its log tells it: one warning when it begins, then a
/// reminder only with exponential back-off (after ``firstReminder``, twice as long each time, at most
/// ``longestReminder``), and one line when it ends — not the same warning every heartbeat timeout.
struct UpstreamOutage {
    /// The wait before the first reminder: 1 minute.
    static let firstReminder: Duration = .seconds(60)
    /// The longest wait between reminders: 1 hour.
    static let longestReminder: Duration = .seconds(3_600)

    /// When the upstream was last heard (the outage began).
    let since: ContinuousClock.Instant
    /// The upstream's events replayed before the outage (``FeedSubscriber/Statistics/replayed``), to tell how many
    /// its end replayed.
    let replayedBefore: Int
    /// When the next reminder is due.
    private(set) var nextReminder: ContinuousClock.Instant
    /// The wait after the next reminder.
    private var interval: Duration

    /// An outage noticed now.
    ///
    /// - Parameters:
    ///   - since: When the upstream was last heard.
    ///   - now: When the outage is noticed (and its warning logged).
    ///   - replayedBefore: The events replayed so far.
    init(since: ContinuousClock.Instant, now: ContinuousClock.Instant, replayedBefore: Int) {
        self.since = since
        self.replayedBefore = replayedBefore
        nextReminder = now + Self.firstReminder
        interval = Self.firstReminder * 2
    }

    /// Whether a reminder is due at `now`; if so, the next one is due twice as long after it (at most
    /// ``longestReminder``).
    ///
    /// - Parameter now: The current time.
    /// - Returns: Whether to log a reminder now.
    mutating func reminderDue(at now: ContinuousClock.Instant) -> Bool {
        guard now >= nextReminder else { return false }
        nextReminder = now + interval
        interval = min(interval * 2, Self.longestReminder)
        return true
    }

    /// How long the outage has lasted, in whole seconds.
    ///
    /// - Parameter now: The current time.
    /// - Returns: The seconds since the upstream was last heard.
    func seconds(at now: ContinuousClock.Instant) -> Int64 {
        (now - since).components.seconds
    }
}
