// SPDX-License-Identifier: Apache-2.0
//
// main.cpp — the `insip` binary: one CLI11 app, one subcommand per role.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/proxy_command.hpp"
#include "app/user_command.hpp"
#include "app/wss_command.hpp"

namespace {

#ifndef INSIP_SOURCE_DIR
#define INSIP_SOURCE_DIR ""
#endif

void addVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the insip version");
  cmd->callback([] { std::cout << "insip " << INSIP_VERSION << "\n"; });
}

void addDemoCommand(CLI::App& app, const char* argv0) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the reference scenario on 127.0.0.1 (proxy + SIPp caller and callee; needs the source "
      "tree's tests/demo/demo.py, python3 and sipp)");
  cmd->callback([argv0] {
    std::filesystem::path script = std::filesystem::path(INSIP_SOURCE_DIR) / "tests/demo/demo.py";
    if (!std::filesystem::exists(script)) {
      std::cerr << "insip demo: " << script << " not found (run from a source build)\n";
      throw CLI::RuntimeError(2);
    }
    std::error_code ec;
    auto self = std::filesystem::canonical("/proc/self/exe", ec);
    std::string cmdline = "python3 '" + script.string() + "' --bin '" +
                          (ec ? std::string(argv0) : self.string()) + "'";
    int rc = std::system(cmdline.c_str());
    throw CLI::RuntimeError(WIFEXITED(rc) ? WEXITSTATUS(rc) : 1);
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"insip — secure SIP proxy/registrar with Intelligent Network services"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", std::string("insip ") + INSIP_VERSION);
  insip::app::addProxyCommand(app);
  insip::app::addUserCommand(app);
  insip::app::addWssCommand(app);
  addVersionCommand(app);
  addDemoCommand(app, argv[0]);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
