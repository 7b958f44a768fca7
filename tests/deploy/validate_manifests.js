#!/usr/bin/env node
// Schema check of deploy/k8s, offline:
//   node validate_manifests.js [--kustomization=DIR] [--kubectl=auto|off|require]
// Renders the kustomization (lib/kustomize.js), validates every object against the
// Kubernetes API schemas with strict fields (lib/schema.js), checks every manifest file in
// the directory is listed in the kustomization (a file nobody applies is a lie), and, where
// kubectl is installed, that `kubectl kustomize` renders the same objects.
"use strict";

try {
  require.resolve("yaml");
  require.resolve("kubernetes-models/package.json");
} catch (e) {
  console.error("tests/deploy: npm packages not found. ctest runs deploy_npm_ci first; by hand: " +
                "(cd BUILD/tests/deploy/node && npm ci) and NODE_PATH=BUILD/tests/deploy/node/node_modules");
  process.exit(2);
}

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const YAML = require("yaml");
const { render, clean } = require("./lib/kustomize");
const { validateObject, schemaVersion } = require("./lib/schema");

function arg(name, fallback) {
  const prefix = `--${name}=`;
  const found = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return found ? found.slice(prefix.length) : fallback;
}

const dir = path.resolve(arg("kustomization", path.join(__dirname, "..", "..", "deploy", "k8s")));
const kubectlMode = arg("kubectl", "auto");
let failures = 0;
const fail = (message) => {
  failures++;
  console.log(`FAIL ${message}`);
};

console.log(`schemas: ${schemaVersion()}`);
let rendered;
try {
  rendered = render(dir);
} catch (e) {
  fail(`render ${dir}: ${e.message}`);
  process.exit(1);
}
const { objects, sources } = rendered;

// What the API server validates beyond the OpenAPI schema, for the fields used here.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
function semanticProblems(obj) {
  const out = [];
  const name = obj.metadata?.name || "";
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) out.push(`metadata.name: '${name}' is not a DNS-1123 subdomain`);
  const port = (where, p) => {
    if (Number.isInteger(p) && (p < 1 || p > 65535)) out.push(`${where}: port ${p} out of 1..65535`);
    if (typeof p === "string" && !IANA_SVC_NAME.test(p)) out.push(`${where}: '${p}' is not a valid port name`);
  };
  const pod = obj.kind === "Deployment" ? obj.spec?.template?.spec : null;
  for (const [i, c] of (pod?.containers || []).entries()) {
    for (const [j, p] of (c.ports || []).entries()) {
      if (typeof p.containerPort === "number") port(`containers[${i}].ports[${j}].containerPort`, p.containerPort);
      if (p.name !== undefined) port(`containers[${i}].ports[${j}].name`, p.name);
    }
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const pr = c[probe];
      if (!pr) continue;
      const handlers = ["exec", "httpGet", "tcpSocket", "grpc"].filter((h) => pr[h]);
      if (handlers.length !== 1) out.push(`containers[${i}].${probe}: needs exactly one handler, has ${handlers.join(", ") || "none"}`);
      if (pr.grpc) port(`containers[${i}].${probe}.grpc.port`, pr.grpc.port);
      if (probe !== "readinessProbe" && pr.successThreshold !== undefined && pr.successThreshold !== 1) {
        out.push(`containers[${i}].${probe}.successThreshold: must be 1`);
      }
    }
  }
  if (obj.kind === "Deployment") {
    const selector = obj.spec?.selector?.matchLabels || {};
    const labels = obj.spec?.template?.metadata?.labels || {};
    for (const [k, v] of Object.entries(selector)) {
      if (labels[k] !== v) out.push(`spec.selector.matchLabels.${k}: does not match the template's labels`);
    }
  }
  if (obj.kind === "Service") {
    for (const [j, p] of (obj.spec?.ports || []).entries()) {
      port(`spec.ports[${j}].port`, p.port);
      if (p.targetPort !== undefined) port(`spec.ports[${j}].targetPort`, p.targetPort);
    }
  }
  if (obj.kind === "HorizontalPodAutoscaler") {
    for (const [j, m] of (obj.spec?.metrics || []).entries()) {
      const target = m.resource?.target || m.pods?.target || m.object?.target || m.external?.target || m.containerResource?.target;
      if (target && !["Utilization", "Value", "AverageValue"].includes(target.type)) {
        out.push(`spec.metrics[${j}].target.type: '${target.type}' is not Utilization, Value or AverageValue`);
      }
    }
    if ((obj.spec?.minReplicas ?? 1) > obj.spec?.maxReplicas) out.push("spec.minReplicas: above maxReplicas");
  }
  if (obj.kind === "PodDisruptionBudget" && obj.spec?.minAvailable !== undefined && obj.spec?.maxUnavailable !== undefined) {
    out.push("spec: minAvailable and maxUnavailable are mutually exclusive");
  }
  return out;
}

// Every object: valid against its schema, named, no two alike.
const seen = new Set();
for (const obj of objects) {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const problems = [...validateObject(clean(obj)), ...semanticProblems(obj)];
  if (!obj.metadata?.name) problems.push("metadata.name: missing");
  if (seen.has(id)) problems.push("defined twice");
  seen.add(id);
  if (problems.length === 0) {
    console.log(`ok   ${obj.apiVersion} ${id}`);
  } else {
    for (const p of problems) fail(`${obj.apiVersion} ${id}: ${p}`);
  }
}
if (objects.length === 0) fail(`${dir}: the kustomization renders no objects`);

// Every YAML file beside the kustomization is one of its sources.
for (const name of fs.readdirSync(dir)) {
  if (!/\.ya?ml$/.test(name)) continue;
  const full = path.join(dir, name);
  if (!sources.includes(full)) fail(`${full}: not listed in the kustomization's resources`);
}

// Cross-check the renderer with the real kustomize where there is one.
const kubectl = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
if (kubectlMode === "off") {
  console.log("kubectl kustomize: skipped (--kubectl=off)");
} else if (kubectl.error || kubectl.status !== 0) {
  const why = kubectl.error ? "kubectl not installed" : kubectl.stderr.trim();
  if (kubectlMode === "require") fail(`kubectl kustomize: ${why}`);
  else console.log(`kubectl kustomize: not compared (${why})`);
} else {
  const before = failures;
  const key = (o) => `${o.kind}/${o.metadata.name}`;
  const theirs = new Map(YAML.parseAllDocuments(kubectl.stdout).map((d) => d.toJS()).filter(Boolean)
    .map((o) => [key(o), o]));
  const ours = new Map(objects.map((o) => [key(o), clean(o)]));
  const canonical = (v) => JSON.stringify(v, (k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x);
  for (const [k, o] of ours) {
    if (!theirs.has(k)) fail(`kubectl kustomize: renders no ${k} (renders ${[...theirs.keys()].join(", ")})`);
    else if (canonical(theirs.get(k)) !== canonical(o)) fail(`kubectl kustomize: ${k} differs from lib/kustomize.js's rendering`);
  }
  for (const k of theirs.keys()) if (!ours.has(k)) fail(`kubectl kustomize: renders ${k}, lib/kustomize.js does not`);
  if (failures === before) console.log(`kubectl kustomize: renders the same ${theirs.size} objects`);
}

console.log(`${objects.length} objects from ${sources.length} files; ` +
            `${failures === 0 ? "all valid" : failures + " problem(s)"}`);
process.exit(failures === 0 ? 0 : 1);
