import Foundation

/// Waits until `condition` holds, checking it every millisecond, at most `timeout`: for a condition that no event
/// announces (a counter another thread increments, a process that ends).
///
/// - Parameters:
///   - timeout: The longest wait; generous, for a loaded machine (the wait ends as soon as the condition holds).
///   - condition: The condition.
/// - Returns: Whether the condition held in time.
public func waitUntil(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(1_000)
    }
    return try condition()
}
