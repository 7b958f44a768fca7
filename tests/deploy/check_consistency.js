#!/usr/bin/env node
// deploy/ agrees with the code:
//   node check_consistency.js --server=BUILD/service/persona-server --build_dir=BUILD
//        [--source_dir=REPO] [--only=k8s,systemd,docker] [--live=true|false]
// k8s:     every --flag in the Deployment's args exists (persona-server --helpfull); probe,
//          containerPort, Service and Prometheus annotation ports equal the --listen and
//          --metrics_listen ports; the catalog ConfigMap is mounted as a directory (no subPath)
//          at the --catalog path; the plugin cache is on a writable volume;
//          terminationGracePeriodSeconds >= drain + grace + margin; probe service names are
//          ones the server registers; selectors select the pods. Then, live: the server is
//          started with the Deployment's own args (addresses moved to loopback, the catalog
//          ConfigMap laid out as the kubelet mounts it) and probed like the kubelet and
//          Prometheus would: both probes SERVING, /metrics at the annotated path, and SIGTERM
//          exits 0 within the grace period.
// systemd: ExecStart flags exist, paths match the install layout, TimeoutStopSec covers the
//          drain, ExecReload sends SIGHUP; `systemd-analyze verify` where available.
// docker:  the Dockerfile's COPY sources exist in `cmake --install --component server` with
//          the Dockerfile's own prefix/DESTDIR; ENTRYPOINT, CMD flags and paths resolve in that
//          tree, the plugins sit at the server's default --plugin_dir with safe modes, the
//          installed server validates the installed catalog, and the runtime packages cover
//          every shared library the binaries need (apt-cache, where available).
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
const os = require("os");
const path = require("path");
const { spawn, spawnSync } = require("child_process");
const { render } = require("./lib/kustomize");
const S = require("./lib/server");

function arg(name, fallback) {
  const prefix = `--${name}=`;
  const found = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return found ? found.slice(prefix.length) : fallback;
}
const sourceDir = path.resolve(arg("source_dir", path.join(__dirname, "..", "..")));
const server = arg("server");
const buildDir = arg("build_dir");
const only = new Set(arg("only", "k8s,systemd,docker").split(","));
const live = arg("live", "true") === "true";
const cmake = arg("cmake", "cmake");
if (!server || !buildDir) {
  console.error("usage: check_consistency.js --server=PATH --build_dir=DIR [--source_dir=DIR]");
  process.exit(2);
}

const MARGIN_SECONDS = 5;  // kubelet/systemd SIGKILL at least this long after drain + grace
const READINESS_SERVICES = ["", "persona.v1.PersonaScoring"];  // service/server/main.cc
const LIVENESS_SERVICE = "liveness";

let failures = 0;
let checks = 0;
function check(ok, message, detail) {
  checks++;
  if (ok) {
    console.log(`ok   ${message}`);
  } else {
    failures++;
    console.log(`FAIL ${message}${detail ? `: ${detail}` : ""}`);
  }
  return ok;
}
const flags = S.serverFlags(server);
console.log(`persona-server accepts ${flags.size} flags`);
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "persona-deploy-"));

