// persona-cli: the command line for persona-server.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/persona_client.h"
#include "rfm_calibrate.h"

ABSL_FLAG(std::string, customer, "", "score: a persona.v1.Customer as a JSON file.");
ABSL_FLAG(int32_t, window_days, 365,
          "rfm-calibrate: F and M count orders in the last window_days days before as_of.");

namespace persona {
namespace {

constexpr char kUsage[] =
    "persona-cli <command> [--target=HOST:PORT] [flags]\n"
    "\n"
    "commands:\n"
    "  score       --customer=FILE.json [--explain] [--top_k=N] [--persona_ids=a,b]\n"
    "              [--as_of=RFC3339]   which personas does this customer match, and why\n"
    "  personas    list the personas of the live catalog\n"
    "  segmenters  list the segmenters (plugins) of the live catalog\n"
    "  validate    --catalog=FILE.json   check a catalog on the server without applying it\n"
    "  reload      reload the server's catalog from its --catalog path\n"
    "  status      show the live catalog version, plugins and last reload problems\n"
    "  rfm-calibrate ORDERS.csv [--as_of=RFC3339] [--window_days=365]\n"
    "              quintile cut points for the rfm segmenter's config, from an order history\n"
    "              (CSV: customer_id,order_id,time,amount; prints the config snippet on\n"
    "              stdout and a report with bin sizes, ties and bad rows on stderr)\n"
    "  batch       --input=FILE --output=FILE [--errors=FILE] [--top_k=1] [--format=jsonl|csv]\n"
    "              [--output_format=jsonl|csv] [--window=256] [--batch_size=256]   score a\n"
    "              customer file through ScoreCustomerBatches (--batch_size=1: the\n"
    "              ScoreCustomers stream) (exit 1 when any record was rejected)\n"
    "  report      --input=FILE --output=report.html [--json=report.json]\n"
    "              persona distribution, unmatched share, score histograms, co-match matrix\n"
    "  bench       --rate=N --duration=S [--customers=FILE] [--concurrency=C] [--json=FILE]\n"
    "              open-loop load (latency from the scheduled start); --closed_loop for max\n"
    "              throughput; --stream --count=N for bulk customers/s; --lb=round_robin\n"
    "  generate    customers --count=N --seed=S --output=FILE.jsonl|.csv\n"
    "              catalog --personas=N --seed=S --output=FILE.json\n"
    "              grpc-body [--input=FILE] --output=FILE   a framed request for h2load\n"
    "\n"
    "safe catalog change, on every replica --target names (an ipv4:/ipv6: list, or every\n"
    "address of a DNS name such as a headless Service; one line per replica, exit 1 naming\n"
    "the replicas that failed):\n"
    "  stage       --catalog=FILE.json [--sample=0.05]   build a candidate beside the live\n"
    "              catalog without serving it; score a share of live requests against it\n"
    "  shadow      [--examples=5] [--json=FILE|-]   the replicas' shadow reports, merged:\n"
    "              top-1 agreement, match rates live vs candidate, who enters and leaves\n"
    "  promote     [--expect=VERSION]   make the candidate live (until a pod reloads its files)\n"
    "  discard     drop the candidate\n"
    "  rollback    [--to=VERSION]   return to one of the last 5 live catalogs\n"
    "  history     the last live catalogs: when, how and by whom; the staged version\n"
    "  diff        --catalog=NEW.json --input=customers.jsonl --output=diff.html\n"
    "              [--json=diff.json] [--replace]   stage NEW.json (no sampling), compare it\n"
    "              with the live catalog on every customer of the file, discard it, and draw\n"
    "              the changes (match rates, top-persona flows, score changes)\n"
    "\n"
    "Run persona-cli --help for every flag.\n";

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(absl::GetFlag(FLAGS_timeout_seconds) * 1000)));
}

int Fail(const grpc::Status& status) {
  std::fprintf(stderr, "error: %s\n", DescribeStatus(status).c_str());
  return 1;
}

int Print(const google::protobuf::Message& message) {
  std::cout << ToJson(message);
  return 0;
}

int Score(persona::v1::PersonaScoring::Stub& stub) {
  const std::string file = absl::GetFlag(FLAGS_customer);
  if (file.empty()) {
    std::fprintf(stderr, "error: score needs --customer=FILE.json\n");
    return 2;
  }
  persona::v1::ScoreCustomerRequest request;
  if (absl::Status status = ReadJsonFile(file, request.mutable_customer()); !status.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  request.set_explain(absl::GetFlag(FLAGS_explain));
  request.set_top_k(absl::GetFlag(FLAGS_top_k).value_or(0));
  for (absl::string_view id :
       absl::StrSplit(absl::GetFlag(FLAGS_persona_ids), ',', absl::SkipWhitespace())) {
    request.add_persona_ids(std::string(id));
  }
  if (const std::string as_of = absl::GetFlag(FLAGS_as_of); !as_of.empty()) {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, as_of, &t, &error)) {
      std::fprintf(stderr, "error: --as_of: %s\n", error.c_str());
      return 2;
    }
    request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(t));
  }
  persona::v1::ScoreCustomerResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = stub.ScoreCustomer(&context, request, &response);
  return status.ok() ? Print(response) : Fail(status);
}

