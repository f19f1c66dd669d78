extension Templates {
    /// The union desk's templates (``Workbench`` `addUnionDeskRoutes`): the home page's links, search, the household
    /// page, the household form (file or update), closing a file and uploading an import file.
    static let unionDesk: [String: String] = [
        "union_home": unionHome, "union_search": unionSearch, "union_household": unionHousehold,
        "union_form": unionForm, "union_close": unionClose, "union_import": unionImport,
    ]

    /// The union's home page: what the member can do.
    static let unionHome = """
        <p>{{t.union_home_intro}}</p>
        <ul id="union-links">
          {{#canSearch}}<li><a id="link-search" href="/search">{{t.union_search_title}}</a> — {{t.union_home_search}}</li>{{/canSearch}}
          {{#isClerk}}<li><a id="link-register" href="/register">{{t.union_register_title}}</a> — {{t.union_home_register}}</li>
          <li><a id="link-import" href="/import">{{t.union_import_title}}</a> — {{t.union_home_import}}</li>{{/isClerk}}
          {{#canSearch}}<li><a id="link-exits" href="/exits">{{t.exit_list_title}}</a> — {{t.union_home_exits}}</li>
          <li><a id="link-visits" href="/visits">{{t.visit_list_title}}</a> — {{t.union_home_visits}}</li>{{/canSearch}}
        </ul>
        <p class="note">{{t.union_home_note}}</p>
        """

    /// The search page.
    static let unionSearch = """
        <h1>{{t.union_search_title}}</h1>
        <form method="get" action="/search" class="search">
          <input name="q" id="q" value="{{q}}" placeholder="{{t.union_search_hint}}" size="40">
          <select name="field" id="field">{{#fields}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/fields}}</select>
          <button type="submit" id="search">{{t.union_search_submit}}</button>
        </form>
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        {{#none}}<p id="none">{{t.union_search_none}}</p>{{/none}}
        {{#truncated}}<p class="message">{{t.union_search_truncated}}</p>{{/truncated}}
        {{#searched}}<p class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></p>{{/searched}}
        {{#hasRows}}<table id="results">
          <thead><tr><th>{{t.union_col_file_number}}</th><th>{{t.union_th_status}}</th><th>{{t.union_col_division_code}}</th><th>{{t.union_th_worker}}</th><th>{{t.union_col_id_number}}</th><th>{{t.union_th_members}}</th><th>{{t.union_th_category}}</th><th>{{t.union_th_helper}}</th><th>{{t.union_col_filed_on}}</th></tr></thead>
          <tbody>{{#rows}}<tr data-file="{{fileNumber}}"><td><a href="{{href}}">{{fileNumber}}</a></td><td>{{status}}</td><td>{{county}}</td><td>{{worker}}</td><td>{{identity}}</td><td class="n">{{members}}</td><td class="n">{{category}}</td><td>{{helper}}</td><td>{{filedOn}}</td></tr>
          {{/rows}}</tbody>
        </table>{{/hasRows}}
        """

    /// The household page.
    static let unionHousehold = """
        <h1>{{t.union_household_title}} · <span id="file-number">{{fileNumber}}</span></h1>
        {{#message}}<p class="notice" id="notice">{{message}}</p>{{/message}}
        <p><span id="status">{{status}}</span> · {{t.union_th_category}} <strong id="category">{{category}}</strong> ({{t.union_policy}} {{clause}}) · {{t.union_th_helper}}: <span id="helper">{{helper}}</span></p>
        {{#canChange}}<p class="actions"><a id="update-link" href="{{updateLink}}">{{t.union_update_title}}</a> · <a id="close-link" href="{{closeLink}}">{{t.union_close_title}}</a></p>{{/canChange}}
        {{#earlier}}<p id="earlier" class="relapse">{{#relapse}}{{t.union_relapse}}{{/relapse}}{{^relapse}}{{t.union_earlier}}{{/relapse}}: <a href="{{href}}">{{fileNumber}}</a> ({{reason}}, {{closedOn}})</p>{{/earlier}}
        {{#hasLater}}<p id="later">{{t.union_later}}: {{#laterFiles}}<a href="{{href}}">{{fileNumber}}</a> {{/laterFiles}}</p>{{/hasLater}}
        <h2>{{t.union_facts}}</h2>
        <table id="facts"><tbody>{{#facts}}<tr><th>{{label}}</th><td>{{value}}</td></tr>{{/facts}}</tbody></table>
        <h2>{{t.union_members}}</h2>
        <table id="members">
          <thead><tr><th>#</th><th>{{t.union_col_name}}</th><th>{{t.union_col_id_number}}</th><th>{{t.union_col_relation}}</th><th>{{t.union_col_health}}</th><th>{{t.union_col_work_status}}</th><th>{{t.union_col_school_level}}</th><th>{{t.union_col_pension_insurance}}</th><th>{{t.union_col_medical_insurance}}</th><th>{{t.union_col_wants_business}}</th></tr></thead>
          <tbody>{{#members}}<tr><td>{{number}}</td><td>{{name}}</td><td class="id">{{identity}}</td><td>{{relation}}</td><td>{{health}}</td><td>{{workStatus}}</td><td>{{schoolLevel}}</td><td>{{pension}}</td><td>{{medical}}</td><td>{{wantsBusiness}}</td></tr>{{/members}}</tbody>
        </table>
        <p class="note">{{t.union_identity_note}}</p>
        <h2>{{t.union_assessment}}</h2>
        {{#assessment}}<p>{{t.union_standard}}: {{standard}} · {{t.union_per_capita}}: {{perCapita}}</p>
        <ul id="reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>{{/assessment}}
        <h2>{{t.union_timeline}}</h2>
        <table id="timeline">
          <thead><tr><th>{{t.union_th_date}}</th><th>{{t.union_th_event}}</th><th>{{t.union_th_actor}}</th><th>{{t.union_th_recorded}}</th><th>{{t.union_th_details}}</th></tr></thead>
          <tbody>{{#timeline}}<tr><td>{{date}}</td><td>{{what}}</td><td>{{actor}}</td><td>{{recordedAt}}</td><td>{{details}}</td></tr>{{/timeline}}</tbody>
        </table>
        <h2>{{t.union_exit}}</h2>
        {{> union_exit_summary}}
        <h2>{{t.union_readers}}</h2>
        {{#hasReaders}}<table id="readers">
          <thead><tr><th>{{t.union_th_staff}}</th><th>{{t.union_th_operation}}</th><th>{{t.union_th_date}}</th><th>{{t.union_th_recorded}}</th><th>{{t.union_th_outcome}}</th></tr></thead>
          <tbody>{{#readers}}<tr><td>{{staff}}</td><td>{{operation}}</td><td>{{date}}</td><td>{{at}}</td><td>{{outcome}}</td></tr>{{/readers}}</tbody>
        </table>{{/hasReaders}}
        {{^hasReaders}}<p class="note" id="readers-note">{{t.union_readers_auditors}}</p>{{/hasReaders}}
        <p class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></p>
        """

    /// The household form: file a household (`register`) or update a file (`update`); a member block per person,
    /// one more with the add button (no script).
    static let unionForm = """
        <h1>{{heading}}</h1>
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        {{#hasGeneral}}<ul class="message" id="general">{{#general}}<li>{{.}}</li>{{/general}}</ul>{{/hasGeneral}}
        {{#notEligible}}<p class="message" id="not-eligible">{{notEligible}}</p>{{/notEligible}}
        <form method="post" action="{{action}}" class="household" id="household-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="members" value="{{members}}">
          {{#isUpdate}}<label>{{t.union_update_on}} <input name="on" id="on" type="date" value="{{on}}" required></label>{{/isUpdate}}
          <fieldset><legend>{{t.union_facts}}</legend>
          {{#household}}<label class="field{{#hasError}} invalid{{/hasError}}">{{label}}{{#required}} *{{/required}}
            {{#isSelect}}<select name="{{name}}" id="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
            {{^isSelect}}<input name="{{name}}" id="{{name}}" value="{{value}}"{{#isDate}} type="date"{{/isDate}}{{#readonly}} readonly{{/readonly}}>{{/isSelect}}
            {{#hasError}}<span class="error" data-field="{{name}}">{{t.union_field_invalid}}{{error}}</span>{{/hasError}}</label>
          {{/household}}</fieldset>
          {{#memberBlocks}}<fieldset class="member"><legend>{{t.union_member}} {{number}}</legend>
          {{#fields}}<label class="field{{#hasError}} invalid{{/hasError}}">{{label}}{{#required}} *{{/required}}
            {{#isSelect}}<select name="{{name}}" id="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
            {{^isSelect}}<input name="{{name}}" id="{{name}}" value="{{value}}">{{/isSelect}}
            {{#hasError}}<span class="error" data-field="{{name}}">{{t.union_field_invalid}}{{error}}</span>{{/hasError}}</label>
          {{/fields}}</fieldset>
          {{/memberBlocks}}
          <p class="note">{{t.union_form_note}}</p>
          <button type="submit" name="add_member" value="1" id="add-member" formnovalidate>{{t.union_add_member}}</button>
          <button type="submit" name="submit" value="1" id="submit">{{#isUpdate}}{{t.union_update_submit}}{{/isUpdate}}{{^isUpdate}}{{t.union_register_submit}}{{/isUpdate}}</button>
        </form>
        """

    /// Closing a file.
    static let unionClose = """
        <h1>{{t.union_close_title}} · {{fileNumber}}</h1>
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        <form method="post" action="{{action}}" class="close">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>{{t.union_close_reason}} <select name="reason" id="reason"><option value=""></option>{{#reasons}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/reasons}}</select></label>
          <label>{{t.union_close_on}} <input name="on" id="on" type="date" value="{{on}}" required></label>
          <button type="submit" id="close">{{t.union_close_submit}}</button>
        </form>
        <p class="note">{{t.union_close_note}}</p>
        <p><a href="{{back}}">{{t.union_back}}</a></p>
        """

    /// Uploading an import file, then its results.
    static let unionImport = """
        <h1>{{t.union_import_title}}</h1>
        {{#message}}<p class="message" id="message">{{message}}</p>{{/message}}
        <form method="post" action="/import" enctype="multipart/form-data" class="upload">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>{{t.union_import_file}} <input type="file" name="file" id="file" accept=".csv,.xlsx,text/csv" required></label>
          <label><input type="radio" name="mode" value="register" checked> {{t.union_import_register}}</label>
          <label><input type="radio" name="mode" value="update" id="mode-update"> {{t.union_import_update}}</label>
          <button type="submit" id="upload">{{t.union_import_submit}}</button>
        </form>
        <p class="note">{{t.union_import_note}}</p>
        {{#done}}<h2>{{t.union_import_results}}: {{fileName}}</h2>
        <p id="summary">{{summary}}</p>
        {{#warnings}}<p class="message">{{.}}</p>{{/warnings}}
        <p><a id="results-csv" href="{{resultsLink}}">{{t.union_import_download}}</a></p>
        <table id="import-results">
          <thead><tr><th>{{t.union_th_row}}</th><th>{{t.union_col_file_number}}</th><th>{{t.union_th_result}}</th><th>{{t.union_th_reason}}</th></tr></thead>
          <tbody>{{#lines}}<tr{{#refused}} class="below"{{/refused}}><td class="n">{{row}}</td><td>{{#href}}<a href="{{href}}">{{fileNumber}}</a>{{/href}}{{^href}}{{fileNumber}}{{/href}}</td><td>{{result}}</td><td>{{reason}}</td></tr>{{/lines}}</tbody>
        </table>{{/done}}
        """
}
