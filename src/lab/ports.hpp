// Port checks made before starting anything, so a taken port is reported by name.
#pragma once

#include <cstdint>
#include <string>

namespace srelab::lab {

bool port_is_free(const std::string& host, std::uint16_t port);
std::uint16_t pick_free_port();  // a free loopback port chosen by the kernel

}  // namespace srelab::lab
