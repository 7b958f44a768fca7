#!/usr/bin/env node
// The schema check can fail: each case copies deploy/ (k8s and catalog), breaks one thing,
// and expects validate_manifests.js to exit 1 naming the problem.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const prefix = "--kustomization=";
const given = process.argv.slice(2).find((a) => a.startsWith(prefix));
const k8s = path.resolve(given ? given.slice(prefix.length) : path.join(__dirname, "..", "..", "deploy", "k8s"));
const deploy = path.dirname(k8s);

const cases = [
  ["a misspelt field", "deployment.yaml", (s) => s.replace("readinessProbe:", "readinesProbe:"), /readinesProbe: unknown field/],
  ["a port as a string", "deployment.yaml", (s) => s.replace("containerPort: 9464", 'containerPort: "9464"'), /containerPort: must be integer/],
  ["an API version Kubernetes does not serve", "deployment.yaml", (s) => s.replace("apiVersion: apps/v1", "apiVersion: apps/v2"), /no schema for apiVersion apps\/v2/],
  ["a missing required field", "service-metrics.yaml", (s) => s.replace(/^\s+port: 9464\n/m, "\n"), /must have required property '?port'?/],
  ["a bad HPA target type", "hpa.yaml", (s) => s.replace("type: Utilization", "type: Utilisation"), /Utilization, Value or AverageValue/],
  ["an unknown Service field", "service-grpc.yaml", (s) => s.replace("clusterIP: None", "clusterIP: None\n  sessionAffinty: None"), /sessionAffinty: unknown field/],
  ["a resource file that does not exist", "kustomization.yaml", (s) => s.replace("- hpa.yaml", "- hpa-typo.yaml"), /does not exist/],
  ["a manifest the kustomization does not list", "stray.yaml", () => "apiVersion: v1\nkind: Service\n", /not listed in the kustomization/],
  ["a selector that selects nothing", "deployment.yaml", (s) => s.replace(/(matchLabels:\n\s+app\.kubernetes\.io\/name: )persona-server/, "$1persona-srv"), /does not match the template's labels/],
];

let failed = 0;
for (const [name, file, breakIt, expected] of cases) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "persona-k8s-broken-"));
  for (const sub of fs.readdirSync(deploy)) {
    if (["k8s", "catalog"].includes(sub)) fs.cpSync(path.join(deploy, sub), path.join(tmp, sub), { recursive: true });
  }
  const target = path.join(tmp, "k8s", file);
  const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  const after = breakIt(before);
  if (after === before) {
    console.log(`FAIL ${name}: the breakage did not apply to ${file} (update this test)`);
    failed++;
    continue;
  }
  fs.writeFileSync(target, after);
  const out = spawnSync(process.execPath, [path.join(__dirname, "validate_manifests.js"), `--kustomization=${path.join(tmp, "k8s")}`, "--kubectl=off"],
                        { encoding: "utf8", env: process.env });
  const text = `${out.stdout}${out.stderr}`;
  if (out.status === 1 && expected.test(text)) {
    console.log(`ok   ${name}: rejected (${text.split("\n").find((l) => expected.test(l)).trim()})`);
  } else {
    console.log(`FAIL ${name}: exit ${out.status}, expected a line matching ${expected}\n${text}`);
    failed++;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
