/* comedia tests: a fresh certificate and a DTLS context from it, failing the
 * test when OpenSSL refuses.  For the runtime's DTLS unit tests.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/check/gstcheck.h>

#include "dtlstransport.h"

#include <memory>
#include <string>
#include <vector>

static inline std::shared_ptr<const comedia::DtlsCertificate>
new_certificate ()
{
  std::string error;
  auto cert = comedia::DtlsCertificate::generate (&error);
  fail_unless (cert != nullptr, "%s", error.c_str ());
  return cert;
}

static inline std::shared_ptr<comedia::DtlsContext>
new_context (std::shared_ptr<const comedia::DtlsCertificate> cert,
    const std::vector<comedia::SrtpSuite> & profiles = comedia::dtls_srtp_suites ())
{
  std::string error;
  auto ctx = comedia::DtlsContext::create (std::move (cert), profiles, &error);
  fail_unless (ctx != nullptr, "%s", error.c_str ());
  return ctx;
}