// ---------------------------------------------------------------------------------------
async function checkKubernetes() {
  console.log("== deploy/k8s");
  const { objects } = render(path.join(sourceDir, "deploy", "k8s"));
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const deployment = byKind("Deployment")[0];
  if (!check(!!deployment, "a Deployment")) return;
  const pod = deployment.spec.template;
  const container = pod.spec.containers.find((c) => c.name === "persona-server") || pod.spec.containers[0];
  const where = `Deployment ${deployment.metadata.name} container ${container.name}`;
  check(!container.command, `${where}: no command override (the image's ENTRYPOINT runs)`);
  const { values, problems } = S.parseArgs(container.args || [], flags, `${where} args`);
  check(problems.length === 0, `${where}: every arg is a persona-server flag`, problems.join("; "));
  const get = (name) => S.flagValue(values, flags, name);

  // Ports.
  const grpcPort = S.portOf(get("listen"));
  const metricsPort = S.portOf(get("metrics_listen"));
  check(/^(0\.0\.0\.0|\[::\]):\d+$/.test(get("listen") || ""), `--listen=${get("listen")} binds all interfaces (probes and peers reach it)`);
  check(metricsPort !== null && /^(0\.0\.0\.0|\[::\]):/.test(get("metrics_listen")), `--metrics_listen=${get("metrics_listen")} is on and binds all interfaces`);
  const ports = new Map((container.ports || []).map((p) => [p.name, p.containerPort]));
  check(ports.get("grpc") === grpcPort, `containerPort 'grpc' (${ports.get("grpc")}) = --listen port (${grpcPort})`);
  check(ports.get("metrics") === metricsPort, `containerPort 'metrics' (${ports.get("metrics")}) = --metrics_listen port (${metricsPort})`);
  const resolvePort = (p) => (typeof p === "string" ? ports.get(p) : p);

  const readiness = container.readinessProbe?.grpc;
  const liveness = container.livenessProbe?.grpc;
  check(!!readiness && !!liveness, `${where}: native gRPC readiness and liveness probes`);
  check(readiness && resolvePort(readiness.port) === grpcPort, `readinessProbe.grpc.port (${readiness?.port}) = --listen port`);
  check(liveness && resolvePort(liveness.port) === grpcPort, `livenessProbe.grpc.port (${liveness?.port}) = --listen port`);
  check(READINESS_SERVICES.includes(readiness?.service ?? ""),
        `readinessProbe.grpc.service '${readiness?.service ?? ""}' is one the server sets NOT_SERVING until a catalog is live and while draining (${READINESS_SERVICES.map((s) => `'${s}'`).join(" or ")})`);
  check(liveness?.service === LIVENESS_SERVICE, `livenessProbe.grpc.service is '${LIVENESS_SERVICE}' (SERVING while the process answers; a bad catalog must not restart the pod)`);

  const podLabels = pod.metadata.labels || {};
  const selects = (selector) => selector && Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  const services = byKind("Service");
  const headless = services.filter((s) => s.spec.clusterIP === "None");
  check(headless.length === 1, "one headless Service (clusterIP: None) for client-side round_robin");
  for (const svc of headless) {
    check(selects(svc.spec.selector), `Service ${svc.metadata.name} selects the pods`);
    check(svc.spec.ports.some((p) => p.port === grpcPort && resolvePort(p.targetPort ?? p.port) === grpcPort),
          `Service ${svc.metadata.name} exposes the gRPC port ${grpcPort} on the same port (DNS clients dial the pod IP with the Service port)`);
    check(!svc.spec.publishNotReadyAddresses, `Service ${svc.metadata.name} publishes only ready pods`);
  }
  const metricsServices = services.filter((s) => s.spec.clusterIP !== "None");
  check(metricsServices.length >= 1, "a regular Service for the metrics port");
  for (const svc of metricsServices) {
    check(selects(svc.spec.selector), `Service ${svc.metadata.name} selects the pods`);
    check(svc.spec.ports.every((p) => resolvePort(p.targetPort ?? p.port) === metricsPort),
          `Service ${svc.metadata.name} targets the metrics port ${metricsPort}`);
  }
  const annotated = [["pod template", pod.metadata.annotations || {}],
    ...metricsServices.map((s) => [`Service ${s.metadata.name}`, s.metadata.annotations || {}])];
  for (const [name, a] of annotated) {
    check(a["prometheus.io/scrape"] === "true", `${name}: prometheus.io/scrape "true"`);
    check(Number(a["prometheus.io/port"]) === metricsPort, `${name}: prometheus.io/port (${a["prometheus.io/port"]}) = --metrics_listen port`);
    check(a["prometheus.io/path"] === "/metrics", `${name}: prometheus.io/path is /metrics`);
  }

  // Catalog volume.
  const catalogPath = get("catalog");
  const mounts = container.volumeMounts || [];
  const catalogMount = mounts.find((m) => m.mountPath === catalogPath);
  check(!!catalogMount, `a volume is mounted at the --catalog path ${catalogPath}`);
  const volumes = new Map((pod.spec.volumes || []).map((v) => [v.name, v]));
  const catalogVolume = catalogMount && volumes.get(catalogMount.name);
  const configMaps = new Map(byKind("ConfigMap").map((c) => [c.metadata.name, c]));
  const cmName = catalogVolume?.configMap?.name;
  check(!!cmName && configMaps.has(cmName), `the catalog volume is the ConfigMap '${cmName}' the kustomization generates`);
  check(catalogMount && !catalogMount.subPath && !catalogMount.subPathExpr,
        "the catalog ConfigMap is mounted as a directory, not with subPath (subPath mounts never see updates)");
  check(catalogMount?.readOnly === true, "the catalog mount is read-only");
  check(!catalogVolume?.configMap?.items, "the ConfigMap volume projects every key (no items list to forget a new file in)");
  const cm = configMaps.get(cmName);
  check(cm && !cm.hashSuffix, `ConfigMap ${cmName} keeps a stable name (disableNameSuffixHash): edits reach running pods and reload live`);
  const keys = Object.keys(cm?.data || {});
  check(keys.length > 0 && keys.every((k) => k.endsWith(".json")), `ConfigMap ${cmName} keys are *.json (what the server reads from a directory): ${keys.join(", ")}`);

  // Writable paths under a read-only root.
  const cacheDir = get("plugin_cache_dir");
  const readOnlyRoot = container.securityContext?.readOnlyRootFilesystem === true;
  check(readOnlyRoot, "readOnlyRootFilesystem: true");
  const writable = mounts.filter((m) => volumes.get(m.name)?.emptyDir && !m.readOnly).map((m) => m.mountPath);
  check(!!cacheDir && writable.some((w) => cacheDir === w || cacheDir.startsWith(w + "/")),
        `--plugin_cache_dir=${cacheDir} is on a writable emptyDir (${writable.join(", ") || "none"})`);
  check(pod.spec.securityContext?.runAsNonRoot === true, "runAsNonRoot");
  // A non-loopback --listen needs CatalogAdmin protected (the server refuses to start
  // otherwise): a token file on a volume the init container fills, or mTLS.
  const tokenFile = get("admin_token_file");
  if (tokenFile) {
    const tokenMount = mounts.find((m) => tokenFile.startsWith(m.mountPath + "/"));
    check(!!tokenMount, `--admin_token_file=${tokenFile} is on a mounted volume`);
    const filledBy = (pod.spec.initContainers || []).find((c) => (c.volumeMounts || []).some((m) => m.name === tokenMount?.name && !m.readOnly));
    check(!!filledBy && JSON.stringify(filledBy.command || []).includes(tokenFile) && /-m 0?[46]00\b/.test((filledBy.command || []).join(" ")),
          `an init container writes ${tokenFile} owner-only (the server refuses a token file group or others can read)`);
    check(!filledBy || filledBy.image === container.image, "the init container uses the server's image (no other image to pull or trust)");
  } else {
    check(!!get("tls_client_ca") || get("allow_insecure_admin") === "true", "CatalogAdmin is protected (--admin_token_file or --tls_client_ca)");
  }
  check(!!container.resources?.requests?.cpu && !!container.resources?.limits?.memory, "resource requests and limits");

  // Shutdown timing.
  const drain = Number(get("drain_seconds"));
  const grace = Number(get("shutdown_grace_seconds"));
  const tgps = pod.spec.terminationGracePeriodSeconds ?? 30;
  check(tgps >= drain + grace + MARGIN_SECONDS,
        `terminationGracePeriodSeconds ${tgps} >= --drain_seconds ${drain} + --shutdown_grace_seconds ${grace} + ${MARGIN_SECONDS}`);

  // The other objects point at this Deployment.
  for (const pdb of byKind("PodDisruptionBudget")) {
    check(selects(pdb.spec.selector?.matchLabels), `PodDisruptionBudget ${pdb.metadata.name} selects the pods`);
  }
  for (const hpa of byKind("HorizontalPodAutoscaler")) {
    const ref = hpa.spec.scaleTargetRef;
    check(ref.kind === "Deployment" && ref.name === deployment.metadata.name, `HPA ${hpa.metadata.name} scales Deployment ${deployment.metadata.name}`);
    check(hpa.spec.metrics.some((m) => m.resource?.name === "cpu"), `HPA ${hpa.metadata.name} scales on CPU (needs resources.requests.cpu)`);
    check((hpa.spec.minReplicas ?? 1) >= 2, `HPA ${hpa.metadata.name} keeps at least 2 replicas (the PDB can then allow a disruption)`);
  }
  check(byKind("PodDisruptionBudget").length === 1 && byKind("HorizontalPodAutoscaler").length === 1, "one PodDisruptionBudget and one HorizontalPodAutoscaler");

  if (live) await liveKubernetes({ values, cm, catalogPath, tokenFile, drain, grace, tgps, readiness, liveness, metricsPath: pod.metadata.annotations?.["prometheus.io/path"] });
}

