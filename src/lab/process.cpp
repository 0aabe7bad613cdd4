#include "lab/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

extern char** environ;

namespace srelab::lab {
namespace {

// What the child was doing when it failed, reported to the parent through a close-on-exec pipe
// (no allocation or formatting is allowed between fork and exec).
enum class ChildStage : int {
  set_process_group,
  redirect_output,
  set_groups,
  set_gid,
  set_uid,
  parent_death_signal,
  change_directory,
  exec,
};

const char* describe(ChildStage stage) {
  switch (stage) {
    case ChildStage::set_process_group:
      return "setpgid";
    case ChildStage::redirect_output:
      return "redirecting output";
    case ChildStage::set_groups:
      return "setgroups";
    case ChildStage::set_gid:
      return "setgid";
    case ChildStage::set_uid:
      return "setuid";
    case ChildStage::parent_death_signal:
      return "prctl(PR_SET_PDEATHSIG)";
    case ChildStage::change_directory:
      return "chdir";
    case ChildStage::exec:
      return "exec";
  }
  return "?";
}

struct ChildFailure {
  ChildStage stage;
  int error;
};

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// Looked up before fork: getpwnam and initgroups read files and allocate, which a forked child
// of a multi-threaded parent must not do.
bool look_up_user(const std::string& name, Credentials& out, std::string& error) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || found == nullptr) {
    error = "no such user '" + name + "'" + (rc != 0 ? std::string(": ") + std::strerror(rc) : "");
    return false;
  }
  out.uid = entry.pw_uid;
  out.gid = entry.pw_gid;
  int count = 64;
  out.groups.resize(static_cast<std::size_t>(count));
  if (::getgrouplist(name.c_str(), out.gid, out.groups.data(), &count) < 0) {
    out.groups.resize(static_cast<std::size_t>(count));
    ::getgrouplist(name.c_str(), out.gid, out.groups.data(), &count);
  }
  out.groups.resize(static_cast<std::size_t>(count));
  return true;
}

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  auto key_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string current = *entry;
    bool replaced = false;
    for (const auto& added : extra) replaced = replaced || key_of(added) == key_of(current);
    if (!replaced) env.push_back(current);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Everything the child needs, prepared before fork so the child only makes system calls.
struct ChildPlan {
  char* const* argv;
  char* const* envp;
  int stdin_fd;
  int log_fd;                      // -1: inherit stdout/stderr
  const Credentials* credentials;  // null: stay who we are
  const char* working_dir;         // null: stay where we are
  int parent_death_signal;
  pid_t parent;
  int report_fd;
};

[[noreturn]] void fail_in_child(int report_fd, ChildStage stage) {
  const ChildFailure failure{stage, errno};
  [[maybe_unused]] auto written = ::write(report_fd, &failure, sizeof failure);
  ::_exit(127);
}

// Runs in the forked child: async-signal-safe calls only.
[[noreturn]] void run_child(const ChildPlan& plan) {
  // Own process group: a terminal Ctrl-C goes to the lab alone, which stops children in order.
  if (::setpgid(0, 0) != 0) fail_in_child(plan.report_fd, ChildStage::set_process_group);

  // Ignored signals and the blocked mask survive exec; the servers expect the defaults.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) {
    if (signal != SIGKILL && signal != SIGSTOP) ::sigaction(signal, &default_action, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  if (::dup2(plan.stdin_fd, STDIN_FILENO) < 0) {
    fail_in_child(plan.report_fd, ChildStage::redirect_output);
  }
  if (plan.log_fd >= 0 &&
      (::dup2(plan.log_fd, STDOUT_FILENO) < 0 || ::dup2(plan.log_fd, STDERR_FILENO) < 0)) {
    fail_in_child(plan.report_fd, ChildStage::redirect_output);
  }
  if (plan.credentials != nullptr) {
    const Credentials& who = *plan.credentials;
    if (::setgroups(who.groups.size(), who.groups.data()) != 0) {
      fail_in_child(plan.report_fd, ChildStage::set_groups);
    }
    if (::setgid(who.gid) != 0) fail_in_child(plan.report_fd, ChildStage::set_gid);
    if (::setuid(who.uid) != 0) fail_in_child(plan.report_fd, ChildStage::set_uid);
  }
  // After setuid: changing credentials clears the parent-death signal.
  if (plan.parent_death_signal != 0) {
    if (::prctl(PR_SET_PDEATHSIG, plan.parent_death_signal) != 0) {
      fail_in_child(plan.report_fd, ChildStage::parent_death_signal);
    }
    if (::getppid() != plan.parent) ::_exit(127);  // the parent died before prctl took effect
  }
  if (plan.working_dir != nullptr && ::chdir(plan.working_dir) != 0) {
    fail_in_child(plan.report_fd, ChildStage::change_directory);
  }
  // Descriptors the parent opened without O_CLOEXEC (sockets, files) must not leak into the
  // server: a leaked listening socket would keep a port taken after we exit.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(plan.argv[0], plan.argv, plan.envp);
  fail_in_child(plan.report_fd, ChildStage::exec);
}

// The state letter of /proc/PID/stat ('T': stopped); '?' when it is gone.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(") ");
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

}  // namespace

