import Mustache

/// The workbench's mustache templates, compiled into the executable (no resource files to find at run time: a
/// release build runs from `.build/release/` or any other folder). Every label is `{{t.id}}`, an id of
/// ``Labels/table``; the templates hold markup only.
///
/// The layout (``layout``) wraps every page: the agency's name, the staff member, the logout form, the language
/// link. Pages render first; the layout takes the page's HTML as `{{{body}}}`.
enum Templates {
    /// Template name → text.
    static let all: [String: String] = [
        "layout": layout, "login": login, "home": home, "refused": refused, "dashboard": dashboard,
        "prefecture": prefecture, "county": county, "area_years": areaYears, "why": why, "target": target,
    ].merging(unionDesk) { own, _ in own }.merging(departmentDesk) { own, _ in own }.merging(money) { own, _ in own }
        .merging(unionExits) { own, _ in own }

    /// Every template, parsed once.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            // The templates are constants checked by the unit tests: a parse failure is a programming error.
            guard let template = try? MustacheTemplate(string: text) else {
                preconditionFailure("the workbench template \(name) does not parse")
            }
            library.register(template, named: name)
        }
        return library
    }()

    /// The layout shared by every agency's pages.
    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · {{t.app_title}}</title>
        <link rel="stylesheet" href="/static/workbench.css">
        </head>
        <body>
        <header class="top">
          <div class="brand"><strong>{{t.app_title}}</strong> · <span id="agency">{{agencyName}}</span></div>
          <nav>
            {{#loggedIn}}<a href="/">{{t.nav_home}}</a>{{#showDashboard}} <a href="/dashboard">{{t.nav_dashboard}}</a>{{/showDashboard}}{{#showUnionDesk}} <a href="/search">{{t.nav_search}}</a>{{/showUnionDesk}}{{/loggedIn}}
          </nav>
          <div class="who">
            {{#loggedIn}}<span id="staff">{{t.staff}}: {{staffName}} ({{staffID}})</span>
            <form class="inline" method="post" action="/logout">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" id="logout">{{t.logout}}</button>
            </form>{{/loggedIn}}
            <a id="lang" href="{{langLink}}">{{t.lang_switch}}</a>
            <span class="today">{{t.today}} {{today}}</span>
          </div>
        </header>
        <main>
        {{{body}}}
        </main>
        </body>
        </html>
        """

    /// The login page.
    static let login = """
        <h1>{{t.login_title}}</h1>
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        <form method="post" action="/login" class="login">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>{{t.login_staff_id}} <input name="staff" id="staff-id" autocomplete="username" value="{{staffIDValue}}" required></label>
          <label>{{t.login_password}} <input name="password" id="password" type="password" autocomplete="current-password" required></label>
          <button type="submit" id="login">{{t.login_submit}}</button>
        </form>
        <p class="hint">{{t.login_hint}}</p>
        """

    /// The home page: what this agency's workbench offers today.
    static let home = """
        <h1>{{t.home_title}}</h1>
        <p>{{t.home_roles}}: {{roles}} · {{t.home_area}}: {{area}}</p>
        {{#coordinator}}<p>{{t.home_coordinator}}</p>
        <p><a id="dashboard-link" href="/dashboard">{{t.home_dashboard_link}}</a></p>{{/coordinator}}
        {{#union}}{{> union_home}}{{/union}}
        {{^coordinator}}{{^union}}<p>{{t.home_other}}</p>{{/union}}{{/coordinator}}
        """

    /// A refusal (403) or a page that does not exist (404).
    static let refused = """
        <h1 id="refused">{{heading}}</h1>
        <p class="message">{{reason}}</p>
        <p><a href="/">{{t.refused_back}}</a></p>
        """

    /// The province page of the coordinator's dashboard.
    static let dashboard = """
        <h1>{{t.dash_title}} · {{t.dash_province}} · <span id="year">{{year}}</span></h1>
        <p class="rule">{{t.dash_rule}} {{t.dash_as_of}}: {{today}}</p>
        <nav class="years">{{t.dash_year}}: {{#yearLinks}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{year}}</a> {{/yearLinks}}</nav>
        <p class="province">{{t.dash_province}}: <strong id="province-rate">{{province.rate}}</strong>
          ({{province.exits}} / {{province.base}}) {{#province}}{{> target}}{{/province}}</p>
        <h2>{{t.dash_chart_title}}</h2>
        <figure class="chart">{{{chart}}}</figure>
        <h2>{{t.col_prefecture}} <small class="export"><a id="csv" href="{{csvLink}}">{{t.dash_export_csv}}</a> · <a href="{{jsonLink}}">{{t.dash_json}}</a></small></h2>
        <table id="prefectures">
          <thead><tr><th>{{t.col_code}}</th><th>{{t.col_prefecture}}</th><th>{{t.col_open_at_start}}</th><th>{{t.col_new_files}}</th><th>{{t.col_exits}}</th><th>{{t.col_rate}}</th><th>{{t.col_target}}</th><th>{{t.col_shortfall}}</th><th>{{t.col_pending}}</th><th>{{t.col_forecast}}</th></tr></thead>
          <tbody>
          {{#rows}}<tr data-code="{{code}}"><td>{{code}}</td><td><a href="{{href}}">{{name}}</a></td><td class="n">{{openAtStart}}</td><td class="n">{{newFiles}}</td><td class="n">{{exits}}</td><td class="n rate">{{rate}}</td><td>{{> target}}</td><td class="n">{{shortfall}}</td><td class="n">{{pending}}</td><td class="n forecast">{{forecast}}</td></tr>
          {{/rows}}
          <tr class="total" data-code="{{province.code}}"><td>{{province.code}}</td><td>{{t.dash_province}}</td><td class="n">{{province.openAtStart}}</td><td class="n">{{province.newFiles}}</td><td class="n">{{province.exits}}</td><td class="n rate">{{province.rate}}</td><td>{{#province}}{{> target}}{{/province}}</td><td class="n">{{province.shortfall}}</td><td class="n">{{province.pending}}</td><td class="n forecast">{{province.forecast}}</td></tr>
          </tbody>
        </table>
        <h2>{{t.dash_years_title}} <small class="export"><a id="years-csv" href="{{yearsCsvLink}}">{{t.dash_export_csv}}</a></small></h2>
        <table id="years">
          <thead><tr><th>{{t.col_prefecture}}</th>{{#years}}<th>{{.}}</th>{{/years}}</tr></thead>
          <tbody>{{#yearRows}}<tr><td>{{name}}</td>{{#cells}}<td class="n{{#below}} below{{/below}}">{{rate}} ({{exits}})</td>{{/cells}}</tr>
          {{/yearRows}}</tbody>
        </table>
        <h2>{{t.dash_why_title}}</h2>
        {{> why}}
        <p class="note">{{t.dash_counties_note}}</p>
        <p><a id="money-link" href="{{moneyLink}}">{{t.money_link}}</a></p>
        """

    /// The page of one prefecture: its years, why behind, and its counties in the year.
    static let prefecture = """
        <h1>{{t.dash_title}} · <span id="prefecture-name">{{name}}</span> ({{code}}) · <span id="year">{{year}}</span></h1>
        <p class="rule">{{t.dash_rule}} {{t.dash_as_of}}: {{today}}</p>
        <p><a href="{{provinceLink}}">{{t.dash_province}}</a></p>
        <nav class="years">{{t.dash_year}}: {{#yearLinks}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{year}}</a> {{/yearLinks}}</nav>
        <p class="province">{{name}}: <strong id="prefecture-rate">{{row.rate}}</strong> ({{row.exits}} / {{row.base}}) {{#row}}{{> target}}{{/row}}</p>
        {{> area_years}}
        <p><a id="money-link" href="{{moneyLink}}">{{t.money_link}}</a></p>
        <h2>{{t.dash_counties_title}} · {{year}} <small class="export"><a id="counties-csv" href="{{countiesCsvLink}}">{{t.dash_export_csv}}</a></small></h2>
        {{^hasCounties}}<p id="counties-none">{{t.dash_counties_none}}</p>{{/hasCounties}}
        {{#hasCounties}}<table id="counties">
          <thead><tr><th>{{t.col_code}}</th><th>{{t.col_county}}</th><th>{{t.col_open_at_start}}</th><th>{{t.col_new_files}}</th><th>{{t.col_exits}}</th><th>{{t.col_rate}}</th><th>{{t.col_target}}</th><th>{{t.col_shortfall}}</th><th>{{t.col_pending}}</th><th>{{t.col_forecast}}</th></tr></thead>
          <tbody>
          {{#counties}}<tr data-code="{{code}}"><td>{{code}}</td><td><a href="{{href}}">{{name}}</a></td><td class="n">{{openAtStart}}</td><td class="n">{{newFiles}}</td><td class="n">{{exits}}</td><td class="n rate{{^meets}}{{#hasFiles}} below{{/hasFiles}}{{/meets}}">{{rate}}</td><td>{{> target}}</td><td class="n">{{shortfall}}</td><td class="n">{{pending}}</td><td class="n forecast">{{forecast}}</td></tr>
          {{/counties}}
          <tr class="total" data-code="{{row.code}}"><td>{{row.code}}</td><td>{{name}}</td><td class="n">{{row.openAtStart}}</td><td class="n">{{row.newFiles}}</td><td class="n">{{row.exits}}</td><td class="n rate">{{row.rate}}</td><td>{{#row}}{{> target}}{{/row}}</td><td class="n">{{row.shortfall}}</td><td class="n">{{row.pending}}</td><td class="n forecast">{{row.forecast}}</td></tr>
          </tbody>
        </table>{{/hasCounties}}
        """

    /// The page of one county: the prefecture page's figures for the county's files.
    static let county = """
        <h1>{{t.dash_title}} · <span id="county-name">{{name}}</span> ({{code}}) · <span id="year">{{year}}</span></h1>
        <p class="rule">{{t.dash_rule}} {{t.dash_as_of}}: {{today}}</p>
        <p><a href="{{provinceLink}}">{{t.dash_province}}</a> › <a id="prefecture-link" href="{{prefectureLink}}">{{prefectureName}}</a></p>
        <nav class="years">{{t.dash_year}}: {{#yearLinks}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{year}}</a> {{/yearLinks}}</nav>
        <p class="province">{{name}}: <strong id="county-rate">{{row.rate}}</strong> ({{row.exits}} / {{row.base}}) {{#row}}{{> target}}{{/row}}</p>
        {{> area_years}}
        """

    /// An area's years (a partial of the prefecture's and the county's page): the chart, the table with its CSV and
    /// JSON links, and why behind.
    static let areaYears = """
        <h2>{{t.dash_years_chart_title}}</h2>
        <figure class="chart">{{{chart}}}</figure>
        <h2>{{t.dash_years_title}} <small class="export"><a id="csv" href="{{csvLink}}">{{t.dash_export_csv}}</a> · <a href="{{jsonLink}}">{{t.dash_json}}</a></small></h2>
        <table id="years">
          <thead><tr><th>{{t.col_year}}</th><th>{{t.col_open_at_start}}</th><th>{{t.col_new_files}}</th><th>{{t.col_exits}}</th><th>{{t.col_rate}}</th><th>{{t.col_target}}</th><th>{{t.col_shortfall}}</th><th>{{t.col_pending}}</th><th>{{t.col_forecast}}</th></tr></thead>
          <tbody>{{#yearTable}}<tr><td>{{year}}</td><td class="n">{{openAtStart}}</td><td class="n">{{newFiles}}</td><td class="n">{{exits}}</td><td class="n rate">{{rate}}</td><td>{{> target}}</td><td class="n">{{shortfall}}</td><td class="n">{{pending}}</td><td class="n forecast">{{forecast}}</td></tr>
          {{/yearTable}}</tbody>
        </table>
        <h2>{{t.dash_why_title}}</h2>
        {{> why}}
        """

    /// Whether an area met the target in a year (a partial, in the context of a row): met, not met, or `-` without
    /// files (neither).
    static let target = """
        {{#hasFiles}}{{#meets}}{{t.meets_yes}}{{/meets}}{{^meets}}{{t.meets_no}}{{/meets}}{{/hasFiles}}{{^hasFiles}}-{{/hasFiles}}
        """

    /// Why behind: one block per area below the target in the year (a partial of both dashboard pages).
    static let why = """
        {{^shortfalls}}<p id="why-none">{{t.dash_why_none}}</p>{{/shortfalls}}
        {{#shortfalls}}<section class="why" data-code="{{code}}">
          <h3>{{name}} {{year}} · {{rate}}</h3>
          <p>{{t.why_still_open}}: {{stillOpen}}</p>
          {{#hasBlocked}}<table><caption>{{t.why_blocked}}</caption><thead><tr><th>{{t.col_department}}</th><th>{{t.col_reason}}</th><th>{{t.col_households}}</th></tr></thead><tbody>
          {{#blocked}}<tr><td>{{department}}</td><td>{{reason}}</td><td class="n">{{households}}</td></tr>{{/blocked}}</tbody></table>{{/hasBlocked}}
          {{#hasWaiting}}<table><caption>{{t.why_waiting}}</caption><thead><tr><th>{{t.col_measure}}</th><th>{{t.col_measures}}</th></tr></thead><tbody>
          {{#waiting}}<tr><td>{{measure}}</td><td class="n">{{measures}}</td></tr>{{/waiting}}</tbody></table>{{/hasWaiting}}
          {{#hasAwaiting}}<table><caption>{{t.why_awaiting}}</caption><thead><tr><th>{{t.col_department}}</th><th>{{t.col_households}}</th></tr></thead><tbody>
          {{#awaiting}}<tr><td>{{department}}</td><td class="n">{{households}}</td></tr>{{/awaiting}}</tbody></table>{{/hasAwaiting}}
          <p>{{t.why_due_later}}: {{dueLater}}</p>
        </section>{{/shortfalls}}
        """

    /// The style sheet, with print rules (no navigation, no links' colour, tables unbroken).
    static let css = """
        body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #222; }
        header.top { display: flex; flex-wrap: wrap; gap: 1em; align-items: center; justify-content: space-between;
          background: #8b1a1a; color: #fff; padding: .5em 1em; }
        header.top a, header.top button { color: #fff; }
        header.top button { background: none; border: 1px solid #fff; cursor: pointer; }
        form.inline { display: inline; }
        main { padding: 1em; max-width: 80em; }
        table { border-collapse: collapse; margin: .5em 0 1em; }
        th, td { border: 1px solid #bbb; padding: .2em .5em; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        td.below, .below { color: #b00; }
        tr.total { font-weight: bold; }
        .message { color: #b00; }
        .years a.current { font-weight: bold; text-decoration: none; }
        form.login label { display: block; margin: .5em 0; }
        figure.chart { margin: 0; }
        form.household fieldset { display: grid; grid-template-columns: repeat(auto-fill, minmax(16em, 1fr));
          gap: .4em 1em; margin: .5em 0; }
        form.household label.field { display: flex; flex-direction: column; }
        label.invalid input, label.invalid select { border: 2px solid #b00; }
        span.error { color: #b00; font-size: .9em; }
        .notice { color: #060; }
        @media print {
          header.top nav, header.top form, #lang, .export, nav.years { display: none; }
          header.top { background: none; color: #000; border-bottom: 1px solid #000; }
          a { color: inherit; text-decoration: none; }
          table, section.why, figure.chart { page-break-inside: avoid; }
        }
        """
}