// Runs the server with the Deployment's own args and probes it like the kubelet.
async function liveKubernetes({ values, cm, catalogPath, tokenFile, drain, grace, tgps, readiness, liveness, metricsPath }) {
  console.log("-- live: the Deployment's args, probed like the kubelet and Prometheus");
  // The ConfigMap as the kubelet lays it out: files behind a ..data symlink.
  const mount = path.join(tmpRoot, "configmap");
  const versioned = path.join(mount, "..2026_01_01_00_00_00.000000001");
  fs.mkdirSync(versioned, { recursive: true });
  for (const [k, v] of Object.entries(cm.data)) {
    fs.writeFileSync(path.join(versioned, k), v);
    fs.symlinkSync(path.join("..data", k), path.join(mount, k));
  }
  fs.symlinkSync(path.basename(versioned), path.join(mount, "..data"));
  const grpcPort = await S.freePort();
  const metricsPort = await S.freePort();
  // The token as the init container leaves it: owner-only.
  const token = path.join(tmpRoot, "admin-token");
  fs.writeFileSync(token, "deploy-test-token\n", { mode: 0o400 });
  const args = [];
  // Hosts stay as in the manifest (0.0.0.0: the server's non-loopback rules apply); only
  // ports and paths move. Every call below goes to 127.0.0.1.
  const host = (hostPort) => hostPort.replace(/:\d+$/, "");
  for (const [name, value] of values) {
    let v = value;
    if (name === "listen") v = `${host(value)}:${grpcPort}`;
    else if (name === "metrics_listen") v = `${host(value)}:${metricsPort}`;
    else if (name === "admin_token_file") v = token;
    else if (name === "catalog") v = mount;
    else if (name === "plugin_cache_dir") v = path.join(tmpRoot, "plugin-cache");
    args.push(`--${name}=${v}`);
  }
  console.log(`     persona-server ${args.join(" ")}   (catalog ${catalogPath} -> ${mount}${tokenFile ? `, ${tokenFile} -> ${token}` : ""})`);
  const logFile = path.join(tmpRoot, "server.log");
  const log = fs.openSync(logFile, "w");
  const child = spawn(server, args, { stdio: ["ignore", log, log] });
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal, at: Date.now() }));
  const address = `127.0.0.1:${grpcPort}`;
  let ready = "";
  for (let i = 0; i < 100 && exited === null; i++) {
    ready = await S.healthCheck(address, readiness.service ?? "");
    if (ready === "SERVING") break;
    await S.sleep(100);
  }
  check(ready === "SERVING", `readiness probe (service '${readiness.service ?? ""}') answers SERVING once the catalog is live`, ready);
  const alive = await S.healthCheck(address, liveness.service ?? "");
  check(alive === "SERVING", `liveness probe (service '${liveness.service}') answers SERVING`, alive);
  const typo = await S.healthCheck(address, `${liveness.service}x`);
  check(typo !== "SERVING", `a misspelt probe service fails (${typo}), so the name check above matters`);
  const metrics = await S.httpGet(`http://127.0.0.1:${metricsPort}${metricsPath}`);
  check(metrics.status === 200 && /persona_catalog_info\{/.test(metrics.body),
        `GET ${metricsPath} on the metrics port: 200 with persona_ metrics`, `HTTP ${metrics.status}`);
  // SIGTERM: NOT_SERVING at once, exit 0 within drain + grace.
  const termAt = Date.now();
  child.kill("SIGTERM");
  await S.sleep(300);
  if (exited === null) {
    const draining = await S.healthCheck(address, readiness.service ?? "");
    check(draining === "NOT_SERVING", "readiness answers NOT_SERVING right after SIGTERM (drain)", draining);
  }
  for (let i = 0; i < (drain + grace + 2) * 10 && exited === null; i++) await S.sleep(100);
  if (exited === null) child.kill("SIGKILL");
  const took = exited ? (exited.at - termAt) / 1000 : Infinity;
  check(exited && exited.code === 0, `SIGTERM: exit 0 after ${took.toFixed(1)} s (drain ${drain} s), within terminationGracePeriodSeconds ${tgps}`,
        exited ? `code ${exited.code} signal ${exited.signal}` : "still running");
  fs.closeSync(log);
  if (failures > 0) console.log(`---- server log (${logFile}):\n${fs.readFileSync(logFile, "utf8").slice(-4000)}`);
}

