// SPDX-License-Identifier: Apache-2.0
//
// proxy_command.hpp — `insip proxy --config FILE`: loads the config, opens the stores, binds the
// transports and runs the SIP loop until SIGINT/SIGTERM.
#pragma once

#include <filesystem>

namespace CLI {
class App;
}

namespace insip::app {

void addProxyCommand(CLI::App& parent);
/// Runs the proxy in the foreground; returns the process exit code.
int runProxy(const std::filesystem::path& config_path);

}  // namespace insip::app
