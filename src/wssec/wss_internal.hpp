// SPDX-License-Identifier: Apache-2.0
//
// wss_internal.hpp — helpers shared by the wssec sign/verify/encrypt code (not public API):
// locating the Security header for the ultimate receiver, element search, namespace completion, the document ID index (Id/ID/id/wsu:Id,
// duplicates fatal — signature-wrapping defence), and xmlsec1 key construction from OpenSSL keys.
#pragma once

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <xmlsec/keys.h>

#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "wssec/envelope.hpp"

namespace insip::wssec::detail {

/// wsse:Security children of `header` targeted at us (no role, role=ultimateReceiver or next).
std::vector<xmlNode*> securityHeaders(xmlNode* header);
/// Creates wsse:Security (mustUnderstand=true) as the first Header child.
xmlNode* createSecurityHeader(Envelope& env);

struct IdIndex {
  std::map<std::string, xmlNode*> by_value;
};
/// Walks the whole document (iteratively) collecting every Id/ID/id attribute (any namespace).
/// Fails with DuplicateId (naming the value in *detail), TooDeep/ProcessingInstructionForbidden
/// when the tree (e.g. after decryption) breaks the parse limits.
util::Result<IdIndex> indexIds(xmlDoc* doc, std::size_t max_depth, std::string* detail);
/// Registers the id attribute of `n` with libxml2 so xmlsec1 can resolve "#value".
void registerId(xmlNode* n);
/// The wsu:Id (or plain Id) value of `n`, setting a new wsu:Id "<prefix>-<random>" if absent.
std::string ensureWsuId(xmlNode* n, const char* prefix);
xmlNs* ensureNs(xmlNode* n, const char* href, const char* prefix);
/// Every element named {ns_uri}local in the document, in document order (iterative walk).
std::vector<xmlNode*> findElements(xmlDoc* doc, const char* ns_uri, const char* local);
/// Declares on `n` every namespace in scope at `n` that is declared on an ancestor, so that `n`
/// serialised alone (XML-Enc Type #Element) is namespace-complete. C14N output is unchanged.
void declareInScopeNamespaces(xmlNode* n);

/// xmlsec key from an OpenSSL key (up-refs it); nullptr on failure.
xmlSecKeyPtr xmlsecKeyFromEvp(EVP_PKEY* k);
xmlSecKeyPtr xmlsecHmacKey(std::string_view secret);
xmlSecKeyPtr xmlsecAesKey(std::string_view key);

std::string sha256(std::string_view data);

}  // namespace insip::wssec::detail
