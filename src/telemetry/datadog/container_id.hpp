// Which container this process runs in, as the Datadog agent identifies one (origin detection):
// the id a container runtime puts in the process's cgroup path (/proc/self/cgroup), sent as
// "ci-<id>"; when the path names none but the process is in a cgroup namespace of its own (a
// container under cgroup v2 usually is), the inode of its cgroup root, "in-<inode>", which the
// agent maps to the container itself. Outside a container: nothing. The trace exporter sends the
// result as Datadog-Entity-ID; DogStatsD's container field (`|c:<id>`) takes the same value.
// The parsing is pure (unit-tested on sample cgroup texts); detect_container_entity_id() reads
// the files, so call it once at startup and keep the answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace srelab::telemetry {

inline constexpr std::string_view kContainerIdPrefix = "ci-";
inline constexpr std::string_view kCgroupInodePrefix = "in-";

// The container id in the text of /proc/self/cgroup ("<hierarchy>:<controllers>:<path>" lines):
// the first line whose path's last segment (without ".scope") ends in a 64-hex-digit id (Docker,
// containerd, CRI-O, Podman), a UUID (8-4-4-4-12 hex, '-' or '_' between) or a 32-hex-digit
// task id and a number ("<32 hex>-<digits>", ECS Fargate). nullopt when no line has one.
std::optional<std::string> container_id_from_cgroup(std::string_view cgroup_text);

// What the entity id is made from, read by detect_container_entity_id().
struct CgroupFacts {
  std::string cgroup_text;                    // /proc/self/cgroup
  std::optional<std::uint64_t> cgroup_inode;  // of /sys/fs/cgroup, when it is a cgroup mount
  bool host_cgroup_namespace = true;          // /proc/self/ns/cgroup is the host's namespace
};

// "ci-<id>" when the cgroup text names a container; else "in-<inode>" outside the host's cgroup
// namespace; else "".
std::string entity_id_from(const CgroupFacts& facts);

// entity_id_from() on this process's facts; "" when they cannot be read (not Linux, no /proc).
std::string detect_container_entity_id();

}  // namespace srelab::telemetry
