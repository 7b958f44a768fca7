#include "tools/plugin_check/plugin_loading.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/plugin_check/elf_exports.h"
#include "tools/plugin_check/metadata_check.h"
#include "tools/plugin_check/output_capture.h"

namespace persona {
namespace plugin_check {
namespace {

// The plugin store's private directory and the copies in it, as plain buffers a signal
// handler may read.
char g_private_dir[1024];
char g_private_files[4][1024];

void RecordPrivateCopies(const std::string& dir) {
  std::snprintf(g_private_dir, sizeof(g_private_dir), "%s", dir.c_str());
  std::error_code ec;
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (n == std::size(g_private_files)) break;
    std::snprintf(g_private_files[n++], sizeof(g_private_files[0]), "%s", entry.path().c_str());
  }
}

}  // namespace

bool CheckAbi(CheckSession& s) {
  s.report.Begin("abi");
  absl::StatusOr<std::unique_ptr<PluginStore>> store = PluginStore::Create("");
  if (!store.ok()) {
    s.report.Fail("abi", std::string(store.status().message()));
    return false;
  }
  s.store = *std::move(store);
  absl::StatusOr<PluginStore::Loaded> loaded = absl::InternalError("not loaded");
  WithoutHostLog([&] { loaded = s.store->Load(s.options.plugin_path, ""); });
  if (!loaded.ok()) {
    if (!CheckRefusedMissingAffinity(s)) {
      s.report.Fail("abi", std::string(loaded.status().message()));
    }
    return false;
  }
  s.library = loaded->library;
  RecordPrivateCopies(s.store->cache_dir());
  std::string note;
  if (s.library->api().struct_size < sizeof(PersonaSegmenterPlugin)) {
    note = " (an older minor: fields added since are absent, which is fine)";
  }
  s.report.Pass("abi", absl::StrCat("built against ABI ", s.library->abi_version(),
                                    ", loaded the way the server loads it", note));
  s.report.Note(absl::StrCat("sha256 ", loaded->sha256, " (to pin this build in a catalog: ",
                             "\"sha256\": \"", loaded->sha256, "\")"));
  return true;
}

void CheckExports(CheckSession& s) {
  s.report.Begin("exports");
  absl::StatusOr<std::vector<std::string>> symbols = ExportedSymbols(s.options.plugin_path);
  if (!symbols.ok()) {
    s.report.Fail("exports", std::string(symbols.status().message()));
    return;
  }
  std::vector<std::string> extra;
  for (const std::string& symbol : *symbols) {
    if (symbol != PERSONA_SEGMENTER_ENTRY_SYMBOL) extra.push_back(symbol);
  }
  if (extra.empty()) {
    s.report.Pass("exports", absl::StrCat("only ", PERSONA_SEGMENTER_ENTRY_SYMBOL, " is exported"));
    return;
  }
  // Plain C names first: those were exported on purpose; C++ (_Z...) ones leak from
  // default visibility.
  std::sort(extra.begin(), extra.end(), [](const std::string& a, const std::string& b) {
    const bool a_cxx = a.rfind("_Z", 0) == 0;
    const bool b_cxx = b.rfind("_Z", 0) == 0;
    return a_cxx != b_cxx ? b_cxx : a < b;
  });
  const size_t shown = std::min<size_t>(extra.size(), 5);
  s.report.Fail("exports", absl::StrCat(extra.size(), " symbol", extra.size() == 1 ? "" : "s",
                                        " exported besides ", PERSONA_SEGMENTER_ENTRY_SYMBOL, ": ",
                                        absl::StrJoin(extra.begin(), extra.begin() + shown, ", "),
                                        extra.size() > shown ? ", ..." : ""));
  s.report.Note(
      "build with persona_add_segmenter() (hidden visibility and a version script), or link "
      "with -fvisibility=hidden and -Wl,--version-script exporting only the entry point");
}

void RemovePrivateCopies() {
  for (const char* file : g_private_files) {
    if (file[0] != '\0') unlink(file);
  }
  if (g_private_dir[0] != '\0') rmdir(g_private_dir);
}

}  // namespace plugin_check
}  // namespace persona