// ---------------------------------------------------------------------------------------
function installTree(prefix, component, destdir) {
  const out = spawnSync(cmake, ["--install", buildDir, "--component", component, "--prefix", prefix],
                        { encoding: "utf8", env: { ...process.env, DESTDIR: destdir } });
  check(out.status === 0, `cmake --install ${buildDir} --component ${component} --prefix ${prefix} (DESTDIR=${destdir})`,
        (out.stderr || "").trim().split("\n").slice(-3).join(" | "));
  return out.status === 0;
}

function checkSystemd() {
  console.log("== deploy/systemd/persona-server.service");
  const unitFile = path.join(sourceDir, "deploy", "systemd", "persona-server.service");
  const text = fs.readFileSync(unitFile, "utf8");
  const settings = new Map();
  for (const line of text.split("\n")) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m) settings.set(m[1], [...(settings.get(m[1]) || []), m[2]]);
  }
  const one = (k) => (settings.get(k) || []).slice(-1)[0];
  const exec = one("ExecStart").split(/\s+/);
  const { values, problems } = S.parseArgs(exec.slice(1), flags, "ExecStart");
  check(problems.length === 0, "ExecStart: every argument is a persona-server flag", problems.join("; "));
  const get = (name) => S.flagValue(values, flags, name);
  const drain = Number(get("drain_seconds"));
  const grace = Number(get("shutdown_grace_seconds"));
  const stop = Number(one("TimeoutStopSec"));
  check(stop >= drain + grace + MARGIN_SECONDS, `TimeoutStopSec ${stop} >= --drain_seconds ${drain} + --shutdown_grace_seconds ${grace} + ${MARGIN_SECONDS}`);
  check(/^\/bin\/kill -HUP \$MAINPID$/.test(one("ExecReload") || ""), "ExecReload sends SIGHUP (the server reloads its catalog)");
  check(one("KillSignal") === "SIGTERM", "KillSignal=SIGTERM (the server drains on it)");
  for (const [k, v] of [["DynamicUser", "yes"], ["ProtectSystem", "strict"], ["NoNewPrivileges", "yes"], ["PrivateTmp", "yes"], ["ProtectHome", "yes"], ["CapabilityBoundingSet", ""]]) {
    check(one(k) === v, `${k}=${v}`);
  }
  const cache = one("CacheDirectory");
  const cacheDir = get("plugin_cache_dir");
  check(!!cache && (cacheDir === `/var/cache/${cache}` || cacheDir.startsWith(`/var/cache/${cache}/`)),
        `--plugin_cache_dir=${cacheDir} is inside CacheDirectory=${cache} (the only writable path under ProtectSystem=strict)`);

  const destdir = path.join(tmpRoot, "systemd-install");
  if (installTree("/usr", "server", destdir)) {
    const inTree = (p) => path.join(destdir, p);
    check(fs.existsSync(inTree(exec[0])), `ExecStart binary ${exec[0]} is installed by the server component`);
    check(fs.existsSync(inTree("/usr/lib/systemd/system/persona-server.service")), "the unit is installed as /usr/lib/systemd/system/persona-server.service");
    const pluginDir = get("plugin_dir");
    const plugins = fs.existsSync(inTree(pluginDir)) ? fs.readdirSync(inTree(pluginDir)).filter((f) => f.endsWith(".so")) : [];
    check(plugins.length > 0, `--plugin_dir=${pluginDir} holds the installed plugins (${plugins.join(", ")})`);
    check(fs.existsSync(path.join(inTree(get("catalog")), "catalog.json")), `--catalog=${get("catalog")} is where the default catalog is installed`);
    for (const p of (one("ReadOnlyPaths") || "").split(/\s+/).filter(Boolean)) {
      check(fs.existsSync(inTree(p)), `ReadOnlyPaths ${p} exists in the installed layout`);
    }
  }

  const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  if (analyze.error) {
    console.log("skip systemd-analyze verify: systemd-analyze is not installed");
    return;
  }
  // verify insists the binary exists: point ExecStart at the build's.
  const copy = path.join(tmpRoot, "persona-server.service");
  fs.writeFileSync(copy, text.replace(/^ExecStart=\S+/m, `ExecStart=${path.resolve(server)}`));
  const out = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
  const messages = `${out.stdout}${out.stderr}`.split("\n").filter((l) => l.includes("persona-server.service"));
  check(out.status === 0 && messages.length === 0, "systemd-analyze verify: no errors or warnings for the unit",
        `exit ${out.status}: ${messages.join(" | ") || out.stderr.trim()}`);
}

