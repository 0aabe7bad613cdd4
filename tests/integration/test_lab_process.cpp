// Process for real: output to the log, exit statuses, stop by signal with SIGKILL escalation,
// always reaped, own process group, clean signal state and descriptors, another user when root,
// and the parent-death signal. Sleeps happen only inside the children.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lab/process.hpp"
#include "lab/start_up.hpp"
#include "lab/system_user.hpp"

namespace srelab::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/srelab-proctest-XXXXXX";
    ASSERT_NE(::mkdtemp(path), nullptr);
    dir_ = path;
    fs::permissions(dir_, fs::perms(0755));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path log() const { return dir_ / "child.log"; }

  std::string read_log() const {
    std::ifstream in(log());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Polls the child's log until it contains `text` (the child got past its setup).
  bool log_reaches(const std::string& text) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(5ms)) {
      if (read_log().find(text) != std::string::npos) return true;
    }
    return false;
  }

  Process spawn_shell(const std::string& script) {
    SpawnOptions options;
    options.argv = {"/bin/sh", "-c", script};
    options.log_file = log();
    std::string error;
    auto child = Process::spawn(options, error);
    EXPECT_TRUE(child) << error;
    return child ? std::move(*child) : Process();
  }

  fs::path dir_;
};

bool reaped(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD;
}

TEST_F(ProcessTest, OutputIsAppendedToTheLogAndTheExitStatusKept) {
  Process first = spawn_shell("echo out; echo err >&2; exit 3");
  EXPECT_EQ(first.wait(10s), 3);
  EXPECT_EQ(first.exit_status(), 3);
  EXPECT_FALSE(first.running());
  Process second = spawn_shell("echo again");
  EXPECT_EQ(second.wait(10s), 0);
  EXPECT_EQ(read_log(), "out\nerr\nagain\n");
}

TEST_F(ProcessTest, ExtraEnvironmentIsAddedOrReplaces) {
  ::setenv("SRELAB_TEST_A", "old", 1);
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", "echo \"$SRELAB_TEST_A $SRELAB_TEST_B\""};
  options.log_file = log();
  options.extra_env = {"SRELAB_TEST_A=new", "SRELAB_TEST_B=b"};
  auto child = Process::spawn(options);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->wait(10s), 0);
  EXPECT_EQ(read_log(), "new b\n");
  ::unsetenv("SRELAB_TEST_A");
}

TEST_F(ProcessTest, WorkingDirectoryIsApplied) {
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", "pwd"};
  options.log_file = log();
  options.working_dir = dir_;
  auto child = Process::spawn(options);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->wait(10s), 0);
  EXPECT_EQ(read_log(), dir_.string() + "\n");
}

TEST_F(ProcessTest, MissingProgramIsAnErrorNotAChild) {
  SpawnOptions options;
  options.argv = {"/nonexistent/program"};
  std::string error;
  auto child = Process::spawn(options, error);
  EXPECT_FALSE(child);
  EXPECT_NE(error.find("exec failed: No such file or directory"), std::string::npos) << error;
  EXPECT_NE(error.find("/nonexistent/program"), std::string::npos) << error;

  options.argv = {"/bin/true"};
  options.log_file = dir_ / "no-such-dir" / "x.log";
  EXPECT_FALSE(Process::spawn(options, error));
  EXPECT_NE(error.find("cannot open log file"), std::string::npos) << error;
}

TEST_F(ProcessTest, StopSendsTheSignalAndReaps) {
  Process child = spawn_shell("exec sleep 30");
  const pid_t pid = child.pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(child.running());
  child.stop(SIGTERM, 10s);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.exit_status(), 128 + SIGTERM);
  EXPECT_TRUE(reaped(pid));
  child.stop(SIGTERM, 10s);  // a second stop signals nothing (the pid may be reused)
  EXPECT_EQ(child.exit_status(), 128 + SIGTERM);
}

TEST_F(ProcessTest, StopEscalatesToSigkillAfterTheGrace) {
  // An ignored SIGTERM survives exec, so the sleep itself ignores it.
  Process child = spawn_shell("trap '' TERM; echo ready; exec sleep 30");
  ASSERT_TRUE(log_reaches("ready"));
  const auto began = std::chrono::steady_clock::now();
  child.stop(SIGTERM, 300ms);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(child.exit_status(), 128 + SIGKILL);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(reaped(child.pid()));
}

TEST_F(ProcessTest, RunningReapsAChildThatExitedOnItsOwn) {
  Process child = spawn_shell("exit 0");
  const pid_t pid = child.pid();
  while (child.running()) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(child.exit_status(), 0);
  EXPECT_TRUE(reaped(pid));
}

