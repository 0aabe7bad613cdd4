// The experiment file parser (experiment/document and experiment/experiment_spec): YAML or JSON
// from a file the user hands to `sre-lab experiment run`. Any text either parses or gives one
// error naming the file (and the line, when there is one); a document read from it, written as
// JSON and read again, is the same document.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "experiment/document.hpp"
#include "experiment/experiment_spec.hpp"
#include "fuzz/check.hpp"
#include "tests/common/fake_load_plans.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace srelab::experiment;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const DocumentResult document = read_document(text);
  FUZZ_CHECK(document.root.has_value() == document.error.empty(),
             "a document is read or has an error, not both");
  if (document.root) {
    const boost::json::value json = to_json(*document.root);
    const DocumentResult again = read_document(boost::json::serialize(json));
    FUZZ_CHECK(again.root.has_value(), "a document written as JSON reads back");
    FUZZ_CHECK(to_json(*again.root) == json, "a document written as JSON reads back the same");
  }

  const ParseResult parsed =
      parse_experiment(text, "fuzz.yaml", {}, srelab::testing::fake_load_plan);
  FUZZ_CHECK(parsed.experiment.has_value() == parsed.error.empty(),
             "an experiment parses or has an error, not both");
  if (!parsed.experiment)
    FUZZ_CHECK(parsed.error.starts_with("fuzz.yaml"), "the error names the file");
  return 0;
}
