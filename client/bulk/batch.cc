#include "client/bulk/batch.h"

#include <memory>
#include <utility>

namespace persona {
namespace {

class BatchSink final : public ScoreFileSink {
 public:
  BatchSink(ResultWriter* results, RejectWriter* rejects) : results_(results), rejects_(rejects) {}

  void OnScored(int64_t line, uint64_t, const persona::v1::ScoreCustomerResponse& result) override {
    results_->Write(line, result);
  }
  void OnRejected(const RejectedRecord& rejected) override { rejects_->Write(rejected); }

 private:
  ResultWriter* const results_;
  RejectWriter* const rejects_;
};

}  // namespace

absl::StatusOr<ScoreFileSummary> RunBatch(persona::v1::PersonaScoring::Stub& stub,
                                          const BatchOptions& options) {
  // An unreadable input (or CSV header) must not leave empty output files behind.
  if (absl::StatusOr<std::unique_ptr<CustomerReader>> input =
          CustomerReader::Open(options.score.input, options.score.format);
      !input.ok()) {
    return input.status();
  }
  absl::StatusOr<std::unique_ptr<ResultWriter>> results =
      ResultWriter::Open(options.output, options.output_format);
  if (!results.ok()) return results.status();
  absl::StatusOr<std::unique_ptr<RejectWriter>> rejects = RejectWriter::Open(options.errors);
  if (!rejects.ok()) return rejects.status();
  BatchSink sink(results->get(), rejects->get());
  absl::StatusOr<ScoreFileSummary> summary = ScoreFile(stub, options.score, sink);
  absl::Status closed_results = (*results)->Close();
  absl::Status closed_rejects = (*rejects)->Close();
  if (!summary.ok()) return summary.status();
  if (!closed_results.ok()) return closed_results;
  if (!closed_rejects.ok()) return closed_rejects;
  return summary;
}

}  // namespace persona
