#include "telemetry/datadog/container_id.hpp"

#include <sys/stat.h>
#include <sys/statfs.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace srelab::telemetry {
namespace {

constexpr std::size_t kContainerIdLength = 64;
constexpr std::size_t kTaskIdLength = 32;
constexpr std::size_t kUuidLength = 36;
// linux/magic.h: a cgroup v1 hierarchy is mounted as tmpfs (its root) or cgroup; v2 as cgroup2.
constexpr long kTmpfsMagic = 0x01021994;
constexpr long kCgroupMagic = 0x27e0eb;
constexpr long kCgroup2Magic = 0x63677270;
// linux/proc_ns.h: the inode of the initial (host) cgroup namespace.
constexpr ino_t kHostCgroupNamespaceInode = 0xeffffffb;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool all_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_hex);
}

// Whether `id` is the whole of `segment`'s tail: at its start or after a character that cannot
// continue an id.
bool stands_alone(std::string_view segment, std::size_t length) {
  return segment.size() == length || !is_hex(segment[segment.size() - length - 1]);
}

bool is_uuid(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool separator = i == 8 || i == 13 || i == 18 || i == 23;
    if (separator ? (text[i] != '-' && text[i] != '_') : !is_hex(text[i])) return false;
  }
  return true;
}

std::optional<std::string> id_at_end(std::string_view segment) {
  if (segment.size() >= kContainerIdLength) {
    const auto tail = segment.substr(segment.size() - kContainerIdLength);
    if (all_hex(tail) && stands_alone(segment, kContainerIdLength)) return std::string(tail);
  }
  if (segment.size() >= kUuidLength) {
    const auto tail = segment.substr(segment.size() - kUuidLength);
    if (is_uuid(tail) && stands_alone(segment, kUuidLength)) return std::string(tail);
  }
  const auto dash = segment.rfind('-');
  if (dash != std::string_view::npos && dash >= kTaskIdLength && dash + 1 < segment.size()) {
    const auto number = segment.substr(dash + 1);
    const auto task = segment.substr(dash - kTaskIdLength, kTaskIdLength);
    const bool digits =
        std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && all_hex(task) && stands_alone(segment.substr(0, dash), kTaskIdLength))
      return std::string(segment.substr(dash - kTaskIdLength));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> inode_of(const char* path) {
  struct stat info {};
  if (::stat(path, &info) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(info.st_ino);
}

}  // namespace

std::optional<std::string> container_id_from_cgroup(std::string_view cgroup_text) {
  while (!cgroup_text.empty()) {
    const auto end = cgroup_text.find('\n');
    std::string_view line = cgroup_text.substr(0, end);
    cgroup_text = end == std::string_view::npos ? std::string_view() : cgroup_text.substr(end + 1);
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view path = line.substr(second + 1);
    while (path.ends_with('\r')) path.remove_suffix(1);
    std::string_view segment = path.substr(path.rfind('/') + 1);
    if (segment.ends_with(".scope")) segment.remove_suffix(6);
    if (auto id = id_at_end(segment)) return id;
  }
  return std::nullopt;
}

std::string entity_id_from(const CgroupFacts& facts) {
  if (auto id = container_id_from_cgroup(facts.cgroup_text))
    return std::string(kContainerIdPrefix) + *id;
  if (facts.cgroup_inode && !facts.host_cgroup_namespace)
    return std::string(kCgroupInodePrefix) + std::to_string(*facts.cgroup_inode);
  return {};
}

std::string detect_container_entity_id() {
  CgroupFacts facts;
  std::ifstream cgroup("/proc/self/cgroup");
  if (!cgroup) return {};
  std::ostringstream text;
  text << cgroup.rdbuf();
  facts.cgroup_text = text.str();
  struct statfs mount {};
  if (::statfs("/sys/fs/cgroup", &mount) == 0) {
    const long type = static_cast<long>(mount.f_type);
    if (type == kTmpfsMagic || type == kCgroupMagic || type == kCgroup2Magic)
      facts.cgroup_inode = inode_of("/sys/fs/cgroup");
  }
  const auto namespace_inode = inode_of("/proc/self/ns/cgroup");
  facts.host_cgroup_namespace = !namespace_inode || *namespace_inode == kHostCgroupNamespaceInode;
  return entity_id_from(facts);
}

}  // namespace srelab::telemetry
