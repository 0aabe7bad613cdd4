#include "experiment/report_markdown.hpp"

#include <algorithm>
#include <cmath>

#include "experiment/report_charts.hpp"
#include "experiment/report_tables.hpp"
#include "experiment/report_text.hpp"
#include "experiment/side_by_side.hpp"
#include "experiment/twin_validation.hpp"

namespace srelab::experiment {
namespace {

// A link target inside (...): the characters that would end or break it are percent-encoded.
std::string markdown_url(std::string_view url) {
  std::string out;
  for (const char c : url) {
    switch (c) {
      case ' ':
        out += "%20";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      case '<':
        out += "%3C";
        break;
      case '>':
        out += "%3E";
        break;
      case '|':
        out += "%7C";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string cell_text(const Cell& cell) {
  const std::string text = markdown_text(cell.text);
  if (!is_web_url(cell.href)) return text;
  std::string label;  // [ and ] would end the link's text
  for (const char c : text)
    label += (c == '[' || c == ']') ? std::string("\\") + c : std::string(1, c);
  return "[" + label + "](" + markdown_url(cell.href) + ")";
}

void write_table(const Table& table, std::string& out) {
  if (table.rows.empty()) {
    out += "_" + markdown_text(table.empty) + "_\n\n";
    return;
  }
  std::string rule;
  out += "|";
  for (const std::string& header : table.headers) {
    out += " " + markdown_text(header) + " |";
    rule += "---|";
  }
  out += "\n|" + rule + "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const Cell& cell : row) out += " " + cell_text(cell) + " |";
    out += "\n";
  }
  out += "\n";
}

void write_list(const std::vector<std::string>& lines, std::string& out) {
  for (const std::string& line : lines) out += "- " + markdown_text(line) + "\n";
  if (!lines.empty()) out += "\n";
}

void write_head(const JournalView& view, std::string& out) {
  out += "# " + markdown_text(view.title) + "\n\n";
  out += "## Verdict: " + verdict_title(view.verdict) + "\n\n";
  if (!view.reason.empty()) out += markdown_text(view.reason) + "\n\n";
  for (const Fact& fact : head_facts(view))
    out += "- **" + fact.name + ":** " + cell_text(fact.value) + "\n";
  out += "\n";
  if (view.description.empty()) return;
  // The description keeps its line breaks, as a block quote.
  const std::string_view text = view.description;
  std::size_t from = 0;
  for (std::size_t end; (end = text.find('\n', from)) != std::string_view::npos; from = end + 1)
    out += "> " + markdown_text(text.substr(from, end - from)) + "\n";
  out += "> " + markdown_text(text.substr(from)) + "\n\n";
}

// One line per chart series: its shape, and its peak in the chart's unit.
void write_sparklines(const RunCharts& charts, std::string& out) {
  out += "## Over time\n\n";
  for (const ChartSpec& chart : charts.charts) {
    for (const ChartSeries& s : chart.series) {
      double peak = NAN;
      for (const double y : s.y)
        if (std::isfinite(y) && !(peak >= y)) peak = y;
      out += "- " + markdown_text(chart.title) + ", " + markdown_text(s.name) + ": `" +
             sparkline(s.y) + "` peak " + format_chart_value(chart.unit, peak) + "\n";
    }
  }
  if (!charts.charts.empty()) out += "\n";
  write_list(charts.left_out, out);
}

void write_run(const JournalView& view, std::string& out) {
  write_head(view, out);
  out += "## Judged probes\n\n";
  write_table(probes_table(view), out);
  out += "## Method and rollbacks\n\n";
  write_table(activities_table(view), out);
  out += "## Phases\n\n";
  const Table phases = phases_table(summarize_phases(view));
  write_table(phases, out);
  if (!phases.rows.empty()) out += "_" + std::string(kPhaseQuantileNote) + "_\n\n";
  write_sparklines(journal_charts(view), out);
  out += "## Slowest traces\n\n";
  write_table(traces_table(view), out);
  if (!view.missing.empty()) {
    out += "## What this journal lacks\n\n";
    write_list(view.missing, out);
  }
  std::string footer;
  for (const std::string& part :
       {view.node, view.platform, view.version.empty() ? "" : "sre-lab " + view.version})
    if (!part.empty()) footer += (footer.empty() ? "" : " · ") + part;
  if (!footer.empty()) out += "---\n_" + markdown_text(footer) + "_\n";
}

}  // namespace

std::string render_markdown(const boost::json::value& journal) {
  std::string out;
  write_run(read_journal(journal), out);
  return out;
}

std::string render_side_by_side_markdown(
    const std::vector<std::pair<std::string, boost::json::value>>& runs) {
  const std::vector<LabelledRun> read = read_runs(runs);
  std::string out =
      "# Side by side: " + (read.empty() ? "no runs" : markdown_text(read[0].view.title)) + "\n\n";
  write_table(comparison_table(read), out);
  out += "_" + std::string(kPhaseQuantileNote) + "_\n\n";
  for (const LabelledRun& run : read) {
    out += "## " + markdown_text(run.label) + "\n\n";
    if (!run.view.reason.empty())
      out +=
          "**" + verdict_title(run.view.verdict) + "**: " + markdown_text(run.view.reason) + "\n\n";
    out += "Slowest traces:\n\n";
    write_table(traces_table(run.view), out);
    write_list(run.view.missing, out);
  }
  return out;
}

std::string render_twin_validation_markdown(const boost::json::value& real,
                                            const boost::json::value& twin) {
  const JournalView real_view = read_journal(real);
  const TwinValidation validation = validate_twin(real_view, read_journal(twin));
  std::string out = "# The twin against the lab: " + markdown_text(real_view.title) + "\n\n";
  out += validation.within() ? "**Within target**: the verdicts agree, and every phase's p95 and "
                               "error shares are within 15 % (or 2 percentage points).\n\n"
                             : "**Outside target**: see the rows marked ✗.\n\n";
  write_table(validation_table(validation), out);
  return out;
}

}  // namespace srelab::experiment
