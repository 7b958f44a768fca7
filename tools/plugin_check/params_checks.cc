#include "tools/plugin_check/params_checks.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/plugin_check/json_text.h"

namespace persona {
namespace plugin_check {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// "" when `status` is a proper refusal mentioning `must_mention`; else what is wrong.
std::string RefusalProblem(const absl::Status& status, absl::string_view must_mention) {
  if (status.ok()) return "accepted (it must be refused with a message naming it)";
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return absl::StrCat(
        "refused with PERSONA_INTERNAL (\"", Shorten(std::string(status.message()), 80),
        "\"); bad input must return PERSONA_INVALID_ARGUMENT (throw persona::sdk::ParamError, "
        "e.g. via Value::Fail)");
  }
  if (status.message().empty()) return "refused without a message";
  if (!must_mention.empty() && status.message().find(must_mention) == absl::string_view::npos) {
    return absl::StrCat("refused, but the message does not name \"", must_mention, "\": \"",
                        Shorten(std::string(status.message()), 90), "\"");
  }
  return "";
}

const char* KindName(Value::KindCase kind) {
  switch (kind) {
    case Value::kNumberValue:
      return "a number";
    case Value::kStringValue:
      return "a string";
    case Value::kListValue:
      return "a list";
    case Value::kStructValue:
      return "an object";
    case Value::kNullValue:
      return "null";
    default:
      return "its type";
  }
}

struct Probe {
  std::string what;
  Struct params;
  std::string must_mention;
};

// An unknown key, then a wrong type for every key any sample uses (probed in the first sample
// that has it, so the rest of the params stay valid) and every documented key.
std::vector<Probe> MalformedProbes(const CheckSession& s, const Struct& base, size_t* keys_probed) {
  std::vector<Probe> probes;
  {
    Probe probe{absl::StrCat("unknown key \"", kUnknownKey, "\""), base, kUnknownKey};
    (*probe.params.mutable_fields())[kUnknownKey].set_number_value(1);
    probes.push_back(std::move(probe));
  }
  std::map<std::string, const Struct*> keys;
  for (size_t i = 0; i < s.criteria.size() && i < s.samples.size(); ++i) {
    for (const auto& [key, unused] : s.samples[i].fields()) keys.emplace(key, &s.samples[i]);
  }
  for (const std::string& key : s.doc.params) keys.emplace(key, &base);
  for (const auto& [key, owner] : keys) {
    Probe probe{"", *owner, key};
    Value& slot = (*probe.params.mutable_fields())[key];
    const auto sample = owner->fields().find(key);
    if (sample == owner->fields().end()) {
      // Documented but not in the sample: its type is unknown, so use a value no typed
      // param can accept (an object holding only an unknown key).
      (*slot.mutable_struct_value()->mutable_fields())[kUnknownKey].set_bool_value(true);
      probe.what = absl::StrCat("\"", key, "\": {\"", kUnknownKey, "\": true}");
    } else if (sample->second.kind_case() == Value::kBoolValue) {
      slot.set_string_value("persona-plugin-check");
      probe.what = absl::StrCat("\"", key, "\" as a string instead of a bool");
    } else {
      slot.set_bool_value(true);
      probe.what =
          absl::StrCat("\"", key, "\" as true instead of ", KindName(sample->second.kind_case()));
    }
    probes.push_back(std::move(probe));
  }
  *keys_probed = keys.size();
  return probes;
}

}  // namespace

absl::StatusOr<const PersonaCompiledCriterion*> CompileGuarded(PluginSegmenter& segmenter,
                                                               const ConfigValueTree& tree) {
  try {
    return segmenter.Compile(tree.root());
  } catch (...) {
    return absl::InternalError("an exception escaped compile() (it must return an error)");
  }
}

