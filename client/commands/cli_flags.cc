#include "client/commands/cli_flags.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/persona_client.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "persona-server address (\"ipv4:127.0.0.1:50051,127.0.0.1:50052\" lists replicas: "
          "stage, shadow, promote, … reach every one, and every address of a DNS name).");
ABSL_FLAG(std::string, catalog, "",
          "validate, stage, diff: a catalog JSON file (sent as text, checked by the server "
          "exactly as a file would be).");
ABSL_FLAG(double, timeout_seconds, 10, "Deadline for each call.");
ABSL_FLAG(bool, tls, false,
          "Connect with TLS (implied by --tls_ca or --tls_cert); the server's certificate is "
          "checked against --tls_ca, or the system's roots without it.");
ABSL_FLAG(std::string, tls_ca, "", "PEM file: the CA that signed the server's certificate.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM file: this client's certificate, for servers that require mutual TLS "
          "(--tls_client_ca); with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM file: the private key of --tls_cert.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name to check the server certificate against, when --target's host is not in it.");
ABSL_FLAG(std::string, admin_token_file, "",
          "validate, reload, status, stage, shadow, promote, discard, rollback, history, diff: "
          "send the token in this file as "
          "\"authorization: Bearer <token>\" (servers not bound to loopback require it, or a "
          "client certificate).");
ABSL_FLAG(std::optional<uint32_t>, top_k, std::nullopt,
          "Return at most this many matches, 0 = all (default: batch 1, otherwise all).");
ABSL_FLAG(bool, explain, false, "score: include the per-criterion breakdown.");
ABSL_FLAG(std::string, persona_ids, "", "Comma-separated persona ids to restrict scoring to.");
ABSL_FLAG(std::string, as_of, "",
          "Reference time for recency, RFC 3339 (e.g. 2026-11-22T00:00:00Z); default now.");
ABSL_FLAG(
    std::string, input, "",
    "batch, report, diff: customers: JSON (.jsonl/.json: JSON Lines, one object, or an array of "
    "objects, told apart by the content) or CSV (.csv).");
ABSL_FLAG(std::string, output, "", "Output file.");
ABSL_FLAG(std::string, format, "",
          "Customer file format, jsonl (any JSON layout) or csv (default: from the file's "
          "extension).");
ABSL_FLAG(std::string, json, "",
          "report: where the numbers go as JSON (default: beside --output, .json); bench, "
          "shadow: write the results as JSON to this file (\"-\" = stdout, alone); diff: "
          "the report as JSON (a GetShadowReportResponse).");
ABSL_FLAG(uint32_t, window, 256,
          "batch, report, bench --stream: requests sent and not yet answered, at most (whole "
          "batches, at least 2).");
ABSL_FLAG(uint32_t, batch_size, 256,
          "batch, report: customers per ScoreCustomerBatches message (a batch is also sent at "
          "1 MiB). 1 = one ScoreCustomers message per customer (the same answers, for "
          "comparison). bench --stream --method=ScoreCustomerBatches: customers per batch.");
ABSL_FLAG(uint64_t, seed, 1, "generate, bench: seed of the synthetic data.");
ABSL_FLAG(uint64_t, count, 1000, "generate customers: how many; bench --stream: requests.");
ABSL_FLAG(std::string, lb, "",
          "Load-balancing policy, e.g. round_robin to spread calls over every address of "
          "--target (default: pick_first).");
ABSL_FLAG(bool, progress, true, "batch, report: draw a progress bar when stderr is a terminal.");

namespace persona {

void ConfigureCliUsage() {
  absl::FlagsUsageConfig config;
  // Abseil's default keeps flags from files named after the program (persona-cli.cc), which
  // no file here is, so --help would list none.
  const auto ours = [](absl::string_view file) {
    return absl::StrContains(file, "client/persona_cli.cc") ||
           absl::StrContains(file, "client/commands/");
  };
  config.contains_help_flags = ours;
  config.contains_helpshort_flags = ours;
  config.version_string = [] { return std::string("persona-cli " PERSONA_VERSION "\n"); };
  absl::SetFlagsUsageConfig(config);
}

absl::StatusOr<std::optional<int64_t>> AsOfFlag() {
  const std::string as_of = absl::GetFlag(FLAGS_as_of);
  if (as_of.empty()) return std::optional<int64_t>();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, as_of, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("--as_of: ", error));
  }
  return std::optional<int64_t>(absl::ToUnixSeconds(t));
}

std::vector<std::string> PersonaIdsFlag() {
  return absl::StrSplit(absl::GetFlag(FLAGS_persona_ids), ',', absl::SkipWhitespace());
}

namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("--", flag, "=", path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::Status ConfigureChannelSecurityFromFlags() {
  ChannelSecurity security;
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  security.tls = absl::GetFlag(FLAGS_tls) || !ca.empty() || !cert.empty();
  if (!ca.empty()) {
    absl::StatusOr<std::string> pem = ReadWholeFile("tls_ca", ca);
    if (!pem.ok()) return pem.status();
    security.root_certs_pem = *std::move(pem);
  }
  if (!cert.empty()) {
    absl::StatusOr<std::string> cert_pem = ReadWholeFile("tls_cert", cert);
    if (!cert_pem.ok()) return cert_pem.status();
    absl::StatusOr<std::string> key_pem = ReadWholeFile("tls_key", key);
    if (!key_pem.ok()) return key_pem.status();
    security.client_cert_pem = *std::move(cert_pem);
    security.client_key_pem = *std::move(key_pem);
  }
  security.server_name = absl::GetFlag(FLAGS_tls_server_name);
  SetChannelSecurity(std::move(security));
  return absl::OkStatus();
}

absl::StatusOr<std::string> AdminTokenFlag() {
  const std::string path = absl::GetFlag(FLAGS_admin_token_file);
  if (path.empty()) return std::string();
  absl::StatusOr<std::string> token = ReadWholeFile("admin_token_file", path);
  if (!token.ok()) return token.status();
  std::string trimmed(absl::StripAsciiWhitespace(*token));
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--admin_token_file=", path, ": empty"));
  }
  return trimmed;
}

}  // namespace persona
