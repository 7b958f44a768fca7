#!/usr/bin/env node
// check_consistency.js can fail: a flag renamed on either side, a subPath mount, a stop
// timeout shorter than the drain. Each case breaks a copy of deploy/ (or wraps the server so
// --helpfull shows a renamed flag, as if main.cc changed) and expects exit 1 naming it.
//   node consistency_rejects_broken.js --server=PATH --build_dir=DIR [--source_dir=DIR]
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const arg = (name, fallback) => {
  const found = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const server = path.resolve(arg("server"));
const buildDir = arg("build_dir");
const sourceDir = path.resolve(arg("source_dir", path.join(__dirname, "..", "..")));

const cases = [
  ["a Deployment arg that is no flag", "k8s/deployment.yaml", (s) => s.replace("--drain_seconds=5", "--drain_secs=5"), null, /--drain_secs is not a persona-server flag/],
  ["the catalog mounted with subPath", "k8s/deployment.yaml", (s) => s.replace("mountPath: /etc/persona-server/catalog", "mountPath: /etc/persona-server/catalog\n              subPath: catalog.json"), null, /FAIL the catalog ConfigMap is mounted as a directory/],
  ["a probe on another port", "k8s/deployment.yaml", (s) => s.replace(/(livenessProbe:\n\s+grpc:\n\s+port: )50051/, "$19464"), null, /FAIL livenessProbe.grpc.port/],
  ["a misspelt liveness service", "k8s/deployment.yaml", (s) => s.replace("service: liveness", "service: live"), null, /FAIL livenessProbe.grpc.service/],
  ["terminationGracePeriodSeconds below drain + grace", "k8s/deployment.yaml", (s) => s.replace("terminationGracePeriodSeconds: 35", "terminationGracePeriodSeconds: 20"), null, /FAIL terminationGracePeriodSeconds 20/],
  ["a metrics annotation on the wrong port", "k8s/service-metrics.yaml", (s) => s.replace('prometheus.io/port: "9464"', 'prometheus.io/port: "9090"'), null, /prometheus.io\/port \(9090\)/],
  ["a non-loopback listener without admin protection", "k8s/deployment.yaml", (s) => s.replace("            - --admin_token_file=/run/persona-server/admin-token\n", ""), null, /FAIL CatalogAdmin is protected/],
  ["TimeoutStopSec below drain + grace", "systemd/persona-server.service", (s) => s.replace("TimeoutStopSec=20", "TimeoutStopSec=12"), null, /FAIL TimeoutStopSec 12/],
  ["a flag renamed in the server", null, null, "shutdown_grace_seconds", /--shutdown_grace_seconds is not a persona-server flag/],
];

let failed = 0;
for (const [name, file, breakIt, renamedFlag, expected] of cases) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "persona-deploy-broken-"));
  fs.cpSync(path.join(sourceDir, "deploy"), path.join(tmp, "deploy"), { recursive: true });
  let binary = server;
  if (file) {
    const target = path.join(tmp, "deploy", file);
    const before = fs.readFileSync(target, "utf8");
    const after = breakIt(before);
    if (after === before) {
      console.log(`FAIL ${name}: the breakage did not apply to ${file} (update this test)`);
      failed++;
      continue;
    }
    fs.writeFileSync(target, after);
  } else {
    binary = path.join(tmp, "persona-server");
    fs.writeFileSync(binary, `#!/bin/sh\nif [ "$1" = --helpfull ]; then "${server}" --helpfull | sed 's/--${renamedFlag} /--${renamedFlag}_renamed /'; else exec "${server}" "$@"; fi\n`, { mode: 0o755 });
  }
  const out = spawnSync(process.execPath, [path.join(__dirname, "check_consistency.js"), `--server=${binary}`, `--build_dir=${buildDir}`,
    `--source_dir=${tmp}`, "--only=k8s,systemd", "--live=false", `--cmake=${arg("cmake", "cmake")}`], { encoding: "utf8", env: process.env });
  const text = `${out.stdout}${out.stderr}`;
  if (out.status === 1 && expected.test(text)) {
    console.log(`ok   ${name}: caught (${text.split("\n").find((l) => expected.test(l)).trim()})`);
  } else {
    console.log(`FAIL ${name}: exit ${out.status}, expected a line matching ${expected}\n${text}`);
    failed++;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
