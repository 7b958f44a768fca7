// Writes a score_request_fuzzer seed: reads a persona.v1.ScoreCustomerRequest as JSON (the
// grpcurl -d form) from a file and writes it serialized, the bytes the fuzzer parses.
//   fuzz_request_seed in.json out.bin
// Only for regenerating tests/fuzz/corpus/score_request_fuzzer/ (see README.md).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "persona/v1/persona_service.pb.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <request.json> <out.bin>\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  persona::v1::ScoreCustomerRequest request;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &request);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], status.ToString().c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << request.SerializeAsString();
  return out ? 0 : 1;
}
