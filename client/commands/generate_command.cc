// persona-cli generate: reproducible synthetic customers, catalogs and request bodies.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/bulk/result_writer.h"
#include "client/commands/cli_flags.h"
#include "client/commands/commands.h"
#include "client/synthetic/catalog_generator.h"
#include "client/synthetic/customer_generator.h"
#include "client/text/customer_csv.h"
#include "client/text/customer_json.h"
#include "client/text/customer_reader.h"
#include "persona/v1/persona_service.pb.h"

ABSL_FLAG(int32_t, personas, 100, "generate catalog: how many personas.");

namespace persona {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return 2;
}

absl::StatusOr<std::unique_ptr<OutputFile>> OpenOutput(const std::string& path) {
  return OutputFile::Open(path);
}

int Customers(const std::string& path) {
  absl::StatusOr<CustomerFormat> format =
      ResolveCustomerFormat(absl::GetFlag(FLAGS_format), path == "-" ? "-.jsonl" : path);
  if (!format.ok()) return Fail(format.status());
  absl::StatusOr<std::unique_ptr<OutputFile>> out = OpenOutput(path);
  if (!out.ok()) return Fail(out.status());
  const CustomerCsvSchema schema = CustomerCsvSchema::Full();
  if (*format == CustomerFormat::kCsv) (*out)->Write(schema.Header() + "\n");
  synthetic::CustomerGenerator generator(absl::GetFlag(FLAGS_seed));
  persona::v1::Customer customer;
  std::string line;
  const uint64_t count = absl::GetFlag(FLAGS_count);
  for (uint64_t i = 0; i < count; ++i) {
    generator.Next(&customer);
    line = *format == CustomerFormat::kCsv ? schema.Row(customer) : CustomerToJson(customer);
    line.push_back('\n');
    (*out)->Write(line);
  }
  if (absl::Status status = (*out)->Close(); !status.ok()) return Fail(status);
  return 0;
}

int Catalog(const std::string& path) {
  const int personas = absl::GetFlag(FLAGS_personas);
  if (personas < 1) {
    std::fprintf(stderr, "error: --personas must be at least 1\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<OutputFile>> out = OpenOutput(path);
  if (!out.ok()) return Fail(out.status());
  (*out)->Write(synthetic::GenerateCatalogJson(personas, absl::GetFlag(FLAGS_seed)));
  if (absl::Status status = (*out)->Close(); !status.ok()) return Fail(status);
  return 0;
}

// One ScoreCustomerRequest framed as a gRPC message (1 byte flags, 4 bytes big-endian
// length, the bytes): the body h2load sends for a unary call.
int GrpcBody(const std::string& path) {
  persona::v1::ScoreCustomerRequest request;
  if (const std::string input = absl::GetFlag(FLAGS_input); !input.empty()) {
    absl::StatusOr<CustomerFormat> format =
        ResolveCustomerFormat(absl::GetFlag(FLAGS_format), input);
    if (!format.ok()) return Fail(format.status());
    absl::StatusOr<std::unique_ptr<CustomerReader>> reader = CustomerReader::Open(input, *format);
    if (!reader.ok()) return Fail(reader.status());
    CustomerRecord record;
    if (!(*reader)->Next(request.mutable_customer(), &record)) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(input, ": no customer")));
    }
    if (!record.status.ok()) return Fail(record.status);
  } else {
    synthetic::CustomerGenerator(absl::GetFlag(FLAGS_seed)).Next(request.mutable_customer());
  }
  request.set_top_k(absl::GetFlag(FLAGS_top_k).value_or(0));
  const std::string bytes = request.SerializeAsString();
  std::string framed(5, '\0');
  for (int i = 0; i < 4; ++i)
    framed[1 + i] = static_cast<char>((bytes.size() >> (24 - 8 * i)) & 0xff);
  framed += bytes;
  absl::StatusOr<std::unique_ptr<OutputFile>> out = OpenOutput(path);
  if (!out.ok()) return Fail(out.status());
  (*out)->Write(framed);
  if (absl::Status status = (*out)->Close(); !status.ok()) return Fail(status);
  return 0;
}

}  // namespace

int GenerateCommand(const std::vector<std::string>& args) {
  const std::string what = args.empty() ? "" : args[0];
  const std::string output = absl::GetFlag(FLAGS_output);
  if (args.size() != 1 || (what != "customers" && what != "catalog" && what != "grpc-body")) {
    std::fprintf(stderr, "error: generate customers|catalog|grpc-body --output=FILE\n");
    return 2;
  }
  if (output.empty()) {
    std::fprintf(stderr, "error: generate %s needs --output=FILE (\"-\" for stdout)\n",
                 what.c_str());
    return 2;
  }
  if (what == "customers") return Customers(output);
  if (what == "catalog") return Catalog(output);
  return GrpcBody(output);
}

}  // namespace persona
