// The supervisor over fake children on a ManualClock: an exit is reported and restarted after its
// backoff, a failed start retried, the limit stops the lab; the channel's actions (kill, stop,
// start, pause, resume) with their guardrails and refusals; and a shutdown resumes what is paused.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <utility>
#include <vector>

#include "lab/supervisor.hpp"

namespace srelab::lab {
namespace {

using namespace std::chrono_literals;

// A child in memory: alive or not, its signals recorded, a SIGKILL ends it.
struct FakeChild {
  bool alive = true;
  pid_t pid = 100;
  std::optional<int> status;
  bool start_works = true;
  int starts = 0;
  int stops = 0;
  std::vector<std::pair<int, bool>> signals;  // (signal, to the whole server)

  void crash(int code) {
    alive = false;
    status = code;
  }

  ChildHooks hooks() {
    ChildHooks h;
    h.start = [this](std::string& error) {
      ++starts;
      if (!start_works) {
        error = "port taken";
        return false;
      }
      alive = true;
      status.reset();
      ++pid;
      return true;
    };
    h.stop = [this] {
      ++stops;
      crash(0);
    };
    h.running = [this] { return alive; };
    h.pid = [this] { return pid; };
    h.exit_status = [this] { return status; };
    h.signal = [this](int signal, bool whole) {
      signals.emplace_back(signal, whole);
      if (signal == SIGKILL) crash(128 + SIGKILL);
    };
    h.wait_exit = [this](std::chrono::milliseconds) { return !alive; };
    return h;
  }
};

class SupervisorTest : public ::testing::Test {
 protected:
  explicit SupervisorTest(RestartSettings settings = {})
      : supervisor_(settings, [this](const SupervisorEvent& e) { events_.push_back(e); }) {
    supervisor_.add({"redis", "Redis", true, redis_.hooks()}, clock_.now());
    supervisor_.add({"service", "the service", false, service_.hooks()}, clock_.now());
  }

  bool tick_after(Clock::duration by) {
    clock_.advance(by);
    return supervisor_.tick(clock_.now());
  }
  ChildView view(const std::string& name) const {
    for (const ChildView& v : supervisor_.view(clock_.now()))
      if (v.name == name) return v;
    return {};
  }
  ActResult act(const std::string& name, DependencyAction action,
                std::optional<Clock::duration> revert = std::nullopt) {
    return supervisor_.act({{name, action}}, revert, clock_.now());
  }
  std::string last_event() const { return events_.empty() ? "" : events_.back().message; }

