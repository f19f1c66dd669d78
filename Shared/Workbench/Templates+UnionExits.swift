extension Templates {
    /// The union's exit and visit templates (``Workbench`` `addUnionExitRoutes`, policy C.4, C.5): the exits under
    /// way, one file's procedure with its forms, the visits, and the two printable pages in ``printLayout``.
    static let unionExits: [String: String] = [
        "union_exits": unionExitList, "union_exit_file": unionExitFile, "union_visits": unionVisits,
        "union_publicity": unionPublicity, "union_notice": unionNotice, "print_layout": printLayout,
        "union_exit_summary": unionExitSummary, "union_visit_rows": unionVisitRows,
    ]

    /// The exits under way, one table per stage, with the day and the county filter (a GET form: no script).
    static let unionExitList = """
        <h1>{{t.exit_list_title}}</h1>
        <form method="get" action="/exits" class="filter" id="exit-filter">
          <label>{{t.exit_on}} <input type="date" name="on" id="on" value="{{on}}"></label>
          <label>{{t.exit_county}} <select name="county" id="county"><option value="">{{t.exit_all_counties}}</option>{{#counties}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/counties}}</select></label>
          <button type="submit" id="show">{{t.exit_show}}</button>
        </form>
        <p class="note">{{t.exit_list_note}}</p>
        <p><a id="publicity-link" href="{{publicityLink}}">{{t.exit_publicity_title}}</a> · <a href="/visits">{{t.visit_list_title}}</a></p>
        {{#stages}}<section class="stage" id="stage-{{stage}}">
        <h2>{{heading}} ({{count}})</h2>
        {{#hasRows}}<table class="exits">
          <thead><tr><th>{{t.union_col_file_number}}</th><th>{{t.union_col_division_code}}</th><th>{{t.exit_origin}}</th><th>{{t.exit_proposed_on}}</th><th>{{t.exit_reviewed_by}}</th><th>{{t.exit_publicity_from}}</th><th>{{t.exit_publicity_until}}</th><th>{{t.exit_open_objections}}</th><th></th></tr></thead>
          <tbody>{{#rows}}<tr data-file="{{fileNumber}}"><td><a href="{{href}}">{{fileNumber}}</a></td><td>{{county}}</td><td>{{origin}}</td><td>{{proposedOn}}</td><td>{{reviewedBy}}</td><td>{{from}}</td><td>{{until}}</td><td class="n">{{objections}}</td><td><a href="{{exitHref}}">{{t.exit_open}}</a></td></tr>
          {{/rows}}</tbody>
        </table>{{/hasRows}}
        </section>{{/stages}}
        <p class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></p>
        """

    /// The household page's exit section: where the procedure stands and the link to it, the visits.
    static let unionExitSummary = """
        <p class="note" id="exit-note">{{t.union_exit_note}}</p>
        <p id="exit-state">{{#exitState}}{{exitState}}{{#exitUntil}} · {{t.exit_publicity_until}} {{exitUntil}}{{/exitUntil}}{{/exitState}}{{^exitState}}{{t.exit_none}}{{/exitState}}
        · <a id="exit-link" href="{{exitLink}}">{{t.exit_file_title}}</a>{{#isApproved}} · <a id="notice-link" href="{{noticeLink}}">{{t.exit_notice}}</a>{{/isApproved}}</p>
        {{#hasExitActs}}<table id="exit-acts">
          <thead><tr><th>{{t.union_th_date}}</th><th>{{t.exit_act}}</th><th>{{t.union_th_actor}}</th><th>{{t.union_th_recorded}}</th><th>{{t.union_th_details}}</th></tr></thead>
          <tbody>{{#exitActs}}<tr><td>{{date}}</td><td>{{act}}</td><td>{{actor}}</td><td>{{recordedAt}}</td><td>{{detail}}</td></tr>{{/exitActs}}</tbody>
        </table>{{/hasExitActs}}
        <h2>{{t.visit_title}}</h2>
        {{#hasVisits}}{{> union_visit_rows}}{{/hasVisits}}{{^hasVisits}}<p class="note" id="no-visits">{{t.visit_none}}</p>{{/hasVisits}}
        """

    /// One file's exit procedure: its state, objections, acts and visits, and the forms of the acts.
    static let unionExitFile = """
        <h1>{{t.exit_file_title}} · <span id="file-number">{{fileNumber}}</span></h1>
        {{#message}}<p class="{{#isRefusal}}message{{/isRefusal}}{{^isRefusal}}notice{{/isRefusal}}" id="message">{{message}}</p>{{/message}}
        <p>{{t.union_th_status}}: {{fileStatus}} · <a href="{{householdLink}}">{{t.union_household_title}}</a></p>
        {{#procedure}}<table id="procedure"><tbody>
          <tr><th>{{t.exit_state}}</th><td id="exit-state" data-state="{{state}}">{{stateText}}</td></tr>
          <tr><th>{{t.exit_origin}}</th><td>{{origin}}</td></tr>
          <tr><th>{{t.exit_proposed_on}}</th><td>{{proposedOn}} · {{proposedBy}}</td></tr>
          <tr><th>{{t.exit_reviewed_on}}</th><td>{{reviewedOn}}{{#reviewedBy}} · {{reviewedBy}}{{/reviewedBy}}</td></tr>
          <tr><th>{{t.exit_publicity}}</th><td id="publicity">{{#from}}{{from}} – {{until}}{{/from}}</td></tr>
          <tr><th>{{t.exit_approved_on}}</th><td>{{approvedOn}}{{#approvedBy}} · {{approvedBy}}{{/approvedBy}}</td></tr>
          <tr><th>{{t.union_th_reason}}</th><td>{{reason}}</td></tr>
        </tbody></table>{{/procedure}}
        {{^hasProcedure}}<p class="note" id="no-procedure">{{t.exit_none}}</p>{{/hasProcedure}}
        {{#isApproved}}<p><a id="notice-link" href="{{noticeLink}}">{{t.exit_notice}}</a></p>{{/isApproved}}
        {{#canRequest}}<form method="post" action="/households/{{fileNumber}}/exit/request" class="act" id="form-request">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset><legend>{{t.exit_request}}</legend>
          <label>{{t.exit_business_date}} <input type="date" name="on" value="{{today}}" required></label>
          <button type="submit" id="request">{{t.exit_request}}</button></fieldset>
        </form>{{/canRequest}}
        {{#canReview}}<form method="post" action="/households/{{fileNumber}}/exit/review" class="act" id="form-review">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset><legend>{{t.exit_review}}</legend>
          <label>{{t.exit_decision}} <select name="decision" id="review-decision"><option value="accept">{{t.exit_accept}}</option><option value="return">{{t.exit_return}}</option></select></label>
          <label>{{t.exit_reason_return}} <input name="reason" id="review-reason"></label>
          <label>{{t.exit_business_date}} <input type="date" name="on" id="review-on" value="{{today}}" required></label>
          <button type="submit" id="review">{{t.exit_review}}</button></fieldset>
        </form>{{/canReview}}
        <h2>{{t.exit_objections}}</h2>
        {{#hasObjections}}<table id="objections">
          <thead><tr><th>#</th><th>{{t.union_th_date}}</th><th>{{t.exit_recorded_by}}</th><th>{{t.exit_objection_text}}</th><th>{{t.exit_resolution}}</th><th>{{t.union_th_reason}}</th></tr></thead>
          <tbody>{{#objections}}<tr data-objection="{{id}}"><td>{{id}}</td><td>{{recordedOn}}</td><td>{{recordedBy}}</td><td>{{text}}</td><td>{{#isOpen}}{{t.exit_objection_open}}{{/isOpen}}{{resolution}}</td><td>{{reason}}</td></tr>{{/objections}}</tbody>
        </table>{{/hasObjections}}
        {{^hasObjections}}<p class="note">{{t.exit_no_objections}}</p>{{/hasObjections}}
        {{#objections}}{{#canResolve}}<form method="post" action="/households/{{fileNumber}}/exit/resolve" class="act" id="form-resolve-{{id}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="objection" value="{{id}}">
          <fieldset><legend>{{t.exit_resolve}} #{{id}}</legend>
          <label>{{t.exit_decision}} <select name="decision" id="resolve-decision-{{id}}"><option value="dismiss">{{t.exit_dismiss}}</option><option value="uphold">{{t.exit_uphold}}</option></select></label>
          <label>{{t.union_th_reason}} <input name="reason" id="resolve-reason-{{id}}" required></label>
          <label>{{t.exit_business_date}} <input type="date" name="on" id="resolve-on-{{id}}" value="{{today}}" required></label>
          <button type="submit" id="resolve-{{id}}">{{t.exit_resolve}}</button></fieldset>
        </form>{{/canResolve}}{{/objections}}
        {{#canObject}}<form method="post" action="/households/{{fileNumber}}/exit/objection" class="act" id="form-objection">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset><legend>{{t.exit_objection}}</legend>
          <label>{{t.exit_objector}} <input name="objector" id="objector"></label>
          <label>{{t.exit_objection_text}} <input name="reason" id="objection-text" required></label>
          <label>{{t.exit_business_date}} <input type="date" name="on" id="objection-on" value="{{today}}" required></label>
          <button type="submit" id="object">{{t.exit_objection}}</button></fieldset>
        </form>{{/canObject}}
        {{#canApprove}}<form method="post" action="/households/{{fileNumber}}/exit/approve" class="act" id="form-approve">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset><legend>{{t.exit_approve}}</legend>
          <label>{{t.exit_business_date}} <input type="date" name="on" id="approve-on" value="{{today}}" required></label>
          <button type="submit" id="approve">{{t.exit_approve}}</button></fieldset>
          <p class="note">{{t.exit_approve_note}}</p>
        </form>{{/canApprove}}
        <h2>{{t.exit_acts}}</h2>
        {{#hasActs}}<table id="acts">
          <thead><tr><th>{{t.union_th_date}}</th><th>{{t.exit_act}}</th><th>{{t.union_th_actor}}</th><th>{{t.union_th_recorded}}</th><th>{{t.union_th_details}}</th></tr></thead>
          <tbody>{{#acts}}<tr><td>{{date}}</td><td>{{act}}</td><td>{{actor}}</td><td>{{recordedAt}}</td><td>{{detail}}</td></tr>{{/acts}}</tbody>
        </table>{{/hasActs}}
        <h2>{{t.visit_title}}</h2>
        {{#hasVisits}}{{> union_visit_rows}}{{/hasVisits}}{{^hasVisits}}<p class="note">{{t.visit_none}}</p>{{/hasVisits}}
        {{#canVisit}}<form method="post" action="/households/{{fileNumber}}/exit/visit" class="act" id="form-visit">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset><legend>{{t.visit_record}}</legend>
          <label>{{t.visit_date}} <input type="date" name="on" id="visit-on" value="{{today}}" required></label>
          <label>{{t.visit_stable_q}} <select name="stable" id="visit-stable"><option value="yes">{{t.visit_stable}}</option><option value="no">{{t.visit_not_stable}}</option></select></label>
          <label>{{t.visit_findings}} <input name="findings" id="visit-findings" size="40"></label>
          <button type="submit" id="visit">{{t.visit_record}}</button></fieldset>
        </form>{{/canVisit}}
        <p class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></p>
        """

    /// A file's visits (the exit page and the household page).
    static let unionVisitRows = """
        <table id="visits">
          <thead><tr><th>#</th><th>{{t.visit_due}}</th><th>{{t.visit_latest}}</th><th>{{t.visit_date}}</th><th>{{t.exit_recorded_by}}</th><th>{{t.visit_stable_q}}</th><th>{{t.visit_findings}}</th></tr></thead>
          <tbody>{{#visits}}<tr{{#overdue}} class="below"{{/overdue}}><td>{{number}}</td><td>{{due}}</td><td>{{latest}}</td><td>{{visitedOn}}{{#overdue}}{{t.visit_overdue}}{{/overdue}}</td><td>{{visitedBy}}</td><td>{{stable}}</td><td>{{findings}}</td></tr>{{/visits}}</tbody>
        </table>
        """

    /// The visits due (overdue ones marked) or only the overdue ones.
    static let unionVisits = """
        <h1>{{t.visit_list_title}}</h1>
        <form method="get" action="/visits" class="filter" id="visit-filter">
          <label>{{t.exit_on}} <input type="date" name="on" id="on" value="{{on}}"></label>
          <label>{{t.exit_county}} <select name="county" id="county"><option value="">{{t.exit_all_counties}}</option>{{#counties}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/counties}}</select></label>
          <label><input type="checkbox" name="overdue" value="1" id="overdue"{{#overdueOnly}} checked{{/overdueOnly}}> {{t.visit_overdue_only}}</label>
          <button type="submit" id="show">{{t.exit_show}}</button>
        </form>
        <p class="note">{{t.visit_list_note}}</p>
        {{#hasRows}}<table id="due-visits">
          <thead><tr><th>{{t.union_col_file_number}}</th><th>{{t.union_col_division_code}}</th><th>#</th><th>{{t.visit_due}}</th><th>{{t.visit_latest}}</th><th></th></tr></thead>
          <tbody>{{#rows}}<tr data-file="{{fileNumber}}"{{#overdue}} class="below"{{/overdue}}><td><a href="{{href}}">{{fileNumber}}</a></td><td>{{county}}</td><td>{{number}}</td><td>{{due}}</td><td>{{latest}}</td><td>{{#overdue}}{{t.visit_overdue}}{{/overdue}}</td></tr>
          {{/rows}}</tbody>
        </table>{{/hasRows}}
        {{^hasRows}}<p id="none">{{t.visit_no_due}}</p>{{/hasRows}}
        <p class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></p>
        """

    /// The 公示 list as a county union posts it: one sheet per county, only the worker's name, the employer, the file
    /// number and the dates (no identity number, income or cause; policy C.4).
    static let unionPublicity = """
        <p class="no-print"><a href="{{back}}">{{t.exit_back}}</a> · {{t.exit_print_hint}}</p>
        {{#none}}<p id="none">{{t.exit_publicity_none}} ({{onText}})</p>{{/none}}
        {{#sheets}}<section class="sheet" data-county="{{county}}">
        <h1>{{t.exit_publicity_heading}}</h1>
        <p>{{t.exit_publicity_intro}}</p>
        <table class="publicity">
          <thead><tr><th>{{t.union_col_file_number}}</th><th>{{t.exit_worker}}</th><th>{{t.union_col_employer}}</th><th>{{t.exit_publicity_from}}</th><th>{{t.exit_publicity_until}}</th></tr></thead>
          <tbody>{{#rows}}<tr data-file="{{fileNumber}}"><td>{{fileNumber}}</td><td>{{worker}}</td><td>{{employer}}</td><td>{{from}}</td><td>{{until}}</td></tr>{{/rows}}</tbody>
        </table>
        <p>{{t.exit_publicity_objections}}</p>
        <p class="signature">{{union}}<br>{{onText}}</p>
        </section>{{/sheets}}
        """

    /// The exit notice (解困通知书) as printed for the household.
    static let unionNotice = """
        <p class="no-print"><a href="{{back}}">{{t.union_back}}</a> · {{t.exit_print_hint}}</p>
        <section class="sheet notice-sheet">
        <h1 id="notice-title">{{title}}</h1>
        {{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}
        </section>
        """

    /// The layout of a printable page: no navigation, no forms, only the sheet (and a back link hidden in print).
    static let printLayout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <title>{{title}} · {{t.app_title}}</title>
        <link rel="stylesheet" href="/static/print.css">
        </head>
        <body class="printable">
        {{{body}}}
        </body>
        </html>
        """

    /// The printable pages' style sheet (`/static/print.css`): an A4 sheet, one county per page.
    static let printCSS = """
        body.printable { font-family: "Noto Serif CJK SC", "SimSun", serif; margin: 2em auto; max-width: 50em;
          color: #000; }
        .sheet h1 { text-align: center; font-size: 1.6em; }
        .sheet p { line-height: 1.8; }
        table.publicity { border-collapse: collapse; width: 100%; margin: 1em 0; }
        table.publicity th, table.publicity td { border: 1px solid #000; padding: .3em .6em; }
        p.signature { text-align: right; margin-top: 3em; }
        @page { size: A4; margin: 2cm; }
        @media print {
          .no-print { display: none; }
          body.printable { margin: 0; }
          section.sheet { page-break-after: always; }
        }
        """
}
