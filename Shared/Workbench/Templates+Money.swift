/// The template of the dashboard's money pages (``Workbench/addMoneyRoutes(to:)``), merged into ``Templates/all``.
extension Templates {
    /// Template name → text.
    static let money: [String: String] = ["money": moneyPage]

    /// The money page of the province or a prefecture: the chart, the prefectures' totals (the province's page),
    /// the area's measures, each table with its CSV and JSON; printable like every dashboard page.
    static let moneyPage = """
        <h1>{{t.money_title}} · <span id="area-name">{{name}}</span> ({{code}}) · <span id="year">{{year}}</span></h1>
        <p class="rule">{{t.money_rule}} {{t.dash_as_of}}: {{today}}</p>
        <p>{{^isProvince}}<a href="{{provinceLink}}">{{t.dash_province}}</a> · {{/isProvince}}<a id="progress-link" href="{{progressLink}}">{{t.money_back_progress}}</a></p>
        <nav class="years">{{t.dash_year}}: {{#yearLinks}}<a href="{{href}}"{{#current}} class="current"{{/current}}>{{year}}</a> {{/yearLinks}}</nav>
        <p class="province">{{name}}: {{t.money_col_paid}} <strong id="total-paid">{{total.shown.paid}}</strong> / {{t.money_col_appropriated}} <strong id="total-appropriated">{{total.shown.appropriated}}</strong> ({{total.paidShare}}) · {{t.money_col_waiting}} {{total.waiting}}</p>
        <h2>{{t.money_chart_title}}</h2>
        <figure class="chart">{{{chart}}}</figure>
        <p class="export"><a id="csv" href="{{csvLink}}">{{t.dash_export_csv}}</a> · <a id="json" href="{{jsonLink}}">{{t.dash_json}}</a></p>
        {{#hasAreas}}<h2>{{t.money_by_prefecture}}</h2>
        <table id="money-prefectures">
          <thead><tr><th>{{t.col_code}}</th><th>{{t.col_prefecture}}</th><th>{{t.money_col_appropriated}}</th><th>{{t.money_col_payments}}</th><th>{{t.money_col_paid}}</th><th>{{t.money_col_waiting}}</th><th>{{t.money_col_waiting_yuan}}</th><th>{{t.money_col_remaining}}</th><th>{{t.money_col_paid_share}}</th></tr></thead>
          <tbody>
          {{#areas}}<tr data-code="{{code}}"><td>{{code}}</td><td><a href="{{href}}">{{name}}</a></td><td class="n appropriated">{{shown.appropriated}}</td><td class="n">{{payments}}</td><td class="n paid">{{shown.paid}}</td><td class="n waiting">{{waiting}}</td><td class="n waiting-yuan">{{shown.waitingYuan}}</td><td class="n remaining{{#overdrawn}} below{{/overdrawn}}">{{shown.remaining}}</td><td class="n">{{paidShare}}</td></tr>
          {{/areas}}
          {{#total}}<tr class="total" data-code="{{code}}"><td>{{code}}</td><td>{{name}}</td><td class="n appropriated">{{shown.appropriated}}</td><td class="n">{{payments}}</td><td class="n paid">{{shown.paid}}</td><td class="n waiting">{{waiting}}</td><td class="n waiting-yuan">{{shown.waitingYuan}}</td><td class="n remaining{{#overdrawn}} below{{/overdrawn}}">{{shown.remaining}}</td><td class="n">{{paidShare}}</td></tr>{{/total}}
          </tbody>
        </table>{{/hasAreas}}
        <h2>{{t.money_by_measure}} · {{name}}</h2>
        {{^hasMeasures}}<p id="money-none">{{t.money_none}}</p>{{/hasMeasures}}
        {{#hasMeasures}}<table id="money-measures">
          <thead><tr><th>{{t.col_measure}}</th><th>{{t.money_col_appropriated}}</th><th>{{t.money_col_payments}}</th><th>{{t.money_col_paid}}</th><th>{{t.money_col_waiting}}</th><th>{{t.money_col_waiting_yuan}}</th><th>{{t.money_col_remaining}}</th><th>{{t.money_col_paid_share}}</th></tr></thead>
          <tbody>
          {{#measures}}<tr data-measure="{{measureCode}}"><td>{{measure}}</td><td class="n appropriated">{{shown.appropriated}}</td><td class="n">{{payments}}</td><td class="n paid">{{shown.paid}}</td><td class="n waiting">{{waiting}}</td><td class="n waiting-yuan">{{shown.waitingYuan}}</td><td class="n remaining{{#overdrawn}} below{{/overdrawn}}">{{shown.remaining}}</td><td class="n">{{paidShare}}</td></tr>
          {{/measures}}
          {{#total}}<tr class="total" data-measure=""><td>{{t.money_total}}</td><td class="n appropriated">{{shown.appropriated}}</td><td class="n">{{payments}}</td><td class="n paid">{{shown.paid}}</td><td class="n waiting">{{waiting}}</td><td class="n waiting-yuan">{{shown.waitingYuan}}</td><td class="n remaining{{#overdrawn}} below{{/overdrawn}}">{{shown.remaining}}</td><td class="n">{{paidShare}}</td></tr>{{/total}}
          </tbody>
        </table>{{/hasMeasures}}
        """
}