result<Process> Process::spawn(const SpawnOptions& options) {
  std::string ignored;
  return spawn(options, ignored);
}

result<Process> Process::spawn(const SpawnOptions& options, std::string& error) {
  if (options.argv.empty() || options.argv.front().empty()) {
    error = "no program to run";
    return errc::invalid_argument;
  }
  const std::string& program = options.argv.front();

  Credentials credentials;
  const bool switch_user = options.run_as.has_value() && ::geteuid() == 0;
  if (switch_user && !look_up_user(*options.run_as, credentials, error)) {
    return errc::invalid_argument;
  }

  Fd stdin_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (stdin_fd.get() < 0) {
    error = std::string("cannot open /dev/null: ") + std::strerror(errno);
    return errc::invalid_argument;
  }
  Fd log_fd(options.log_file.empty() ? -1
                                     : ::open(options.log_file.c_str(),
                                              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!options.log_file.empty()) {
    if (log_fd.get() < 0) {
      error = "cannot open log file " + options.log_file.string() + ": " + std::strerror(errno);
      return errc::invalid_argument;
    }
  }
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    error = std::string("pipe2: ") + std::strerror(errno);
    return errc::invalid_argument;
  }
  Fd report_read(report[0]);
  Fd report_write(report[1]);

  std::vector<std::string> argv_strings = options.argv;
  std::vector<std::string> env_strings = child_environment(options.extra_env);
  const std::vector<char*> argv = pointers_to(argv_strings);
  const std::vector<char*> envp = pointers_to(env_strings);
  const std::string working_dir = options.working_dir.string();
  const ChildPlan plan{
      argv.data(), envp.data(), stdin_fd.get(), log_fd.get(), switch_user ? &credentials : nullptr,
      working_dir.empty() ? nullptr : working_dir.c_str(),
      // Only the main thread's exit means that we died.
      ::gettid() == ::getpid() ? options.parent_death_signal : 0, ::getpid(), report_write.get()};

  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return errc::invalid_argument;
  }
  if (pid == 0) run_child(plan);

  // Also set from the parent: whichever runs first, the group exists before we signal it.
  ::setpgid(pid, pid);
  report_write.reset();
  ChildFailure failure{};
  ssize_t got = 0;
  do {
    got = ::read(report_read.get(), &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);

  Process child(pid);
  if (got == static_cast<ssize_t>(sizeof failure)) {
    child.stop(SIGKILL, std::chrono::milliseconds(0));  // it is exiting already; reap it
    error = "cannot start " + program + ": " + describe(failure.stage) +
            " failed: " + std::strerror(failure.error);
    return errc::invalid_argument;
  }
  return child;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_status_(std::exchange(other.exit_status_, {})) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    stop(SIGTERM, std::chrono::seconds(5));
    pid_ = std::exchange(other.pid_, -1);
    exit_status_ = std::exchange(other.exit_status_, {});
  }
  return *this;
}

Process::~Process() {
  stop(SIGTERM, std::chrono::seconds(5));
}

bool Process::running() {
  if (pid_ <= 0 || exit_status_.has_value()) return false;
  return !try_reap();
}

// Returns true once the child is reaped (now or before). Only this object waits on its pid,
// so a reaped pid is never signalled again.
bool Process::try_reap() {
  if (exit_status_.has_value()) return true;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = status_of(status);
      return true;
    }
    if (r == 0) return false;
    if (errno == EINTR) continue;
    exit_status_ = -1;  // ECHILD: reaped elsewhere (SIGCHLD ignored); the status is lost
    return true;
  }
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (!try_reap()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  return exit_status_;
}

void Process::stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ <= 0 || try_reap()) return;
  ::kill(pid_, signal);
  if (wait(grace).has_value()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  exit_status_ = r == pid_ ? status_of(status) : -1;
}

void signal_tree(pid_t pid, int signal) {
  if (pid <= 1) return;
  ::kill(pid, signal);
  // A stop takes effect when the process next runs: until then it could still fork a child
  // that the listing below would miss.
  if (signal == SIGSTOP) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    for (char state = process_state(pid); state != 'T' && state != 'Z' && state != '?';
         state = process_state(pid)) {
      if (std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream children(task.path() / "children");
    for (pid_t child; children >> child;) signal_tree(child, signal);
  }
}

}  // namespace srelab::lab
