// Helpers to ask the built persona-server what it accepts and to probe a running one the
// way the kubelet and Prometheus do.
"use strict";

const { spawnSync } = require("child_process");
const http = require("http");
const net = require("net");
const grpc = require("@grpc/grpc-js");

// Every flag the binary accepts, from --helpfull: name -> { default }.
function serverFlags(binary) {
  const out = spawnSync(binary, ["--helpfull"], { encoding: "utf8" });
  if (out.error) throw new Error(`cannot run ${binary}: ${out.error.message}`);
  const text = `${out.stdout}\n${out.stderr}`;
  const flags = new Map();
  // "    --name (help ...); default: value;" with the help text possibly over several lines.
  const re = /^ {4}--(\w+) \(([\s\S]*?)\);\s+default: ([^;\n]*);/gm;
  for (let m; (m = re.exec(text));) flags.set(m[1], { default: m[3].replace(/^"(.*)"$/, "$1") });
  const listed = [...text.matchAll(/^ {4}--(\w+) \(/gm)].map((m) => m[1]);
  if (listed.length !== flags.size || listed.some((n) => !flags.has(n))) {
    throw new Error(`--helpfull lists ${listed.length} flags, parsed ${flags.size}: the format changed`);
  }
  if (!flags.has("listen") || !flags.has("catalog")) {
    throw new Error(`${binary} --helpfull lists no --listen/--catalog; output was:\n${text}`);
  }
  return flags;
}

// ["--a=1", "--b", "--nob"] -> Map(a -> "1", b -> "true", b -> "false"); unknown names and
// arguments that are not flags are reported.
function parseArgs(args, flags, where) {
  const values = new Map();
  const problems = [];
  for (const a of args) {
    const m = /^--?([\w]+)(?:=([\s\S]*))?$/.exec(a);
    if (!m) {
      problems.push(`${where}: '${a}' is not a --flag (persona-server takes no positional arguments)`);
      continue;
    }
    let [, name, value] = m;
    if (!flags.has(name) && name.startsWith("no") && flags.has(name.slice(2)) && value === undefined) {
      name = name.slice(2);
      value = "false";
    }
    if (!flags.has(name)) {
      problems.push(`${where}: --${name} is not a persona-server flag (persona-server --helpfull)`);
      continue;
    }
    if (values.has(name)) problems.push(`${where}: --${name} given twice`);
    values.set(name, value === undefined ? "true" : value);
  }
  return { values, problems };
}

function flagValue(values, flags, name) {
  return values.has(name) ? values.get(name) : flags.get(name)?.default;
}

function portOf(hostPort) {
  const m = /:(\d+)$/.exec(hostPort || "");
  return m ? Number(m[1]) : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const HEALTH_STATUS = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];

// grpc.health.v1.Health/Check, as the kubelet's gRPC probe sends it (service may be "").
// Resolves to "SERVING", "NOT_SERVING", … or a gRPC status name such as "NOT_FOUND".
function healthCheck(address, service, timeoutMs = 2000) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const encode = (s) => {
    const bytes = Buffer.from(s, "utf8");
    return bytes.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
  };
  const decode = (b) => (b.length >= 2 && b[0] === 0x08 ? b[1] : 0);
  return new Promise((resolve) => {
    client.makeUnaryRequest("/grpc.health.v1.Health/Check", encode, decode, service,
      { deadline: Date.now() + timeoutMs }, (err, status) => {
        client.close();
        if (err) resolve(grpc.status[err.code] || `code ${err.code}`);
        else resolve(HEALTH_STATUS[status] || `status ${status}`);
      });
  });
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, body: e.message }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { serverFlags, parseArgs, flagValue, portOf, freePort, healthCheck, httpGet, sleep };
