// The container a process runs in, from sample /proc/self/cgroup texts of the runtimes the agent
// knows, and the entity id made of it (or of the cgroup inode) — nothing outside a container.
#include <gtest/gtest.h>

#include <string>

#include "telemetry/datadog/container_id.hpp"

namespace srelab::telemetry {
namespace {

const std::string kDockerId = "3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860";

struct Case {
  std::string cgroup;
  std::optional<std::string> id;
  const char* what;
};

TEST(ContainerId, FoundInTheCgroupPathsOfKnownRuntimes) {
  const Case cases[] = {
      {"12:memory:/docker/" + kDockerId + "\n11:cpu:/docker/" + kDockerId + "\n", kDockerId,
       "cgroup v1, Docker"},
      {"0::/system.slice/docker-" + kDockerId + ".scope\n", kDockerId, "cgroup v2, systemd"},
      {"1:name=systemd:/kubepods.slice/kubepods-burstable.slice/"
       "kubepods-burstable-pod2d3da189_6407_48e3_9ab6_78188d75e609.slice/cri-containerd-" +
           kDockerId + ".scope\n",
       kDockerId, "Kubernetes, containerd under systemd"},
      {"11:perf_event:/kubepods/besteffort/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/" + kDockerId +
           "\n",
       kDockerId, "Kubernetes, cgroupfs"},
      {"0::/machine.slice/libpod-" + kDockerId + ".scope/container\n", std::nullopt,
       "Podman's inner cgroup: the id is not the last segment"},
      {"1:name=systemd:/ecs/34dc0b5e626f2c5c4c5170e34b10e765-1234567890\n",
       "34dc0b5e626f2c5c4c5170e34b10e765-1234567890", "ECS Fargate task"},
      {"1:name=systemd:/ecs/55091c13-b8cf-4801-b527-f4601742204d/"
       "432624d2150b349fe35ba397284dea788c2bf66b885d14dfc1569b01810b6cbe\n",
       "432624d2150b349fe35ba397284dea788c2bf66b885d14dfc1569b01810b6cbe", "ECS on EC2"},
      {"0::/user.slice/user-1000.slice/session-3.scope\n", std::nullopt, "a host login session"},
      {"0::/\n", std::nullopt, "cgroup v2 inside a cgroup namespace: no path to read"},
      {"4:memory:/process_api/efc0ea7dbc1a34a17b4b4f0d415d8053\n", std::nullopt,
       "32 hex digits alone are no container id"},
      {"", std::nullopt, "empty"},
      {"garbage without colons\n", std::nullopt, "not cgroup lines"},
      {"0::/docker-" + kDockerId.substr(1) + "x.scope\n", std::nullopt, "not hex"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(container_id_from_cgroup(c.cgroup), c.id) << c.what << "\n" << c.cgroup;
}

TEST(ContainerId, TheFirstLineWithAnIdWins) {
  const std::string other(64, 'a');
  EXPECT_EQ(container_id_from_cgroup("3:cpu:/\n2:memory:/docker/" + kDockerId +
                                     "\n1:pids:/docker/" + other + "\n"),
            kDockerId);
}

TEST(ContainerId, EntityIdIsTheContainerIdElseTheCgroupInodeOutsideTheHostNamespace) {
  EXPECT_EQ(entity_id_from({"0::/system.slice/docker-" + kDockerId + ".scope\n", 42, false}),
            "ci-" + kDockerId);
  EXPECT_EQ(entity_id_from({"0::/\n", 4026531835, false}), "in-4026531835");
  EXPECT_EQ(entity_id_from({"0::/user.slice/session-3.scope\n", 1, true}), "")
      << "the host's own cgroup namespace: not a container";
  EXPECT_EQ(entity_id_from({"0::/\n", std::nullopt, false}), "") << "no cgroup mount to name";
}

TEST(ContainerId, DetectionAgreesWithTheFactsItReads) {
  const std::string id = detect_container_entity_id();
  EXPECT_TRUE(id.empty() || id.starts_with("ci-") || id.starts_with("in-")) << id;
  EXPECT_EQ(id, detect_container_entity_id()) << "the same process, the same answer";
}

}  // namespace
}  // namespace srelab::telemetry
