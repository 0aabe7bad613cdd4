// The Markdown report of an experiment run (report.md), and of several runs side by side. It holds
// what the HTML report holds, as text: the head (title, verdict and why, status, start, duration,
// description, tags), the judged probes, the method's steps and rollbacks, the phase table, a
// one-line sparkline per chart series, the slowest traces as links, and what the journal lacks.
// The content comes from report_tables and report_charts, shared with report_html.
//
// Neither function throws on a journal with missing, null or mistyped fields: it writes what is
// there and says what is not.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

namespace srelab::experiment {

std::string render_markdown(const boost::json::value& journal);

// Several runs of the same experiment (e.g. with and without protection); the labels are the
// column titles.
std::string render_side_by_side_markdown(
    const std::vector<std::pair<std::string, boost::json::value>>& runs);

// A real run and the same experiment on the twin (experiment/twin_validation.hpp).
std::string render_twin_validation_markdown(const boost::json::value& real,
                                            const boost::json::value& twin);

}  // namespace srelab::experiment
