import CZeroMQ

/// Facts about the libzmq library the binding is linked against.
///
/// The module is named `ZeroMQ`; this namespace is named after libzmq's C prefix so that no type shadows the
/// module's name.
public enum ZMQ {
    /// The version of the libzmq library loaded at run time (`zmq_version`), such as `(4, 3, 4)`.
    public static var version: (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }

    /// Tells whether libzmq was built with a capability (`zmq_has`).
    ///
    /// Capabilities are named by libzmq: `"ipc"`, `"pgm"`, `"tipc"`, `"norm"`, `"curve"`, `"gssapi"`, `"draft"`.
    ///
    /// - Parameter capability: The capability's name, such as `"curve"`.
    /// - Returns: Whether the library supports it.
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) != 0
    }
}