bool CheckConfig(CheckSession& s) {
  s.report.Begin("config");
  ConfigValueTree tree(s.config);
  absl::StatusOr<std::unique_ptr<PluginSegmenter>> created =
      PluginSegmenter::Create(s.library, tree.root());
  if (!created.ok()) {
    s.report.Fail("config", absl::StrCat("create() refused the config from ", s.config_source, ": ",
                                         created.status().message()));
    SkipRest(s, "create() failed");
    return false;
  }
  s.instance = *std::move(created);

  // Probe: an unknown config key must be refused, naming the key.
  Struct probe = s.config;
  (*probe.mutable_fields())[kUnknownKey].set_number_value(1);
  ConfigValueTree probe_tree(probe);
  absl::StatusOr<std::unique_ptr<PluginSegmenter>> accepted =
      PluginSegmenter::Create(s.library, probe_tree.root());
  const std::string problem =
      RefusalProblem(accepted.ok() ? absl::OkStatus() : accepted.status(), kUnknownKey);
  if (!problem.empty()) {
    s.report.Fail("config",
                  absl::StrCat("config with an unknown key \"", kUnknownKey, "\": ", problem));
    return true;  // the instance works; scoring can still be checked
  }
  s.report.Pass(
      "config",
      absl::StrCat("create() accepted ", s.config_source, " and refused an unknown key: \"",
                   Shorten(std::string(accepted.status().message()), 90), "\""));
  return true;
}

void CheckParams(CheckSession& s) {
  s.report.Begin("params");
  std::vector<std::string> problems;
  for (size_t i = 0; i < s.samples.size(); ++i) {
    ConfigValueTree tree(s.samples[i]);
    absl::StatusOr<const PersonaCompiledCriterion*> compiled = CompileGuarded(*s.instance, tree);
    if (!compiled.ok()) {
      problems.push_back(absl::StrCat("params #", i + 1, " ", Shorten(ToJson(s.samples[i]), 80),
                                      ": ", compiled.status().message()));
      continue;
    }
    s.criteria.push_back(*compiled);
  }
  if (!problems.empty()) {
    s.report.Fail("params", absl::StrCat(problems.size(), " of ", s.samples.size(),
                                         " sample params refused (from ", s.samples_source, ")"));
    for (const std::string& p : problems) s.report.Note(p);
    return;
  }
  s.report.Pass("params",
                absl::StrCat("compiled ", s.samples.size(), " criteri",
                             s.samples.size() == 1 ? "on" : "a", " from ", s.samples_source));
}

void CheckMalformed(CheckSession& s) {
  s.report.Begin("malformed");
  const Struct base = s.criteria.empty() ? Struct() : s.samples.front();
  size_t keys = 0;
  const std::vector<Probe> probes = MalformedProbes(s, base, &keys);
  std::vector<std::string> failures;
  for (const Probe& probe : probes) {
    ConfigValueTree tree(probe.params);
    absl::StatusOr<const PersonaCompiledCriterion*> compiled = CompileGuarded(*s.instance, tree);
    const std::string problem =
        RefusalProblem(compiled.ok() ? absl::OkStatus() : compiled.status(), probe.must_mention);
    if (!problem.empty()) failures.push_back(absl::StrCat(probe.what, ": ", problem));
  }
  std::string empty_note;
  if (!base.fields().empty()) {
    ConfigValueTree tree{Struct()};
    if (CompileGuarded(*s.instance, tree).ok()) {
      empty_note =
          "note: {} compiles: make sure an empty criterion means something (most plugins "
          "refuse it with \"params: must give at least one of ...\")";
    }
  }
  if (failures.empty()) {
    s.report.Pass("malformed",
                  absl::StrCat("refused all ", probes.size(),
                               " malformed params with a message naming the key (an unknown "
                               "key, and a wrong type for each of ",
                               keys, " key", keys == 1 ? "" : "s", ")"));
  } else {
    s.report.Fail("malformed", absl::StrCat(failures.size(), " of ", probes.size(),
                                            " malformed params not refused properly"));
    for (const std::string& f : failures) s.report.Note(f);
  }
  if (!empty_note.empty()) s.report.Note(empty_note);
}

void SkipRest(CheckSession& s, const std::string& why) {
  for (const char* check : {"params", "malformed", "exercise", "scoring", "sink", "determinism",
                            "allocation", "cost"}) {
    s.report.Skip(check, absl::StrCat("not run: ", why));
  }
}

}  // namespace plugin_check
}  // namespace persona
