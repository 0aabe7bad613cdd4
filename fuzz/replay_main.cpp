// A fuzz target without libFuzzer, for the trees built with g++ (which has none): runs every
// file of the given folders (the target's seed corpus), then small mutations of them (a byte
// changed, removed or inserted, a piece repeated, the input cut short) from a fixed seed, until
// --seconds or --runs is reached. The sequence is the same on every run, so a failure repeats;
// the input that failed is written to a file named in the message. The sanitizer tree runs each
// target this way as a test (fuzz/CMakeLists.txt): the targets' invariants are checked on every
// CI run without a clang tree of their own. Real fuzzing, with coverage, is `./lab fuzz`.
//   fuzz_replay_<target> [--seconds S] [--runs N] FOLDER...
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

// What the abort handler writes out: the input being run and where it came from.
const Input* current_input = nullptr;
char current_origin[512] = "";
constexpr const char* kFailedInputPath = "fuzz-replay-failed-input";

void write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd, bytes, size);
    if (written <= 0) return;
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

void write_text(int fd, std::string_view text) {
  write_all(fd, text.data(), text.size());
}

// A broken invariant aborts (fuzz/check.hpp), and so does a sanitizer's report here
// (abort_on_error): save the input first. Only async-signal-safe calls.
extern "C" void on_abort(int) {
  if (current_input != nullptr) {
    const int fd = ::open(kFailedInputPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      write_all(fd, current_input->data(), current_input->size());
      ::close(fd);
    }
    write_text(STDERR_FILENO, "fuzz replay: failed on ");
    write_text(STDERR_FILENO, current_origin);
    write_text(STDERR_FILENO, "; the input is in ./");
    write_text(STDERR_FILENO, kFailedInputPath);
    write_text(STDERR_FILENO, "\n");
  }
  ::signal(SIGABRT, SIG_DFL);
  ::raise(SIGABRT);
}

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr, "fuzz replay: %s\nusage: [--seconds S] [--runs N] FOLDER...\n",
               problem.c_str());
  std::exit(2);
}

unsigned long positive_number(const char* flag, const char* text) {
  char* end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  if (text[0] < '1' || text[0] > '9' || *end != '\0' || value > 100'000'000)
    usage(std::string(flag) + " must be a whole number from 1 to 100000000, not '" + text + "'");
  return value;
}

// Bytes parsers treat specially: ends of strings and lines, JSON's and YAML's punctuation,
// RESP's type bytes, MessagePack's markers, digits and their limits.
constexpr std::array<std::uint8_t, 24> kSpecialBytes{
    0x00, 0xff, 0x7f, 0x80, '\n', '\r', '"', '\'', ':', ',',  '{',  '}',
    '[',  ']',  '%',  '-',  '*',  '$',  '0', '9',  ' ', 0xc0, 0xdc, 0xde};

Input mutate(const Input& seed, std::mt19937& random) {
  Input input = seed;
  const auto pick = [&random](std::size_t below) {
    return std::uniform_int_distribution<std::size_t>(0, below - 1)(random);
  };
  const std::size_t changes = 1 + pick(4);
  for (std::size_t change = 0; change < changes; ++change) {
    const std::uint8_t byte = pick(2) == 0 ? kSpecialBytes[pick(kSpecialBytes.size())]
                                           : static_cast<std::uint8_t>(pick(256));
    switch (input.empty() ? 2 : pick(5)) {
      case 0:
        input[pick(input.size())] = byte;
        break;
      case 1:
        input.erase(input.begin() + static_cast<std::ptrdiff_t>(pick(input.size())));
        break;
      case 2:
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(pick(input.size() + 1)), byte);
        break;
      case 3:
        input.resize(pick(input.size()));
        break;
      default: {  // a piece of the input repeated somewhere in it: lengths and nesting grow
        const std::size_t from = pick(input.size());
        const std::size_t length = 1 + pick(std::min<std::size_t>(input.size() - from, 64));
        const Input piece(input.begin() + static_cast<std::ptrdiff_t>(from),
                          input.begin() + static_cast<std::ptrdiff_t>(from + length));
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(pick(input.size() + 1)),
                     piece.begin(), piece.end());
      }
    }
  }
  return input;
}

void run(const Input& input, const std::string& origin) {
  std::snprintf(current_origin, sizeof current_origin, "%s", origin.c_str());
  current_input = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
  current_input = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  unsigned long max_runs = 100'000;
  std::vector<std::filesystem::path> folders;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--seconds" || arg == "--runs") && i + 1 < argc) {
      const unsigned long value = positive_number(argv[i], argv[i + 1]);
      if (arg == "--seconds")
        seconds = static_cast<double>(value);
      else
        max_runs = value;
      ++i;
    } else if (arg.starts_with("-")) {
      usage("unknown option '" + arg + "'");
    } else {
      folders.emplace_back(arg);
    }
  }
  if (folders.empty()) usage("no corpus folder given");

  std::vector<std::pair<std::string, Input>> seeds;
  for (const auto& folder : folders) {
    std::error_code error;
    std::filesystem::directory_iterator files(folder, error);
    if (error) usage("cannot read " + folder.string() + ": " + error.message());
    for (const auto& file : files) {
      if (!file.is_regular_file()) continue;
      std::ifstream in(file.path(), std::ios::binary);
      seeds.emplace_back(file.path().string(), Input(std::istreambuf_iterator<char>(in), {}));
    }
  }
  if (seeds.empty()) usage("the corpus folders hold no files");
  // Directory order is the file system's: sorted, so the mutations' sequence is the same anywhere.
  std::sort(seeds.begin(), seeds.end());
  ::signal(SIGABRT, on_abort);

  for (const auto& [name, input] : seeds) run(input, name);
  std::mt19937 random(20261203);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  unsigned long mutations = 0;
  while (seeds.size() + mutations < max_runs && std::chrono::steady_clock::now() < deadline) {
    const auto& [name, seed] = seeds[mutations % seeds.size()];
    run(mutate(seed, random), "mutation " + std::to_string(mutations) + " of " + name);
    ++mutations;
  }
  std::printf("fuzz replay: %zu seeds and %lu mutations of them ran clean\n", seeds.size(),
              mutations);
  return 0;
}
