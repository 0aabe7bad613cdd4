// The HTML report of an experiment run (report.html), and of several runs side by side: one
// self-contained page (inline CSS and inline SVG; no script, font or stylesheet from anywhere)
// that reads well on screen and printed. It shows the head with the verdict in large letters,
// the judged probes, the method's steps and rollbacks, the charts (svg_chart, chosen by
// report_charts), the phase table, links to the slowest traces, and what the journal lacks. Side
// by side, the comparison table is followed by each run's main charts in columns on one scale.
//
// Every text from the journal is escaped; only http(s) links become links. Neither function
// throws on a journal with missing, null or mistyped fields.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

namespace srelab::experiment {

std::string render_html(const boost::json::value& journal);

// Several runs of the same experiment (e.g. with and without protection); the labels are the
// column titles.
std::string render_side_by_side_html(
    const std::vector<std::pair<std::string, boost::json::value>>& runs);

}  // namespace srelab::experiment