  ManualClock clock_;
  FakeChild redis_;
  FakeChild service_;
  std::vector<SupervisorEvent> events_;
  Supervisor supervisor_;
};

TEST_F(SupervisorTest, AnExitIsReportedAndRestartedAfterItsBackoff) {
  redis_.crash(128 + SIGKILL);
  EXPECT_TRUE(tick_after(10ms));
  EXPECT_EQ(last_event(), "Redis (pid 100) killed by SIGKILL; restarting in 1 s (restart 1)");
  EXPECT_EQ(view("redis").state, ChildState::restarting);
  EXPECT_EQ(view("redis").last_exit, "killed by SIGKILL");
  EXPECT_FALSE(view("redis").pid);
  EXPECT_TRUE(tick_after(900ms));
  EXPECT_EQ(redis_.starts, 0);
  EXPECT_TRUE(tick_after(100ms));
  EXPECT_EQ(redis_.starts, 1);
  EXPECT_EQ(view("redis").state, ChildState::running);
  EXPECT_EQ(view("redis").pid, 101);
  EXPECT_EQ(view("redis").restarts, 1);
  EXPECT_EQ(last_event(), "Redis restarted (pid 101)");
  EXPECT_EQ(service_.starts, 0);  // the others are left alone
}

TEST_F(SupervisorTest, AFailedStartIsRetriedWithALongerDelay) {
  service_.crash(3);
  tick_after(0ms);
  EXPECT_EQ(last_event(),
            "the service (pid 100) exited with status 3; restarting in 1 s (restart 1)");
  tick_after(1s);
  EXPECT_EQ(service_.starts, 1);
  redis_.start_works = false;
  redis_.crash(1);
  tick_after(0ms);
  tick_after(1s);
  EXPECT_EQ(redis_.starts, 1);
  EXPECT_EQ(last_event(), "Redis did not start: port taken; restarting in 2 s (restart 2)");
  redis_.start_works = true;
  tick_after(2s);
  EXPECT_EQ(view("redis").state, ChildState::running);
}

class SupervisorLimitTest : public SupervisorTest {
 protected:
  SupervisorLimitTest() : SupervisorTest({.limit = 0}) {}
};

TEST_F(SupervisorLimitTest, WithRestartsOffTheFirstExitStopsTheLab) {
  EXPECT_TRUE(tick_after(1s));
  redis_.crash(128 + SIGKILL);
  EXPECT_FALSE(tick_after(1s));
  EXPECT_EQ(supervisor_.gave_up(), "Redis (pid 100) killed by SIGKILL; restarts are off");
  EXPECT_EQ(view("redis").state, ChildState::failed);
  EXPECT_EQ(redis_.starts, 0);
}

TEST_F(SupervisorTest, KillIsACrashThatTheBackoffRestarts) {
  const ActResult result = act("redis", DependencyAction::kill);
  ASSERT_EQ(result.status, 200);
  ASSERT_EQ(result.dependencies.size(), 1u);
  EXPECT_EQ(result.dependencies[0].state, ChildState::restarting);
  EXPECT_EQ(result.dependencies[0].restart_in_s, 1.0);
  EXPECT_EQ(redis_.signals, (std::vector<std::pair<int, bool>>{{SIGKILL, false}}));
  tick_after(1s);
  EXPECT_EQ(view("redis").state, ChildState::running);
}

TEST_F(SupervisorTest, PauseStopsTheWholeServerAndItsGuardrailResumesIt) {
  const ActResult result = act("redis", DependencyAction::pause, 2s);
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.dependencies[0].state, ChildState::paused);
  EXPECT_EQ(result.dependencies[0].reverts_in_s, 2.0);
  EXPECT_EQ(result.dependencies[0].pid, 100);
  EXPECT_EQ(redis_.signals.back(), std::make_pair(SIGSTOP, true));
  tick_after(1900ms);
  EXPECT_EQ(view("redis").state, ChildState::paused);  // paused is not exited
  tick_after(100ms);
  EXPECT_EQ(view("redis").state, ChildState::running);
  EXPECT_EQ(redis_.signals.back(), std::make_pair(SIGCONT, true));
  EXPECT_EQ(last_event(), "Redis resumed: its duration_s guardrail ran out");
}

TEST_F(SupervisorTest, ResumeEndsAPauseAndItsGuardrail) {
  act("redis", DependencyAction::pause, 5s);
  EXPECT_EQ(act("redis", DependencyAction::resume).dependencies[0].state, ChildState::running);
  EXPECT_FALSE(view("redis").reverts_in_s);
  const auto signals = redis_.signals.size();
  tick_after(10s);
  EXPECT_EQ(redis_.signals.size(), signals);
}

TEST_F(SupervisorTest, AStoppedDependencyIsNotRestartedUntilStartOrItsGuardrail) {
  EXPECT_EQ(act("redis", DependencyAction::stop, 3s).dependencies[0].state, ChildState::stopped);
  EXPECT_EQ(redis_.stops, 1);
  tick_after(2s);
  EXPECT_EQ(redis_.starts, 0);
  EXPECT_EQ(view("redis").state, ChildState::stopped);
  tick_after(1s);
  EXPECT_EQ(redis_.starts, 1);
  EXPECT_EQ(view("redis").state, ChildState::running);
  EXPECT_EQ(view("redis").restarts, 0);  // not a crash

  act("redis", DependencyAction::stop);
  tick_after(1h);
  EXPECT_EQ(view("redis").state, ChildState::stopped);
  EXPECT_EQ(act("redis", DependencyAction::start).dependencies[0].state, ChildState::running);
}

TEST_F(SupervisorTest, StoppingAPausedDependencyContinuesItFirst) {
  act("redis", DependencyAction::pause);
  act("redis", DependencyAction::stop);
  EXPECT_EQ(redis_.signals.back(), std::make_pair(SIGCONT, true));
  EXPECT_EQ(redis_.stops, 1);
}

TEST_F(SupervisorTest, ActionsThatDoNotApplyAreRefusedAndNothingIsDone) {
  act("redis", DependencyAction::stop);
  ActResult result = act("redis", DependencyAction::pause);
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.detail, "redis is stopped: nothing to pause");
  result =
      supervisor_.act({{"redis", DependencyAction::start}, {"postgres", DependencyAction::kill}},
                      std::nullopt, clock_.now());
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.detail, "no dependency named postgres runs under sre-lab up");
  EXPECT_EQ(redis_.starts, 0);                                    // the whole request was refused
  EXPECT_EQ(act("service", DependencyAction::kill).status, 409);  // not a dependency
}

TEST_F(SupervisorTest, AnExternalDependencyIsRefusedWithItsReason) {
  supervisor_.add_external("postgres", "postgres is external");
  const ActResult result = act("postgres", DependencyAction::pause);
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.detail, "postgres is external");
}

TEST_F(SupervisorTest, ShutdownResumesWhatIsPaused) {
  act("redis", DependencyAction::pause);
  supervisor_.resume_paused();
  EXPECT_EQ(redis_.signals.back(), std::make_pair(SIGCONT, true));
  EXPECT_EQ(view("redis").state, ChildState::running);
}

TEST(DescribeExit, NamesTheSignalOrTheCode) {
  EXPECT_EQ(describe_exit(128 + SIGKILL), "killed by SIGKILL");
  EXPECT_EQ(describe_exit(128 + SIGSEGV), "killed by SIGSEGV");
  EXPECT_EQ(describe_exit(1), "exited with status 1");
  EXPECT_EQ(describe_exit(std::nullopt), "exited (status unknown)");
}

}  // namespace
}  // namespace srelab::lab