// ---------------------------------------------------------------------------------------
function parseDockerfile(text) {
  const joined = text.replace(/\\\n/g, " ");
  const stages = [];
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [instr, ...rest] = line.split(/\s+/);
    const body = rest.join(" ");
    if (/^FROM$/i.test(instr)) stages.push({ from: body, lines: [] });
    else if (stages.length) stages[stages.length - 1].lines.push({ instr: instr.toUpperCase(), body });
  }
  return stages;
}

function checkDocker() {
  console.log("== deploy/Dockerfile");
  const stages = parseDockerfile(fs.readFileSync(path.join(sourceDir, "deploy", "Dockerfile"), "utf8"));
  check(stages.length >= 2 && stages.every((s) => /^debian:bookworm/.test(s.from)), "multi-stage, every stage on Debian bookworm");
  const final = stages[stages.length - 1];
  const build = stages.find((s) => / AS build$/i.test(s.from));
  check(!!build, "a stage named build");
  check(!final.lines.some((l) => l.instr === "HEALTHCHECK"), "no HEALTHCHECK (Kubernetes probes the gRPC health service)");
  const user = final.lines.filter((l) => l.instr === "USER").pop();
  check(user && !/^(0|root)(:|$)/.test(user.body), `runs as a non-root user (USER ${user?.body})`);
  const runs = build.lines.filter((l) => l.instr === "RUN").map((l) => l.body).join(" && ");
  const install = /DESTDIR=(\S+) cmake --install \S+ --component (\S+) --prefix (\S+)/.exec(runs);
  if (!check(!!install, "the build stage installs with DESTDIR=… cmake --install … --component … --prefix …")) return;
  const [, outDir, component, prefix] = install;
  const destdir = path.join(tmpRoot, "docker-install");
  if (!installTree(prefix, component, destdir)) return;
  // Image path -> path in our tree, through the COPY --from=build lines.
  const copies = [];
  for (const l of final.lines.filter((x) => x.instr === "COPY")) {
    const parts = l.body.split(/\s+/);
    const options = parts.filter((p) => p.startsWith("--"));
    const paths = parts.filter((p) => !p.startsWith("--"));
    check(options.includes("--from=build"), `COPY ${l.body}: from the build stage`);
    check(!options.some((o) => o.startsWith("--chmod") || o.startsWith("--chown")),
          `COPY ${l.body}: no --chown/--chmod (files stay root-owned with the install rules' modes; --chmod also needs BuildKit)`);
    const dest = paths.pop();
    for (const src of paths) {
      check(src.startsWith(outDir + "/"), `COPY source ${src} is under the install DESTDIR ${outDir}`);
      const local = path.join(destdir, src.slice(outDir.length));
      check(fs.existsSync(local), `COPY source ${src} exists after the install`, `no ${local}`);
      const target = dest.endsWith("/") && !src.endsWith("/") ? path.join(dest, path.basename(src)) : dest;
      copies.push({ image: target.replace(/\/$/, ""), local: local.replace(/\/$/, "") });
    }
  }
  const toLocal = (imagePath) => {
    const c = copies.filter((x) => imagePath === x.image || imagePath.startsWith(x.image + "/"))
      .sort((a, b) => b.image.length - a.image.length)[0];
    return c ? c.local + imagePath.slice(c.image.length) : null;
  };
  const json = (instr) => {
    const l = final.lines.filter((x) => x.instr === instr).pop();
    try { return l ? JSON.parse(l.body) : null; } catch (e) { return null; }
  };
  const entry = json("ENTRYPOINT");
  const cmd = json("CMD") || [];
  check(Array.isArray(entry) && entry.length === 1, "ENTRYPOINT is the server binary alone, exec form");
  const entryLocal = entry && toLocal(entry[0]);
  check(!!entryLocal && fs.existsSync(entryLocal), `ENTRYPOINT ${entry?.[0]} is in the image`);
  const { values, problems } = S.parseArgs(cmd, flags, "CMD");
  check(problems.length === 0, "CMD: every argument is a persona-server flag", problems.join("; "));
  const catalogLocal = toLocal(S.flagValue(values, flags, "catalog"));
  check(!!catalogLocal && fs.existsSync(path.join(catalogLocal, "catalog.json")), `CMD --catalog=${values.get("catalog")} holds the default catalog in the image`);
  check(!values.has("plugin_dir"), "CMD leaves --plugin_dir at its default (../plugins beside the binary)");
  const cacheDir = values.get("plugin_cache_dir") || "";
  check(cacheDir.startsWith("/tmp/"), `CMD --plugin_cache_dir=${cacheDir} is under /tmp (the one writable path with a read-only root)`);
  if (entryLocal) {
    const pluginDir = path.join(path.dirname(path.dirname(entryLocal)), "plugins");
    const plugins = fs.existsSync(pluginDir) ? fs.readdirSync(pluginDir).filter((f) => f.endsWith(".so")) : [];
    check(plugins.length >= 3, `the bundled plugins are at the default --plugin_dir ${path.dirname(path.dirname(entry[0]))}/plugins (${plugins.join(", ")})`);
    for (const p of [pluginDir, ...plugins.map((f) => path.join(pluginDir, f))]) {
      const st = fs.statSync(p);
      check((st.mode & 0o022) === 0, `${path.basename(p)}: mode ${(st.mode & 0o777).toString(8)} is not group/other-writable (the plugin store refuses that)`);
    }
    if (catalogLocal) {
      const v = spawnSync(entryLocal, [`--catalog=${catalogLocal}`, "--validate"], { encoding: "utf8" });
      check(v.status === 0, "the installed server validates the installed catalog with its default --plugin_dir", (v.stderr || "").split("\n").filter((x) => x.startsWith("error")).join("; "));
    }
  }
  // Runtime packages: every library the installed binaries load comes from a listed package
  // or from one they depend on (or from the base image's essentials).
  const apt = final.lines.filter((l) => l.instr === "RUN").map((l) => l.body).join(" ");
  const m = /apt-get install ((?:\S+\s+)*?)(?:&&|$)/.exec(apt);
  const listed = m ? m[1].split(/\s+/).filter((p) => p && !p.startsWith("-")) : [];
  check(listed.length > 0, `runtime packages: ${listed.join(" ")}`);
  const hasApt = !spawnSync("apt-cache", ["--version"]).error && !spawnSync("dpkg", ["--version"]).error;
  if (!hasApt) {
    console.log("skip runtime package coverage: apt-cache/dpkg not available");
    return;
  }
  const depends = spawnSync("apt-cache", ["depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
    "--no-breaks", "--no-replaces", "--no-enhances", "--no-pre-depends", ...listed], { encoding: "utf8" });
  const closure = new Set(listed);
  for (const line of depends.stdout.split("\n")) {
    const d = /^\s*(?:\|)?Depends: <?([^>\s:]+)/.exec(line) || /^([a-z0-9][\w.+-]+)$/.exec(line);
    if (d) closure.add(d[1]);
  }
  // One apt-cache policy call for all (apt-cache is slow): "pkg:\n  Installed: …\n  Candidate: …".
  const policy = spawnSync("apt-cache", ["policy", ...listed], { encoding: "utf8" }).stdout || "";
  const candidates = new Map([...policy.matchAll(/^(\S+):\n(?:\s+Installed: .*\n)?\s+Candidate: (\S+)/gm)].map((m) => [m[1], m[2]]));
  for (const p of listed) {
    const c = candidates.get(p);
    check(!!c && c !== "(none)", `runtime package ${p} exists in the configured (bookworm) archive (${c || "unknown"})`);
  }
  const base = new Set(["libc6", "libstdc++6", "libgcc-s1", "zlib1g"]);
  const binaries = [entryLocal, ...copies.filter((c) => /\/bin\//.test(c.image)).map((c) => c.local)]
    .flatMap((p) => (fs.existsSync(p) && fs.statSync(p).isDirectory() ? fs.readdirSync(p).map((f) => path.join(p, f)) : [p]))
    .filter((p) => p && fs.existsSync(p) && fs.statSync(p).isFile());
  const libs = new Set();
  for (const b of binaries) {
    const ldd = spawnSync("ldd", [b], { encoding: "utf8" });
    for (const lib of ldd.stdout.matchAll(/=> (\/\S+)/g)) libs.add(fs.realpathSync(lib[1]));
  }
  const owners = spawnSync("dpkg", ["-S", ...libs], { encoding: "utf8" }).stdout || "";
  const needed = new Set([...owners.matchAll(/^([^:\s]+)(?::\w+)?: /gm)].map((m) => m[1]));
  // A sanitizer build (build-asan) links the sanitizer runtimes; the image is built Release.
  const sanitizer = /^lib(a|ub|t|l|hwa)san\d*$|^libclang-rt/;
  for (const p of needed) if (sanitizer.test(p)) { needed.delete(p); console.log(`     (ignoring ${p}: sanitizer runtime of this build, not of the image)`); }
  const missing = [...needed].filter((p) => !closure.has(p) && !base.has(p));
  check(needed.size > 0 && missing.length === 0, `runtime packages cover every shared library (${[...needed].sort().join(", ")})`,
        `not covered: ${missing.join(", ")}`);
}

(async () => {
  try {
    if (only.has("k8s")) await checkKubernetes();
    if (only.has("systemd")) checkSystemd();
    if (only.has("docker")) checkDocker();
  } catch (e) {
    check(false, "no exception", e.stack);
  }
  fs.rmSync(tmpRoot, { recursive: true, force: true });
  console.log(`${checks - failures} passed, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
})();
