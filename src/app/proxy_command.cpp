// SPDX-License-Identifier: Apache-2.0
#include "app/proxy_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/build_pipeline.hpp"
#include "auth/lockout.hpp"
#include "auth/nonce.hpp"
#include "auth/sqlite_credential_store.hpp"
#include "config/loader.hpp"
#include "proxy/proxy_core.hpp"
#include "registrar/sqlite_binding_store.hpp"
#include "transport/transport.hpp"

namespace insip::app {

void addProxyCommand(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "proxy", "Run the SIP proxy/registrar in the foreground until SIGINT/SIGTERM");
  auto path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *path, "TOML configuration file (see config/proxy.example.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([path] { throw CLI::RuntimeError(runProxy(*path)); });
}

int runProxy(const std::filesystem::path& config_path) {
  std::string errors;
  auto loaded = config::loadConfigFile(config_path, &errors);
  if (!loaded) {
    std::cerr << "insip proxy: invalid configuration:\n" << errors;
    if (!errors.empty() && errors.back() != '\n') {
      std::cerr << '\n';
    }
    return 2;
  }
  const config::Config cfg = std::move(*loaded);
  auto logger = spdlog::stderr_color_mt("insip");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(cfg.log.level));
  if (cfg.log.messages && spdlog::get_level() > spdlog::level::info) {
    spdlog::set_level(spdlog::level::info);
  }
  spdlog::info("insip {} starting: {}", INSIP_VERSION, config::describe(cfg));
  for (const std::string& f : config::failOpenOptions(cfg)) {
    spdlog::warn("FAIL-OPEN option enabled: {}", f);
  }

  util::RealClock clock;
  auto users = auth::SqliteCredentialStore::open(cfg.auth.credentials_db);
  if (!users) {
    spdlog::error("cannot open credentials database {}: {}", cfg.auth.credentials_db.string(),
                  users.error().message());
    return 1;
  }
  auto secret = auth::loadOrCreateSecret(cfg.auth.secret_file);
  if (!secret) {
    spdlog::error("cannot load or create nonce secret {}: {}", cfg.auth.secret_file.string(),
                  secret.error().message());
    return 1;
  }
  auto algorithms = auth::parseAlgorithmList(cfg.auth.algorithms);
  if (!algorithms) {
    spdlog::error("auth.algorithms: {}", algorithms.error().message());
    return 2;
  }
  const std::vector<unsigned char> secret_bytes = *secret;
  auth::NonceManager nonces(std::move(*secret), clock,
                            auth::NonceManager::Options{std::chrono::seconds(cfg.auth.nonce_ttl_s)});
  auth::LockoutTracker lockout(cfg.auth.max_failures, std::chrono::seconds(cfg.auth.lockout_s),
                               clock);
  auth::DigestVerifier verifier(auth::VerifierConfig{cfg.auth.realm, *algorithms, true},
                                **users, nonces, lockout);
  auto bindings = registrar::SqliteBindingStore::open(cfg.registrar.bindings_db, clock);
  if (!bindings) {
    spdlog::error("cannot open bindings database {}: {}", cfg.registrar.bindings_db.string(),
                  bindings.error().message());
    return 1;
  }
  spdlog::info("{} registrations restored from {}", (*bindings)->count(),
               cfg.registrar.bindings_db.string());
  registrar::Registrar registrar(cfg.registrar, **bindings, clock);

  boost::asio::io_context io(1);
  auto timers = transport::makeAsioTimerService(io);
  proxy::ProxyCore* core_ptr = nullptr;
  auto transport = transport::makeAsioTransport(
      io, cfg.listen, cfg.limits, [&core_ptr](std::string_view bytes, const util::Flow& from) {
        if (core_ptr != nullptr) {
          core_ptr->onBytes(bytes, from);
        }
      },
      [&core_ptr](std::string_view head, const util::Flow& from, std::error_code error,
                  std::string_view header) {
        if (core_ptr != nullptr) {
          core_ptr->onFramingError(head, from, error, header);
        }
      });
  if (!transport) {
    spdlog::error("cannot listen on {}:{}: {}", cfg.listen.address, cfg.listen.port,
                  transport.error().message());
    return 1;
  }
  std::vector<std::string> hosts;
  if (!cfg.listen.advertised_host.empty()) {
    hosts.push_back(cfg.listen.advertised_host);
  }
  hosts.push_back(cfg.listen.address);
  // The Record-Route token key is derived from the persistent nonce secret, so dialogs survive a
  // restart of the proxy.
  std::string route_secret = "insip-record-route:";
  route_secret.append(secret_bytes.begin(), secret_bytes.end());
  proxy::LocalIdentity identity(hosts, (*transport)->port(), cfg.proxy.domains,
                                std::move(route_secret));
  proxy::Stats stats;
  Ports ports{identity, **users, verifier, **bindings, registrar, stats};
  proxy::Pipeline pipeline = buildPipeline(cfg, ports);
  transport::Transport& tp = **transport;
  proxy::ProxyCore core(cfg, pipeline, identity, *timers, stats,
                        [&tp](const util::Flow& to, std::string_view bytes) { tp.send(to, bytes); });
  core_ptr = &core;

  // Expired bindings are invisible to lookups; reclaim their memory and rows once a minute.
  std::function<void()> purge = [&] {
    if (auto n = (*bindings)->purgeExpired(clock.systemNow()); n && *n > 0) {
      spdlog::debug("purged {} expired bindings", *n);
    }
    timers->schedule(util::Millis(60000), purge);
  };
  timers->schedule(util::Millis(60000), purge);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) {
      return;
    }
    spdlog::info("signal {}: shutting down", sig);
    tp.close();
    io.stop();
  });
  spdlog::info("listening on {}:{} ({}{}), realm {}, pipeline: {}", cfg.listen.address, tp.port(),
               cfg.listen.udp ? "udp" : "", cfg.listen.tcp ? (cfg.listen.udp ? "+tcp" : "tcp") : "",
               cfg.auth.realm, fmt::join(pipeline.names(), " > "));
  // Binding writes leave the SIP loop: a writer thread group-commits them, and each REGISTER is
  // answered on the loop once its COMMIT is done.
  (*bindings)->startWriter([&io](std::function<void()> done) {
    boost::asio::post(io, std::move(done));
  });
  // Stop the writer before `io` goes, however this scope is left: it posts into `io`.
  struct StopWriter {
    registrar::SqliteBindingStore& store;
    ~StopWriter() { store.stopWriter(); }
  } stop_writer{**bindings};
  io.run();
  // Commit what is still queued (its answers are not sent any more: the loop has stopped).
  (*bindings)->stopWriter();
  core_ptr = nullptr;
  std::cerr << stats.line() << ' ' << transport::countersLine(tp.counters()) << std::endl;
  return 0;
}

}  // namespace insip::app