// Works offline: no server involved.
int RfmCalibrate(const std::string& path) {
  std::ifstream csv(path, std::ios::binary);
  if (!csv) {
    std::fprintf(stderr, "error: %s: cannot open\n", path.c_str());
    return 2;
  }
  rfm_calibrate::CalibrateOptions options;
  options.window_days = absl::GetFlag(FLAGS_window_days);
  if (const std::string as_of = absl::GetFlag(FLAGS_as_of); !as_of.empty()) {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, as_of, &t, &error)) {
      std::fprintf(stderr, "error: --as_of: %s\n", error.c_str());
      return 2;
    }
    options.as_of_unix_seconds = absl::ToUnixSeconds(t);
  }
  const rfm_calibrate::CalibrationResult result = rfm_calibrate::Calibrate(csv, options);
  std::fprintf(stderr, "%s", rfm_calibrate::FormatReport(result).c_str());
  if (!result.ok()) return 1;
  std::printf("%s\n", rfm_calibrate::FormatConfigSnippet(result).c_str());
  return 0;
}

int Run(const std::string& command) {
  if (command == "batch") return BatchCommand();
  if (command == "report") return ReportCommand();
  if (command == "bench") return BenchCommand();
  if (command == "diff") return DiffCommand();
  if (IsCatalogChangeCommand(command)) return CatalogChangeCommand(command);
  auto channel = MakeChannel(absl::GetFlag(FLAGS_target));
  auto scoring = persona::v1::PersonaScoring::NewStub(channel);
  auto admin = persona::v1::CatalogAdmin::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  if (command == "validate" || command == "reload" || command == "status") {
    absl::StatusOr<std::string> token = AdminTokenFlag();
    if (!token.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(token.status().message()).c_str());
      return 2;
    }
    if (!token->empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  }
  if (command == "score") return Score(*scoring);
  if (command == "personas") {
    persona::v1::ListPersonasResponse response;
    grpc::Status status = scoring->ListPersonas(&context, {}, &response);
    return status.ok() ? Print(response) : Fail(status);
  }
  if (command == "segmenters") {
    persona::v1::ListSegmentersResponse response;
    grpc::Status status = scoring->ListSegmenters(&context, {}, &response);
    return status.ok() ? Print(response) : Fail(status);
  }
  if (command == "validate") {
    const std::string file = absl::GetFlag(FLAGS_catalog);
    if (file.empty()) {
      std::fprintf(stderr, "error: validate needs --catalog=FILE.json\n");
      return 2;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "error: %s: cannot open\n", file.c_str());
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    persona::v1::ValidateCatalogRequest request;
    request.set_catalog_json(text.str());
    persona::v1::ValidateCatalogResponse response;
    grpc::Status status = admin->ValidateCatalog(&context, request, &response);
    if (!status.ok()) return Fail(status);
    Print(response);
    return response.valid() ? 0 : 1;
  }
  if (command == "reload") {
    persona::v1::ReloadCatalogResponse response;
    grpc::Status status = admin->ReloadCatalog(&context, {}, &response);
    if (!status.ok()) return Fail(status);
    Print(response);
    return response.applied() ? 0 : 1;
  }
  if (command == "status") {
    persona::v1::GetCatalogStatusResponse response;
    grpc::Status status = admin->GetCatalogStatus(&context, {}, &response);
    return status.ok() ? Print(response) : Fail(status);
  }
  std::fprintf(stderr, "error: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}

}  // namespace
}  // namespace persona

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(persona::kUsage);
  persona::ConfigureCliUsage();
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() == 3 && std::string(positional[1]) == "rfm-calibrate") {
    return persona::RfmCalibrate(positional[2]);
  }
  if (positional.size() >= 2 && std::string(positional[1]) == "generate") {
    return persona::GenerateCommand(
        std::vector<std::string>(positional.begin() + 2, positional.end()));
  }
  if (positional.size() != 2) {
    std::fprintf(stderr, "%s", persona::kUsage);
    return 2;
  }
  if (absl::Status security = persona::ConfigureChannelSecurityFromFlags(); !security.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(security.message()).c_str());
    return 2;
  }
  return persona::Run(positional[1]);
}
