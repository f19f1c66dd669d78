import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import Synchronization
import Testing
import Workbench

/// Login, cookies, CSRF, lock-out and idle timeout of the workbench, driven through its router (HummingbirdTesting)
/// over a real store, the coordinator's real request handler and a clock the tests move.
@Suite("Workbench: login, cookies, CSRF, lock-out, idle timeout")
struct WorkbenchSessionTests {
    @Test("the login form sets an HttpOnly, SameSite=Strict CSRF cookie equal to its hidden field")
    func loginFormCookie() async throws {
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            let page = try await browser.send("/login")
            #expect(page.status == .ok)
            let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("jiekun_login=") })
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(!setCookie.contains("Secure"))
            let token = try #require(Browser.hiddenCSRF(in: String(buffer: page.body)))
            #expect(token.count == 32)
            #expect(browser.cookies.withLock { $0["jiekun_login"] } == token)
        }
    }

    @Test("a login opens a session: a 256-bit id in an HttpOnly, SameSite=Strict cookie, only its hash stored")
    func loginOpensSession() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk], name: "张三")
        try await fixture.withClient { browser in
            let response = try await browser.logIn(clerk)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let setCookie = try #require(
                response.headers[values: .setCookie].first { $0.hasPrefix("jiekun_session=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let token = try #require(browser.cookies.withLock { $0["jiekun_session"] })
            #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
            let stored = try await fixture.store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT token_hash FROM agency_web_sessions")
            }
            #expect(stored == [WebSessions.hash(token)])
            #expect(stored != [token])
            let home = try await browser.send("/")
            #expect(home.status == .ok)
            let html = String(buffer: home.body)
            #expect(html.contains(clerk))
            #expect(html.contains("张三"))
        }
    }

    @Test("behind a TLS proxy (X-Forwarded-Proto: https) the cookies are Secure")
    func secureBehindProxy() async throws {
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            let page = try await browser.send("/login", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("jiekun_login=") })
            #expect(setCookie.contains("; Secure"))
        }
    }

    @Test("a POST without the right CSRF token is refused with 403: login and logout")
    func csrfRefused() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            _ = try await browser.loginToken()
            let forged = try await browser.send(
                "/login", method: .post, form: ["csrf": "0123", "staff": clerk, "password": WorkbenchFixture.password])
            #expect(forged.status == .forbidden)
            let missing = try await browser.send(
                "/login", method: .post, form: ["staff": clerk, "password": WorkbenchFixture.password])
            #expect(missing.status == .forbidden)
            #expect(try await browser.logIn(clerk).status == .seeOther)
            let logoutWithout = try await browser.send("/logout", method: .post, form: [:])
            #expect(logoutWithout.status == .forbidden)
            #expect(try await browser.send("/").status == .ok)
            let home = try await browser.send("/")
            let csrf = try #require(Browser.hiddenCSRF(in: String(buffer: home.body)))
            let logout = try await browser.send("/logout", method: .post, form: ["csrf": csrf])
            #expect(logout.status == .seeOther)
            #expect(logout.headers[.location] == "/login?m=logged-out")
            #expect(try await browser.send("/").status == .seeOther)
            let sessions = try await fixture.store.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agency_web_sessions")
            }
            #expect(sessions == 0)
        }
        #expect(fixture.counters.value(Counters.Label.requestsUnauthorised, dimensions: [("server", "web")]) == 3)
    }

    @Test("five failed logins lock the staff id for 15 minutes, even with the right password; all recorded")
    func lockOut() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            for attempt in 1...5 {
                let response = try await browser.logIn(clerk, password: "wrong password \(attempt)")
                #expect(response.status == .unauthorized)
                let html = String(buffer: response.body)
                let expected = Labels.text(attempt < 5 ? "login_failed" : "login_locked", .chinese)
                #expect(html.contains(expected), "attempt \(attempt)")
            }
            fixture.advance(14 * 60)
            let locked = try await browser.logIn(clerk)
            #expect(locked.status == .unauthorized)
            #expect(String(buffer: locked.body).contains(Labels.text("login_locked", .chinese)))
            fixture.advance(61)
            #expect(try await browser.logIn(clerk).status == .seeOther)
        }
        let outcomes = try await fixture.store.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT outcome FROM agency_web_logins WHERE staff_id = ? ORDER BY seq", arguments: [clerk])
        }
        #expect(outcomes == ["failed", "failed", "failed", "failed", "failed", "locked", "done"])
    }

    @Test("a staff id typed is recorded and logged only when it has the shape of one (not a name or a password)")
    func recordable() async throws {
        #expect(WebSessions.recordable("coordinator-0002") == "coordinator-0002")
        #expect(WebSessions.recordable("medical-insurance-0013") == "medical-insurance-0013")
        #expect(WebSessions.recordable("张三") == "(not a staff id)")
        #expect(WebSessions.recordable("hunter2-secret") == "(not a staff id)")
        #expect(WebSessions.recordable("Coordinator-0002") == "(not a staff id)")
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            _ = try await browser.logIn("my password 1234")
        }
        let recorded = try await fixture.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT staff_id FROM agency_web_logins")
        }
        #expect(recorded == ["(not a staff id)"])
    }

    @Test("a success resets the count: four failures, a login, four failures do not lock")
    func successResetsCount() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            for _ in 1...4 {
                let response = try await browser.logIn(clerk, password: "wrong password!")
                #expect(response.status == .unauthorized)
            }
            #expect(try await browser.logIn(clerk).status == .seeOther)
            browser.cookies.withLock { $0["jiekun_session"] = nil }  // a new browser: the login form again
            for _ in 1...4 {
                let response = try await browser.logIn(clerk, password: "wrong password!")
                #expect(response.status == .unauthorized)
            }
            #expect(try await browser.logIn(clerk).status == .seeOther)
        }
    }

    @Test("an unknown staff id fails like a wrong password")
    func unknownStaff() async throws {
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            let response = try await browser.logIn("coordinator-9999")
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains(Labels.text("login_failed", .chinese)))
        }
    }

    @Test("a session idle for more than 30 minutes ends; use within 30 minutes keeps it")
    func idleTimeout() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            #expect(try await browser.logIn(clerk).status == .seeOther)
            fixture.advance(29 * 60)
            #expect(try await browser.send("/").status == .ok)
            fixture.advance(29 * 60)
            #expect(try await browser.send("/").status == .ok)
            fixture.advance(30 * 60 + 1)
            let expired = try await browser.send("/")
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/login?m=expired")
            #expect(try await browser.send("/").headers[.location] == "/login")
        }
    }

    @Test("a disabled member's session stops working at the next request")
    func disabledMember() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            #expect(try await browser.logIn(clerk).status == .seeOther)
            #expect(try await browser.send("/").status == .ok)
            _ = try await fixture.store.writer.write { db in try StaffRegister.disable(clerk, by: "test", in: db) }
            let ended = try await browser.send("/")
            #expect(ended.status == .seeOther)
            #expect(ended.headers[.location] == "/login?m=ended")
            #expect(try await browser.logIn(clerk).status == .unauthorized)
        }
    }

    @Test("?lang=en switches to English and a cookie keeps it")
    func languageSwitch() async throws {
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            let chinese = String(buffer: try await browser.send("/login").body)
            #expect(chinese.contains("<html lang=\"zh-CN\">"))
            #expect(chinese.contains(Labels.text("login_title", .chinese)))
            let english = try await browser.send("/login?lang=en")
            #expect(english.headers[values: .setCookie].contains { $0.hasPrefix("jiekun_lang=en") })
            #expect(String(buffer: english.body).contains("<html lang=\"en\">"))
            let kept = String(buffer: try await browser.send("/login").body)
            #expect(kept.contains(Labels.text("login_staff_id", .english)))
            #expect(kept.contains("href=\"/login?lang=zh\""))
        }
    }
}
