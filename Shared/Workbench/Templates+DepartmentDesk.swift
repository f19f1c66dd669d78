/// The templates of a department's desk (``Workbench/registerDepartmentDesk(on:)``): the home page with the
/// worklists' counts, a worklist with its forms, the outcomes of an approval, a household's history of acts.
extension Templates {
    /// Template name → text, merged into ``Templates/all``.
    static let departmentDesk: [String: String] = [
        "desk_home": deskHome, "desk_worklist": deskWorklist, "desk_results": deskResults,
        "desk_household": deskHousehold,
    ]

    /// A department's home page: the member's worklists with their counts.
    static let deskHome = """
        <link rel="stylesheet" href="/static/desk.css">
        <h1>{{t.home_title}}</h1>
        <p>{{t.home_roles}}: {{roles}} · {{t.home_area}}: {{area}}</p>
        {{#hasLists}}<h2>{{t.desk_worklists}}</h2>
        <table id="worklists">
          <thead><tr><th>{{t.desk_col_list}}</th><th>{{t.col_measures}}</th></tr></thead>
          <tbody>{{#lists}}<tr data-list="{{id}}"><td><a href="{{href}}">{{name}}</a></td><td class="n count">{{count}}</td></tr>
          {{/lists}}</tbody>
        </table>
        <p class="hint">{{t.desk_home_hint}}</p>{{/hasLists}}
        {{^hasLists}}<p id="no-worklists">{{t.desk_no_worklists}}</p>{{/hasLists}}
        """