TEST_F(ProcessTest, DestructorStopsAndReaps) {
  pid_t pid = -1;
  {
    Process child = spawn_shell("exec sleep 30");
    pid = child.pid();
  }
  EXPECT_TRUE(reaped(pid));
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST_F(ProcessTest, MoveHandsOverTheChild) {
  Process a = spawn_shell("exec sleep 30");
  const pid_t pid = a.pid();
  Process b(std::move(a));
  EXPECT_EQ(b.pid(), pid);
  EXPECT_FALSE(a.running());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  Process c = spawn_shell("exec sleep 30");
  const pid_t other = c.pid();
  c = std::move(b);  // stops the child c held
  EXPECT_TRUE(reaped(other));
  EXPECT_EQ(c.pid(), pid);
  EXPECT_TRUE(c.running());
}

TEST_F(ProcessTest, ChildLeadsItsOwnProcessGroup) {
  Process child = spawn_shell("exec sleep 30");
  EXPECT_EQ(::getpgid(child.pid()), child.pid());
  EXPECT_NE(::getpgid(child.pid()), ::getpgrp());
}

TEST_F(ProcessTest, ChildStartsWithDefaultSignalsAndNoInheritedDescriptors) {
  // Ignored by us and blocked by us; the child must get neither.
  struct sigaction old_pipe {};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  sigset_t block, old_mask;
  ::sigemptyset(&block);
  ::sigaddset(&block, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  const int leaked = ::socket(AF_INET, SOCK_STREAM, 0);  // no SOCK_CLOEXEC on purpose

  Process child = spawn_shell("echo ready; exec sleep 30");
  ASSERT_TRUE(log_reaches("ready"));
  // The shell holds a close-on-exec descriptor of its own until its exec of `sleep` is through,
  // and the kernel renames the process before it closes those (seen under load: a "3" beside
  // 0, 1, 2 with the name already "sleep"). So what the child inherited is read once it is
  // `sleep` and asleep in its nanosleep ("S"), i.e. past the exec.
  const std::string stat_path = "/proc/" + std::to_string(child.pid()) + "/stat";
  std::string stat_line;
  const auto asleep_as_sleep = [&stat_line] {
    return stat_line.find("(sleep) S") != std::string::npos;
  };
  for (int i = 0; i < 500 && !asleep_as_sleep(); ++i) {
    std::getline(std::ifstream(stat_path), stat_line);
    if (!asleep_as_sleep()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(asleep_as_sleep()) << stat_line;
  std::ifstream status("/proc/" + std::to_string(child.pid()) + "/status");
  std::string line, ignored_mask, blocked_mask;
  while (std::getline(status, line)) {
    if (line.rfind("SigIgn:", 0) == 0) ignored_mask = line;
    if (line.rfind("SigBlk:", 0) == 0) blocked_mask = line;
  }
  std::vector<std::string> fds;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(child.pid()) + "/fd")) {
    fds.push_back(entry.path().filename().string());
  }
  const auto stdin_target = fs::read_symlink("/proc/" + std::to_string(child.pid()) + "/fd/0");

  ::close(leaked);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);

  EXPECT_EQ(ignored_mask, "SigIgn:\t0000000000000000");
  EXPECT_EQ(blocked_mask, "SigBlk:\t0000000000000000");
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(stdin_target, "/dev/null");
}

TEST_F(ProcessTest, RunsAsTheGivenUserWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "switching users needs root";
  std::string error;
  auto user = ensure_system_user("srelab", error);
  ASSERT_TRUE(user) << error;
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", "id -u; id -g; id -G"};
  options.log_file = log();
  options.run_as = "srelab";
  auto child = Process::spawn(options, error);
  ASSERT_TRUE(child) << error;
  EXPECT_EQ(child->wait(10s), 0);
  std::istringstream lines(read_log());
  std::string uid, gid, groups;
  std::getline(lines, uid);
  std::getline(lines, gid);
  std::getline(lines, groups);
  EXPECT_EQ(uid, std::to_string(user->uid));
  EXPECT_EQ(gid, std::to_string(user->gid));
  std::istringstream group_list(groups);
  for (std::string group; group_list >> group;) EXPECT_NE(group, "0") << "root's group kept";

  options.run_as = "no-such-user-srelab";
  EXPECT_FALSE(Process::spawn(options, error));
  EXPECT_NE(error.find("no-such-user-srelab"), std::string::npos) << error;
}

// The child gets SIGTERM when the process that spawned it dies. We become a subreaper so the
// orphan is reparented to us and we can see how it ended.
TEST_F(ProcessTest, ParentDeathSignalReachesTheChild) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    SpawnOptions options;
    options.argv = {"/bin/sleep", "30"};
    options.parent_death_signal = SIGTERM;
    auto child = Process::spawn(options);
    const pid_t grandchild = child ? child->pid() : -1;
    [[maybe_unused]] auto written = ::write(pipe_fds[1], &grandchild, sizeof grandchild);
    ::_exit(0);  // no destructors: the child is left running, orphaned
  }
  ::close(pipe_fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(::read(pipe_fds[0], &grandchild, sizeof grandchild),
            static_cast<ssize_t>(sizeof grandchild));
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(middle, &status, 0), middle);
  ASSERT_GT(grandchild, 0);
  ASSERT_EQ(::waitpid(grandchild, &status, 0), grandchild);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

// The start-up wait every lab server uses (lab/start_up.hpp): ready, exited, or out of time.
TEST_F(ProcessTest, StartUpEndsWhenReadyWhenTheProcessExitsOrWhenTimeIsUp) {
  Process waits = spawn_shell("sleep 5");
  int asked = 0;
  EXPECT_EQ(await_start_up(waits, 5s, 5ms, [&] { return ++asked == 3; }), StartUp::ready);
  EXPECT_EQ(asked, 3);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(await_start_up(waits, 100ms, 5ms, [] { return false; }), StartUp::timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_TRUE(waits.running());
  waits.stop(SIGKILL, 0ms);

  Process fails = spawn_shell("echo 'bad setting on line 3'; exit 4");
  EXPECT_EQ(await_start_up(fails, 5s, 5ms, [] { return false; }), StartUp::exited);
  EXPECT_EQ(exited_during_start_up("server", fails, log(), 0),
            "server exited during start-up (status 4): bad setting on line 3");
}

}  // namespace
}  // namespace srelab::lab
