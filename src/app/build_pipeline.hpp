// SPDX-License-Identifier: Apache-2.0
//
// build_pipeline.hpp — the composition root's routing policy: which processors run, in which
// order, with which collaborators. Ports holds the concrete implementations chosen by the app.
#pragma once

#include "auth/credential_store.hpp"
#include "auth/digest_verifier.hpp"
#include "config/config.hpp"
#include "proxy/local_identity.hpp"
#include "proxy/pipeline.hpp"
#include "proxy/stats.hpp"
#include "registrar/binding_store.hpp"
#include "registrar/registrar.hpp"

namespace insip::app {

/// Long-lived collaborators of the request chain; all outlive the pipeline.
struct Ports {
  const proxy::LocalIdentity& identity;
  const auth::CredentialStore& credentials;
  auth::DigestVerifier& verifier;
  registrar::BindingStore& bindings;
  registrar::Registrar& registrar;
  proxy::Stats& stats;
};

proxy::Pipeline buildPipeline(const config::Config& cfg, Ports& ports);

}  // namespace insip::app
