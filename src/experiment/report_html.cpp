#include "experiment/report_html.hpp"

#include <algorithm>

#include "experiment/report_charts.hpp"
#include "experiment/report_tables.hpp"
#include "experiment/report_text.hpp"
#include "experiment/side_by_side.hpp"

namespace srelab::experiment {
namespace {

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;
background:#fff;max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
h3{font-size:1em;margin:1em 0 .3em}
.verdict{font-size:2.8em;font-weight:800;letter-spacing:.05em;margin:.1em 0 0}
.verdict-held{color:#1a7f37}.verdict-deviated,.verdict-failed{color:#c62828}
.verdict-inconclusive{color:#a15c00}.verdict-aborted,.verdict-interrupted{color:#666}
.reason{font-size:1.1em;margin:0 0 1em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 1em}
dt{font-weight:600;color:#555}dd{margin:0}
blockquote{margin:0;padding:.2em 1em;border-left:4px solid #ccc;color:#333}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92em}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.met{color:#1a7f37;font-weight:600}td.not_met{color:#c62828;font-weight:600}
td.inconclusive{color:#a15c00;font-weight:600}table.compare td.num{text-align:left}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px}
.columns{display:grid;gap:12px}
figure{margin:0;break-inside:avoid}figcaption{font-weight:600}svg.chart{width:100%;height:auto}
.note,.missing,footer{color:#555}
@media print{body{padding:0;font-size:10pt;max-width:none}a{color:inherit}
.charts{grid-template-columns:1fr 1fr}h2{break-after:avoid}tr{break-inside:avoid}}
)";

// A CSS class from a journal word: only [a-z_] survive.
std::string css_word(const std::string& word) {
  std::string out;
  for (const char c : word)
    if ((c >= 'a' && c <= 'z') || c == '_') out += c;
  return out.empty() ? "unknown" : out;
}

std::string cell_html(const Cell& cell) {
  if (!is_web_url(cell.href)) return html_escape(cell.text);
  return "<a href=\"" + html_escape(cell.href) + "\">" + html_escape(cell.text) + "</a>";
}

// Judgements and verdicts get their colour; a figure (short, starting with a digit) aligns right
// so that its digits line up down a column.
std::string cell_class(const std::string& text) {
  if (text.starts_with("✓") || text == "HELD") return " class=\"met\"";
  if (text.starts_with("✗") || text == "DEVIATED" || text == "FAILED") return " class=\"not_met\"";
  if (text.starts_with("? ") || text == "INCONCLUSIVE") return " class=\"inconclusive\"";
  const bool figure = !text.empty() && text[0] >= '0' && text[0] <= '9' && text.size() <= 24;
  if (figure || text == kNoValue) return " class=\"num\"";
  return "";
}

// `css_class` "compare": one column per run, figures left-aligned under their run's title.
void write_table(const Table& table, std::string& out, const std::string& css_class = "") {
  if (table.rows.empty()) {
    out += "<p class=\"missing\">" + html_escape(table.empty) + "</p>\n";
    return;
  }
  out +=
      css_class.empty() ? "<table><thead><tr>" : "<table class=\"" + css_class + "\"><thead><tr>";
  for (const std::string& header : table.headers) out += "<th>" + html_escape(header) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const Cell& cell : row)
      out += "<td" + cell_class(cell.text) + ">" + cell_html(cell) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

void write_list(const std::vector<std::string>& lines, std::string& out) {
  if (lines.empty()) return;
  out += "<ul class=\"missing\">";
  for (const std::string& line : lines) out += "<li>" + html_escape(line) + "</li>";
  out += "</ul>\n";
}

void open_page(const std::string& title, std::string& out) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      html_escape(title) + "</title><style>" + kStyle + "</style></head>\n<body>\n";
}

void write_head(const JournalView& view, std::string& out) {
  out += "<header><h1>" + html_escape(view.title) + "</h1>\n<p class=\"verdict verdict-" +
         css_word(view.verdict) + "\">" + html_escape(verdict_title(view.verdict)) + "</p>\n";
  if (!view.reason.empty()) out += "<p class=\"reason\">" + html_escape(view.reason) + "</p>\n";
  out += "<dl class=\"facts\">";
  for (const Fact& fact : head_facts(view))
    out += "<dt>" + html_escape(fact.name) + "</dt><dd>" + cell_html(fact.value) + "</dd>";
  out += "</dl>\n";
  if (!view.description.empty()) {
    std::string text = html_escape(view.description);
    for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; at += 5)
      text.replace(at, 1, "<br>");
    out += "<blockquote class=\"description\">" + text + "</blockquote>\n";
  }
  out += "</header>\n";
}

void write_charts(const RunCharts& charts, std::string& out) {
  out += "<section><h2>Charts</h2>\n<div class=\"charts\">\n";
  for (const ChartSpec& chart : charts.charts)
    out += "<figure id=\"chart-" + css_word(chart.id) + "\">" + render_svg_chart(chart) +
           "</figure>\n";
  out += "</div>\n";
  write_list(charts.left_out, out);
  out += "</section>\n";
}

void write_footer(const JournalView& view, std::string& out) {
  std::string footer;
  for (const std::string& part :
       {view.node, view.platform, view.version.empty() ? "" : "sre-lab " + view.version})
    if (!part.empty()) footer += (footer.empty() ? "" : " · ") + html_escape(part);
  out += "<footer><p>" + footer + "</p></footer>\n";
}

void section(const char* title, const Table& table, std::string& out, const char* note = "",
             const std::string& css_class = "") {
  out += std::string("<section><h2>") + title + "</h2>\n";
  write_table(table, out, css_class);
  if (*note && !table.rows.empty()) out += std::string("<p class=\"note\">") + note + "</p>\n";
  out += "</section>\n";
}

// Each main chart once per run, in columns, on the scale that fits all of them.
void write_chart_columns(const std::vector<LabelledRun>& runs, std::string& out) {
  std::vector<RunCharts> charts;
  for (const LabelledRun& run : runs) charts.push_back(journal_charts(run.view));
  out += "<section><h2>Charts</h2>\n";
  for (const std::string& id : main_chart_ids()) {
    std::vector<const ChartSpec*> row;
    double y_max = 0, x_max = 0;
    for (const RunCharts& run : charts) {
      const auto it = std::find_if(run.charts.begin(), run.charts.end(),
                                   [&](const ChartSpec& c) { return c.id == id; });
      row.push_back(it == run.charts.end() ? nullptr : &*it);
      if (row.back()) y_max = std::max(y_max, chart_y_max(*row.back()));
      if (row.back()) x_max = std::max(x_max, chart_x_max(*row.back()));
    }
    const auto first = std::find_if(row.begin(), row.end(), [](auto* c) { return c; });
    if (first == row.end()) continue;
    out += "<h3>" + html_escape((*first)->title) + "</h3>\n<div class=\"columns\" " +
           "style=\"grid-template-columns:repeat(" + std::to_string(runs.size()) +
           ",minmax(0,1fr))\">\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      out += "<figure><figcaption>" + html_escape(runs[i].label) + "</figcaption>";
      if (row[i]) {
        ChartSpec scaled = *row[i];
        scaled.y_max = y_max;
        scaled.x_max = x_max;
        out += render_svg_chart(scaled);
      } else {
        out += "<p class=\"missing\">No data for this chart in this run.</p>";
      }
      out += "</figure>\n";
    }
    out += "</div>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string render_html(const boost::json::value& journal) {
  const JournalView view = read_journal(journal);
  std::string out;
  open_page(view.title + " — " + verdict_title(view.verdict), out);
  write_head(view, out);
  section("Judged probes", probes_table(view), out);
  section("Method and rollbacks", activities_table(view), out);
  write_charts(journal_charts(view), out);
  section("Phases", phases_table(summarize_phases(view)), out, kPhaseQuantileNote);
  section("Slowest traces", traces_table(view), out);
  if (!view.missing.empty()) {
    out += "<section><h2>What this journal lacks</h2>\n";
    write_list(view.missing, out);
    out += "</section>\n";
  }
  write_footer(view, out);
  return out + "</body></html>\n";
}

std::string render_side_by_side_html(
    const std::vector<std::pair<std::string, boost::json::value>>& runs) {
  const std::vector<LabelledRun> read = read_runs(runs);
  const std::string title = "Side by side: " + (read.empty() ? "no runs" : read[0].view.title);
  std::string out;
  open_page(title, out);
  out += "<header><h1>" + html_escape(title) + "</h1></header>\n";
  section("Comparison", comparison_table(read), out, kPhaseQuantileNote, "compare");
  write_chart_columns(read, out);
  for (const LabelledRun& run : read) {
    out += "<section><h2>" + html_escape(run.label) + ": slowest traces</h2>\n";
    write_table(traces_table(run.view), out);
    write_list(run.view.missing, out);
    out += "</section>\n";
  }
  return out + "</body></html>\n";
}

}  // namespace srelab::experiment