    /// A worklist: tabs to the other lists, the county filter and date, the table; to propose: a form per row
    /// (clerks); awaiting: one form with a checkbox per row the approver may approve, a button per row, and the
    /// selection's buttons.
    static let deskWorklist = """
        <link rel="stylesheet" href="/static/desk.css">
        <h1 id="list-name">{{listName}}</h1>
        <nav class="tabs">{{#tabs}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{name}}</a> {{/tabs}}</nav>
        <p class="rule">{{listNote}}</p>
        {{#hasMessage}}<p class="done" id="message">{{message}}</p>{{/hasMessage}}
        <form method="get" class="filter" id="filter">
          <label>{{t.desk_county}} <select name="county" id="county"><option value="">{{t.desk_all_counties}}</option>{{#counties}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/counties}}</select></label>
          <label>{{t.desk_business_date}} <input type="date" name="on" value="{{dateValue}}"></label>
          <button type="submit">{{t.desk_filter}}</button>
          <small class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></small>
        </form>
        <p>{{t.desk_as_of}}: {{date}}</p>
        {{#empty}}<p id="empty">{{t.desk_empty}}</p>{{/empty}}
        {{^empty}}
        {{#canDecide}}<form method="post" action="/desk/decide" id="decide-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{back}}">{{/canDecide}}
        <table id="worklist">
          <thead><tr>{{#canDecide}}<th>{{t.desk_select}}</th>{{/canDecide}}<th>{{t.col_measure}}</th><th>{{t.desk_col_file}}</th><th>{{t.desk_county}}</th><th>{{t.desk_col_category}}</th><th>{{t.desk_col_person}}</th><th>{{t.desk_col_filed_on}}</th><th>{{t.desk_col_amount}}</th>
          {{#delivery}}<th>{{t.desk_col_due_on}}</th>{{#overdue}}<th>{{t.desk_col_days_overdue}}</th><th>{{t.desk_col_delivery}}</th>{{/overdue}}{{#canDeliver}}<th>{{t.desk_deliver}}</th>{{/canDeliver}}{{/delivery}}
          {{#awaiting}}<th>{{t.desk_col_proposal}}</th><th>{{t.desk_col_proposed_by}}</th><th>{{t.desk_col_notes}}</th>{{#canDecide}}<th></th>{{/canDecide}}{{/awaiting}}
          {{#toPropose}}<th>{{t.desk_col_notes}}</th>{{#canPropose}}<th>{{t.desk_propose}}</th>{{/canPropose}}{{/toPropose}}</tr></thead>
          <tbody>
          {{#rows}}<tr data-measure="{{measureID}}">
            {{#canDecide}}<td>{{#selectable}}<input type="checkbox" name="measure" value="{{measureID}}" class="select">{{/selectable}}{{^selectable}}<span class="not-selectable">-</span>{{/selectable}}</td>{{/canDecide}}
            <td>{{measureName}}<br><small>{{measureID}}</small></td>
            <td><a href="{{householdHref}}">{{fileNumber}}</a></td><td>{{county}}</td><td class="n">{{category}}</td>
            <td>{{person}}{{#hasHouseholdSize}}<br><small>{{t.desk_household_size}} {{householdSize}}</small>{{/hasHouseholdSize}}</td>
            <td>{{filedOn}}</td><td class="n">{{amount}}</td>
            {{#delivery}}<td>{{dueOn}}</td>{{#overdue}}<td class="n below">{{daysOverdue}}</td><td>{{deliveryOn}}</td>{{/overdue}}
            {{#canDeliver}}<td>{{^scheduled}}{{t.desk_waiting_money}}{{/scheduled}}{{#scheduled}}<form method="post" action="/desk/deliver" class="deliver">
              <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}">
              <input type="hidden" name="measure" value="{{measureID}}">
              <input type="date" name="on" value="{{dateValue}}" title="{{t.desk_col_delivered_on}}">
              <input name="amount" class="amount" value="{{amount}}" placeholder="{{t.desk_amount}}" title="{{t.desk_amount}}">
              <input name="reference" class="reference" placeholder="{{t.desk_reference}}" title="{{t.desk_reference}}" required>
              {{#deliverPlacement}}<input name="employerCode" class="employer-code" placeholder="{{t.desk_employer_code}}" maxlength="18" required>
              <label>{{t.desk_start_on}} <input type="date" name="start" required></label>{{/deliverPlacement}}
              {{#deliverUnit}}<input name="unit" class="unit" placeholder="{{t.desk_unit}}" required>{{/deliverUnit}}
              {{#deliverDibao}}<input type="month" name="firstMonth" class="first-month" title="{{t.desk_first_month}}" required>
              <input name="monthlyAmount" class="monthly-amount" placeholder="{{t.desk_monthly_amount}}" required>{{/deliverDibao}}
              <button type="submit" class="deliver-button">{{t.desk_deliver}}</button>
            </form>{{/scheduled}}</td>{{/canDeliver}}{{/delivery}}
            {{#awaiting}}<td class="proposal">{{proposal}}{{#hasCorrects}} ({{t.desk_corrects}} {{corrects}}){{/hasCorrects}}{{#hasProposalCode}}<br>{{proposalCode}}{{/hasProposalCode}}{{#hasProposalReason}}<br><small>{{proposalReason}}</small>{{/hasProposalReason}}</td>
            <td>{{proposedBy}}<br><small>{{proposedOn}}</small></td><td class="notes">{{notes}}</td>
            {{#canDecide}}<td>{{#selectable}}<button type="submit" name="one" value="{{measureID}}" class="approve-one">{{t.desk_approve}}</button>{{/selectable}}</td>{{/canDecide}}{{/awaiting}}
            {{#toPropose}}<td class="notes">{{notes}}</td>
            {{#canPropose}}<td><form method="post" action="/desk/propose" class="propose">
              <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}">
              <input type="hidden" name="measure" value="{{measureID}}">
              <select name="decision" class="decision"><option value="approve">{{t.desk_decision_approve}}</option><option value="refuse">{{t.desk_decision_refuse}}</option></select>
              <select name="reasonCode" class="reason-code"><option value="">{{t.desk_reason_code_none}}</option>{{#reasons}}<option value="{{code}}">{{text}}</option>{{/reasons}}</select>
              <input name="reason" class="reason" placeholder="{{t.desk_reason}}">
              <input type="date" name="on" value="{{dateValue}}">
              <button type="submit" class="propose-button">{{t.desk_propose}}</button>
            </form></td>{{/canPropose}}{{/toPropose}}
          </tr>
          {{/rows}}
          </tbody>
        </table>
        {{#truncated}}<p class="message">{{t.desk_truncated}}</p>{{/truncated}}
        {{#canDecide}}<fieldset class="selection">
          <legend>{{t.desk_selection}}</legend>
          <label>{{t.desk_reason_code}} <select name="reasonCode" id="return-code"><option value="">{{t.desk_reason_code_none}}</option>{{#reasons}}<option value="{{code}}">{{text}}</option>{{/reasons}}</select></label>
          <label>{{t.desk_reason}} <input name="reason" id="decide-reason"></label>
          <label>{{t.desk_business_date}} <input type="date" name="on" value="{{dateValue}}"></label>
          <button type="submit" name="verdict" value="approve" id="approve-selected">{{t.desk_approve_selected}}</button>
          <button type="submit" name="verdict" value="return" id="return-selected">{{t.desk_return_selected}}</button>
          <p class="hint">{{t.desk_selection_hint}}</p>
        </fieldset>
        </form>{{/canDecide}}
        {{/empty}}
        """

    /// The outcome of each measure of an approval or a return.
    static let deskResults = """
        <link rel="stylesheet" href="/static/desk.css">
        <h1>{{t.desk_results_title}}</h1>
        <p id="results-summary">{{t.desk_results_done}}: {{done}} / {{total}} · {{t.desk_business_date}}: {{date}}</p>
        <table id="results">
          <thead><tr><th>{{t.col_measure}}</th><th>{{t.desk_col_outcome}}</th></tr></thead>
          <tbody>{{#outcomes}}<tr data-measure="{{measureID}}" class="{{#done}}done{{/done}}{{^done}}refused{{/done}}"><td>{{measureID}}</td><td>{{outcome}}</td></tr>
          {{/outcomes}}</tbody>
        </table>
        <p><a id="back" href="{{back}}">{{t.desk_back_to_list}}</a></p>
        """

