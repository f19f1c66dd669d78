import Testing
import ZeroMQ

@Suite("Z85 and CURVE keys")
struct Z85Tests {
    @Test("The test vector of ZeroMQ RFC 32 encodes to HelloWorld and back")
    func rfc32TestVector() throws {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(try Z85.encode(bytes) == "HelloWorld")
        #expect(try Z85.decode("HelloWorld") == bytes)
    }

    @Test(
        "Random data of every multiple of 4 bytes up to 64 survives a round trip",
        arguments: Array(stride(from: 0, through: 64, by: 4))
    )
    func roundTrip(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let text = try Z85.encode(bytes)
            #expect(text.count == length / 4 * 5)
            #expect(try Z85.decode(text) == bytes)
        }
    }

    @Test("Invalid lengths and characters are refused")
    func invalidInput() {
        #expect(throws: ZMQError.invalidArgument) { _ = try Z85.encode([1, 2, 3]) }
        #expect(throws: ZMQError.invalidArgument) { _ = try Z85.decode("HelloWorl") }
        #expect(throws: ZMQError.invalidArgument) { _ = try Z85.decode("Hell\u{0}") }
        #expect(throws: ZMQError.invalidArgument) { _ = try Z85.decode("Hel\"o") }
        #expect(throws: ZMQError.invalidArgument) { _ = try Z85.decode("Héllo") }
        do {
            _ = try Z85.encode([1, 2, 3])
        } catch {
            #expect("\(error)".contains("multiple of 4"))
        }
    }

    @Test("A generated key pair has 40-character Z85 keys, and the public key derives from the secret one")
    func curveKeyPair() throws {
        let keys = try CurveKeyPair.generate()
        #expect(keys.publicKey.count == 40)
        #expect(keys.secretKey.count == 40)
        #expect(try Z85.decode(keys.publicKey).count == 32)
        #expect(try Curve.publicKey(forSecretKey: keys.secretKey) == keys.publicKey)
        #expect(try CurveKeyPair(secretKey: keys.secretKey) == keys)
        #expect(try CurveKeyPair.generate() != keys)
        #expect(throws: ZMQError.invalidArgument) { _ = try Curve.publicKey(forSecretKey: "too short") }
    }

    @Test("A key pair never prints its secret key")
    func secretKeyIsMasked() throws {
        let keys = try CurveKeyPair.generate()
        var dumped = ""
        dump(keys, to: &dumped)
        for text in [keys.description, String(reflecting: keys), "\(keys)", "\([keys])", dumped] {
            #expect(!text.contains(keys.secretKey))
            #expect(text.contains(keys.publicKey))
        }
    }
}
