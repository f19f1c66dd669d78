import Logging
import Metrics

/// How a subscriber's log tells an upstream's outages: once when they begin, with back-off while they last, once when
/// they end (``UpstreamOutage``).
extension FeedSubscriber {
    /// Tells the log about an upstream's silence: one warning when it begins (naming the feed, its publisher and
    /// the endpoint awaited), reminders with exponential back-off (``UpstreamOutage``), and one line once it is
    /// heard again and has replayed what it missed, with how many events that was.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - now: The current time.
    func reportOutages(_ state: UpstreamState, now: ContinuousClock.Instant) {
        let upstream = state.upstream
        if state.silence == nil && now - state.lastHeard >= configuration.heartbeatTimeout {
            if let recovering = state.recovering {
                // Silent again before it caught up: the same outage, already reported.
                state.silence = recovering
                state.recovering = nil
            } else {
                state.silence = UpstreamOutage(
                    since: state.lastHeard, now: now, replayedBefore: statistics(of: upstream.name).replayed)
                logger.warning(
                    "upstream feed silent: waiting for \(upstream.awaited(at: upstream.endpoint))",
                    metadata: metadata(upstream, endpoint: upstream.endpoint, timeout: configuration.heartbeatTimeout))
            }
            // Shown last, once it is logged: whoever sees the silence in the statistics finds it in the log.
            state.silenceGauge.record(1)
            updateStatistics(state) { statistics in
                statistics.isSilent = true
                statistics.silences += 1
            }
        }
        if let silence = state.silence, state.silence?.reminderDue(at: now) == true {
            let awaited = upstream.awaited(at: upstream.endpoint)
            logger.warning(
                "upstream feed still silent after \(silence.seconds(at: now)) s: waiting for \(awaited)",
                metadata: metadata(upstream, endpoint: upstream.endpoint, timeout: configuration.heartbeatTimeout))
        }
        if let recovering = state.recovering, !state.replay.isReplaying {
            state.recovering = nil
            let replayed = statistics(of: upstream.name).replayed - recovering.replayedBefore
            let awaited = upstream.awaited(at: upstream.endpoint)
            logger.info(
                "upstream feed heard again after \(recovering.seconds(at: now)) s: \(awaited); replayed \(replayed) events",
                metadata: metadata(upstream, endpoint: upstream.endpoint))
        }
    }

    /// Tells the log about a replay request without an answer while the live feed is heard (the replay endpoint
    /// alone is down): one warning, then reminders with back-off. While the upstream is silent, or before it was
    /// ever heard, the silence says it all and a time-out is only a debug line.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - now: The current time.
    func replayTimedOut(_ state: UpstreamState, now: ContinuousClock.Instant) {
        let upstream = state.upstream
        let metadata = metadata(upstream, endpoint: upstream.replayEndpoint, timeout: configuration.replayTimeout)
        if state.silent || !state.heardOnce {
            logger.debug("replay request timed out; asking again on a new connection", metadata: metadata)
        } else if state.replayOutage == nil {
            state.replayOutage = UpstreamOutage(since: state.replayLastAnswered, now: now, replayedBefore: 0)
            logger.warning(
                "replay unanswered: waiting for \(upstream.awaited(at: upstream.replayEndpoint))", metadata: metadata)
        } else if let outage = state.replayOutage, state.replayOutage?.reminderDue(at: now) == true {
            let awaited = upstream.awaited(at: upstream.replayEndpoint)
            logger.warning(
                "replay still unanswered after \(outage.seconds(at: now)) s: waiting for \(awaited)",
                metadata: metadata)
        }
    }

    /// The metadata naming what a subscriber waits for.
    ///
    /// - Parameters:
    ///   - upstream: The upstream.
    ///   - endpoint: The endpoint awaited.
    ///   - timeout: The time-out that noticed it, if any.
    /// - Returns: `feed.name`, `feed.publisher`, `feed.endpoint` (and `feed.timeout`).
    func metadata(_ upstream: Upstream, endpoint: String, timeout: Duration? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["feed.name": "\(upstream.name)", "feed.endpoint": "\(endpoint)"]
        if let publisher = upstream.publisher { metadata["feed.publisher"] = "\(publisher)" }
        if let timeout { metadata["feed.timeout"] = "\(timeout)" }
        return metadata
    }
}