    /// A household's history of acts at the department, and the correction form of each decision in force.
    static let deskHousehold = """
        <link rel="stylesheet" href="/static/desk.css">
        <h1>{{t.desk_household_title}} · <span id="file-number">{{fileNumber}}</span></h1>
        {{#hasMessage}}<p class="done" id="message">{{message}}</p>{{/hasMessage}}
        <h2>{{t.desk_history}} <small class="export"><a href="{{jsonLink}}">{{t.dash_json}}</a></small></h2>
        {{#empty}}<p id="empty">{{t.desk_history_empty}}</p>{{/empty}}
        {{^empty}}<table id="history">
          <thead><tr><th>{{t.desk_col_act_number}}</th><th>{{t.col_measure}}</th><th>{{t.desk_col_act}}</th><th>{{t.desk_col_decision}}</th><th>{{t.desk_reason_code}}</th><th>{{t.desk_reason}}</th><th>{{t.desk_col_staff}}</th><th>{{t.desk_business_date}}</th><th>{{t.desk_corrects}}</th></tr></thead>
          <tbody>{{#acts}}<tr data-act="{{id}}" data-kind="{{kindCode}}"><td class="n">#{{id}}</td><td>{{measureID}}</td><td>{{kind}}</td><td>{{decision}}</td><td>{{reasonCode}}</td><td>{{reason}}</td><td class="staff">{{staff}}</td><td>{{date}}</td><td>{{corrects}}</td></tr>
          {{/acts}}</tbody>
        </table>{{/empty}}
        <h2>{{t.desk_deliveries}}</h2>
        {{^hasDeliveries}}<p id="deliveries-empty">{{t.desk_deliveries_empty}}</p>{{/hasDeliveries}}
        {{#hasDeliveries}}<table id="deliveries">
          <thead><tr><th>{{t.desk_col_act_number}}</th><th>{{t.col_measure}}</th><th>{{t.desk_col_delivered_on}}</th><th>{{t.desk_amount}}</th><th>{{t.desk_reference}}</th><th>{{t.desk_col_details}}</th><th>{{t.desk_col_staff}}</th><th>{{t.desk_corrects}}</th></tr></thead>
          <tbody>{{#deliveries}}<tr data-delivery="{{id}}" data-measure="{{measureID}}"><td class="n">#{{id}}</td><td>{{measureID}}</td><td>{{date}}</td><td class="n">{{amount}}</td><td class="reference">{{reference}}</td><td>{{details}}</td><td class="staff">{{staff}}</td><td>{{corrects}}</td></tr>
          {{/deliveries}}</tbody>
        </table>{{/hasDeliveries}}
        {{#canCorrect}}<h2>{{t.desk_correction}}</h2>
        <p class="hint">{{t.desk_correction_hint}}</p>
        {{#corrections}}<form method="post" action="/desk/correct" class="correct" data-measure="{{measureID}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="measure" value="{{measureID}}"><input type="hidden" name="act" value="{{act}}">
          <fieldset><legend>{{measureID}} · #{{act}} {{current}}</legend>
          <label>{{t.desk_col_decision}} <select name="decision"><option value="approve"{{#approveSelected}} selected{{/approveSelected}}>{{t.desk_decision_approve}}</option><option value="refuse"{{#refuseSelected}} selected{{/refuseSelected}}>{{t.desk_decision_refuse}}</option></select></label>
          <label>{{t.desk_reason_code}} <select name="reasonCode"><option value="">{{t.desk_reason_code_none}}</option>{{#reasons}}<option value="{{code}}">{{text}}</option>{{/reasons}}</select></label>
          <label>{{t.desk_reason}} <input name="reason" required></label>
          <label>{{t.desk_business_date}} <input type="date" name="on" value="{{dateValue}}"></label>
          <button type="submit">{{t.desk_correct}}</button></fieldset>
        </form>{{/corrections}}{{/canCorrect}}
        """

    /// The desk pages' own style sheet (`/static/desk.css`, beside the layout's): tabs, the forms in rows, messages.
    static let deskCSS = """
        nav.tabs { margin: .5em 0; }
        nav.tabs a { margin-right: 1em; }
        nav.tabs a.current { font-weight: bold; text-decoration: none; }
        form.filter label, fieldset.selection label { margin-right: 1em; }
        form.propose { display: flex; flex-wrap: wrap; gap: .3em; }
        form.propose input.reason { width: 10em; }
        form.deliver { display: flex; flex-wrap: wrap; gap: .3em; }
        form.deliver input.amount, form.deliver input.monthly-amount { width: 6em; }
        .done { color: #1a6b1a; }
        tr.refused td { color: #b00; }
        td.notes { max-width: 14em; font-size: .9em; }
        form.correct fieldset { margin: .5em 0; }
        @media print {
          nav.tabs, form.filter, form.propose, form.deliver, form.correct, fieldset.selection, button { display: none; }
        }
        """
}
