#include "client/bulk/score_file.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client/bulk/batch_stream_scorer.h"
#include "client/bulk/progress_bar.h"
#include "client/bulk/stream_scorer.h"
#include "client/persona_client.h"

namespace persona {
namespace {

// Serialises the sink and keeps the tally, so records == scored + rejected by construction.
class Accountant {
 public:
  explicit Accountant(ScoreFileSink& sink) : sink_(sink) {}

  // Remembers a sent record until its answer comes back (answers come in send order).
  void Sent(uint64_t record, int64_t line, std::string customer_id) {
    absl::MutexLock lock(&mu_);
    in_flight_.push_back(InFlight{record, line, std::move(customer_id)});
  }

  void Answered(uint64_t record, const persona::v1::ScoreCustomersResponse& response) {
    absl::MutexLock lock(&mu_);
    InFlight sent = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (response.error_code() == 0) {
      ++scored_;
      sink_.OnScored(sent.line, record, response.result());
      return;
    }
    ++rejected_;
    sink_.OnRejected(RejectedRecord{sent.line, record, std::move(sent.customer_id),
                                    StatusCodeName(response.error_code()),
                                    response.error_message()});
  }

  // Every record sent and not answered, rejected with `reason`.
  void Unanswered(const std::string& code, const std::string& reason) {
    absl::MutexLock lock(&mu_);
    for (InFlight& sent : in_flight_) {
      ++rejected_;
      sink_.OnRejected(
          RejectedRecord{sent.line, sent.record, std::move(sent.customer_id), code, reason});
    }
    in_flight_.clear();
  }

  void Rejected(RejectedRecord rejected) {
    absl::MutexLock lock(&mu_);
    ++rejected_;
    sink_.OnRejected(rejected);
  }

  uint64_t scored() {
    absl::MutexLock lock(&mu_);
    return scored_;
  }
  uint64_t rejected() {
    absl::MutexLock lock(&mu_);
    return rejected_;
  }

 private:
  struct InFlight {
    uint64_t record;
    int64_t line;
    std::string customer_id;
  };
  ScoreFileSink& sink_;
  absl::Mutex mu_;
  std::deque<InFlight> in_flight_ ABSL_GUARDED_BY(mu_);
  uint64_t scored_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::StatusOr<ScoreFileSummary> ScoreFile(persona::v1::PersonaScoring::Stub& stub,
                                           const ScoreFileOptions& options, ScoreFileSink& sink) {
  absl::StatusOr<std::unique_ptr<CustomerReader>> opened =
      CustomerReader::Open(options.input, options.format);
  if (!opened.ok()) return opened.status();
  CustomerReader& reader = **opened;

  const absl::Time start = absl::Now();
  Accountant accountant(sink);
  ProgressBar progress(options.progress);
  // Every request carries the same options. The request is moved into the stream's queue
  // rather than copied (a moved-from message is empty and reusable), so the options are set
  // again for each record.
  const auto with_options = [&options](persona::v1::ScoreCustomerRequest* request) {
    request->set_top_k(options.top_k);
    request->set_explain(options.explain);
    request->clear_persona_ids();
    for (const std::string& id : options.persona_ids) request->add_persona_ids(id);
    if (options.as_of_unix_seconds) {
      request->mutable_as_of()->set_seconds(*options.as_of_unix_seconds);
    }
  };
  persona::v1::ScoreCustomerRequest request;

  const auto answered = [&accountant](uint64_t record,
                                      const persona::v1::ScoreCustomersResponse& response) {
    accountant.Answered(record, response);
  };
  std::unique_ptr<RecordScorer> scorer;
  if (options.batch_size > 1) {
    const size_t window_batches =
        std::max<size_t>(2, (options.window + options.batch_size - 1) / options.batch_size);
    scorer =
        std::make_unique<BatchStreamScorer>(&stub, options.batch_size, window_batches, answered);
  } else {
    scorer = std::make_unique<StreamScorer>(&stub, options.window, answered);
  }
  ScoreFileSummary summary;
  std::string not_sent_reason;  // set once the stream has broken
  CustomerRecord where;
  while (reader.Next(request.mutable_customer(), &where)) {
    const uint64_t record = summary.records++;
    if (!where.status.ok()) {
      accountant.Rejected(RejectedRecord{where.line, record, where.customer_id, "PARSE_ERROR",
                                         std::string(where.status.message())});
    } else if (!not_sent_reason.empty()) {
      accountant.Rejected(
          RejectedRecord{where.line, record, where.customer_id, "NOT_SENT", not_sent_reason});
    } else {
      accountant.Sent(record, where.line, where.customer_id);
      with_options(&request);
      if (!scorer->Send(std::move(request), record)) {
        // The stream broke: collect what it answered, reject what it did not, and reject
        // everything after without sending (the invariant holds whatever the server does).
        std::vector<uint64_t> unanswered;
        summary.stream_status = scorer->Finish(&unanswered);
        scorer.reset();
        const std::string code = StatusCodeName(summary.stream_status.error_code());
        accountant.Unanswered(
            code, absl::StrCat("stream failed: ", summary.stream_status.error_message()));
        not_sent_reason = absl::StrCat("not sent: the stream failed earlier (", code, ": ",
                                       summary.stream_status.error_message(), ")");
      }
    }
    if (progress.enabled() && (record & 255) == 0) {
      progress.Update(reader.bytes_read(), reader.total_bytes(), record + 1);
    }
  }
  if (scorer != nullptr) {
    std::vector<uint64_t> unanswered;
    summary.stream_status = scorer->Finish(&unanswered);
    if (!unanswered.empty()) {
      accountant.Unanswered(StatusCodeName(summary.stream_status.error_code()),
                            absl::StrCat("stream failed: ", summary.stream_status.error_message()));
    }
  }
  progress.Finish(reader.total_bytes(), reader.total_bytes(), summary.records);
  summary.scored = accountant.scored();
  summary.rejected = accountant.rejected();
  summary.elapsed = absl::Now() - start;
  return summary;
}

}  // namespace persona
