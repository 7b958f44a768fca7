// Reloads under load against the real server: several clients call ScoreCustomer without
// pause while the catalog is reloaded many times — good versions, rejected versions, and a
// new build of a plugin rolled in under the same file name. No call may fail, every answer
// must come from a catalog version that was serving while the call ran, and a rejected
// version must never serve.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persona/v1/persona_service.grpc.pb.h"
#include "tests/e2e/e2e_env.h"
#include "tests/e2e/server_process.h"

namespace persona::e2e {
namespace {

namespace fs = std::filesystem;

// The default catalog plus a persona scored by the toy fixture, whose builds label
// themselves ("toy.build": "v1" / "v2").
std::string Catalog(const std::string& version, bool broken = false) {
  std::string text =
      ReadFileOrEmpty(std::string(PERSONA_SOURCE_DIR) + "/deploy/catalog/catalog.json");
  text = absl::StrReplaceAll(
      text, {{"\"version\": \"2026-12-07.1\"", "\"version\": \"" + version + "\""}});
  text = absl::StrReplaceAll(
      text, {{"{\"name\": \"psychographic\", \"plugin\": \"libsegmenter_psychographic.so\"}",
              "{\"name\": \"psychographic\", \"plugin\": \"libsegmenter_psychographic.so\"},\n"
              "    {\"name\": \"toy\", \"plugin\": \"libsegmenter_toy.so\"}"}});
  const std::string toy_persona =
      "{\"id\": \"toy-probe\", \"display_name\": \"Toy Probe\", \"criteria\": [{\"segmenter\": "
      "\"toy\", \"weight\": " +
      std::string(broken ? "-1" : "1") +
      ", \"params\": {\"affinity\": 0.3}}]},\n    {\n      \"id\": \"hemat-fred\"";
  text = absl::StrReplaceAll(text, {{"{\n      \"id\": \"hemat-fred\"", toy_persona}});
  return text;
}

struct Observation {
  absl::Time start, end;
  std::string version;
  std::string build;
};

TEST(E2eReloadUnderLoad, NoCallFailsAndOnlyValidVersionsServe) {
  TempDir dir;
  const fs::path plugins = fs::path(dir.path()) / "plugins";
  fs::create_directories(plugins);
  for (const char* name :
       {"libsegmenter_demographic.so", "libsegmenter_rfm.so", "libsegmenter_psychographic.so",
        "libsegmenter_behavioral.so", "libsegmenter_digital.so", "libsegmenter_triggers.so"}) {
    fs::copy_file(fs::path(PERSONA_PLUGIN_DIR) / name, plugins / name);
  }
  const auto install_toy = [&](const char* fixture) {
    // How operators must roll a plugin: a new file renamed over the old name, never a copy
    // onto a file a server has loaded.
    fs::copy_file(fs::path(PERSONA_FIXTURE_PLUGIN_DIR) / fixture, plugins / ".toy.tmp",
                  fs::copy_options::overwrite_existing);
    fs::rename(plugins / ".toy.tmp", plugins / "libsegmenter_toy.so");
  };
  install_toy("libsegmenter_toy.so");
  const fs::path catalog_dir = fs::path(dir.path()) / "catalog";
  fs::create_directories(catalog_dir);
  const std::string catalog_file = (catalog_dir / "catalog.json").string();
  WriteFileAtomically(catalog_file, Catalog("load-0"));

  ServerOptions options;
  options.binary = PERSONA_SERVER_BINARY;
  options.catalog = catalog_dir.string();
  options.plugin_dir = plugins.string();
  options.extra_args = {"--watch_catalog=false"};  // this test drives every reload itself
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  persona::v1::ScoreCustomerRequest request;
  request.mutable_customer()->set_customer_id("load-probe");
  request.mutable_customer()->mutable_demographics()->set_age(30);
  request.add_persona_ids("toy-probe");

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<Observation> observations;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      auto stub = persona::v1::PersonaScoring::NewStub((*server)->channel());
      while (!stop.load()) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        persona::v1::ScoreCustomerResponse response;
        Observation o;
        o.start = absl::Now();
        const grpc::Status status = stub->ScoreCustomer(&context, request, &response);
        o.end = absl::Now();
        std::lock_guard<std::mutex> lock(mutex);
        if (!status.ok()) {
          failures.push_back(absl::StrCat(status.error_code(), ": ", status.error_message()));
          continue;
        }
        o.version = response.catalog_version();
        for (const auto& label : response.labels()) {
          if (label.key() == "toy.build") o.build = label.value();
        }
        observations.push_back(std::move(o));
      }
    });
  }

  // Publication windows: version -> [reload call started, reload call returned].
  struct Window {
    absl::Time from, to;
  };
  std::map<std::string, Window> applied = {{"load-0", {absl::InfinitePast(), absl::Now()}}};
  std::vector<std::string> order = {"load-0"};
  std::map<std::string, std::string> build_of = {{"load-0", "v1"}};
  auto admin = persona::v1::CatalogAdmin::NewStub((*server)->channel());
  int rejected = 0;
  for (int round = 1; round <= 24; ++round) {
    const std::string version = absl::StrCat("load-", round);
    const int kind = round % 4;
    if (kind == 1) {
      WriteFileAtomically(catalog_file, Catalog("bad-" + version, /*broken=*/true));
    } else if (kind == 2) {
      WriteFileAtomically(catalog_file, "{\"version\": \"bad-" + version + "\", \"colour\": 1}");
    } else {
      if (kind == 3) install_toy(round % 8 == 3 ? "libsegmenter_toy_v2.so" : "libsegmenter_toy.so");
      WriteFileAtomically(catalog_file, Catalog(version));
    }
    const absl::Time from = absl::Now();
    bool ok = false;
    if (round % 5 == 0) {
      // The operator's other trigger: SIGHUP, then wait for the status to say what happened.
      ASSERT_TRUE((*server)->Signal(SIGHUP).ok());
      for (int i = 0; i < 200; ++i) {
        grpc::ClientContext context;
        persona::v1::GetCatalogStatusResponse status;
        ASSERT_TRUE(admin->GetCatalogStatus(&context, {}, &status).ok());
        if (status.last_reload_attempt().seconds() * 1000000000LL +
                status.last_reload_attempt().nanos() >=
            absl::ToUnixNanos(from)) {
          ok = status.last_reload_problems().empty();
          break;
        }
        absl::SleepFor(absl::Milliseconds(10));
      }
    } else {
      grpc::ClientContext context;
      persona::v1::ReloadCatalogResponse response;
      ASSERT_TRUE(admin->ReloadCatalog(&context, {}, &response).ok());
      ok = response.applied();
      if (ok) {
        EXPECT_EQ(response.catalog_version(), version);
      }
    }
    const absl::Time to = absl::Now();
    if (kind == 1 || kind == 2) {
      EXPECT_FALSE(ok) << version;
      ++rejected;
    } else {
      ASSERT_TRUE(ok) << version;
      applied[version] = {from, to};
      order.push_back(version);
      build_of[version] =
          kind == 3 ? (round % 8 == 3 ? "v2" : "v1") : build_of[order[order.size() - 2]];
    }
    absl::SleepFor(absl::Milliseconds(40));  // let requests land on every version
  }
  stop = true;
  for (std::thread& t : clients) t.join();

  EXPECT_THAT(failures, ::testing::IsEmpty());
  ASSERT_GT(observations.size(), 100u);
  EXPECT_GE(rejected, 12);
  std::map<std::string, int> per_version;
  for (const Observation& o : observations) {
    ++per_version[o.version];
    auto it = applied.find(o.version);
    ASSERT_NE(it, applied.end()) << "served a version that was never applied: " << o.version;
    EXPECT_FALSE(o.version.rfind("bad-", 0) == 0) << o.version;
    // It must have been serving at some moment of the call: published before the call
    // ended, and not yet replaced when it started.
    EXPECT_LE(it->second.from, o.end) << o.version;
    const auto next = std::find(order.begin(), order.end(), o.version) + 1;
    if (next != order.end()) {
      EXPECT_GE(applied[*next].to, o.start) << o.version;
    }
    // And its plugin build is the one that catalog was loaded with.
    EXPECT_EQ(o.build, build_of[o.version]) << o.version;
  }
  EXPECT_GE(per_version.size(), 6u);  // requests really did span many reloads
  EXPECT_GE(std::count_if(observations.begin(), observations.end(),
                          [](const Observation& o) { return o.build == "v2"; }),
            1);

  const auto stopped = (*server)->Stop();
  EXPECT_EQ(stopped.exit_code, 0);
  EXPECT_FALSE(stopped.killed);
  // Old plugin builds were released once no snapshot used them.
  EXPECT_FALSE((*server)->LogLines({"plugin_unloaded", "toy"}).empty());
}

}  // namespace
}  // namespace persona::e2e
