// Validates Kubernetes objects offline against the API schemas shipped in the npm package
// kubernetes-models (OpenAPI of Kubernetes 1.27, compiled to ajv validators: types,
// required fields, enums, formats, int-or-string, …), plus the check the API server adds
// with strict field validation (kubectl's default since 1.27): no unknown fields. The JSON
// schemas do not forbid extra properties, so the field lists are read from the package's
// type declarations (one interface per schema definition, one quoted property per field).
"use strict";

const fs = require("fs");
const path = require("path");

function packageDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`));
}

// kind + apiVersion -> the model class, e.g. apps/v1 Deployment -> kubernetes-models/apps/v1.
function modelFor(obj) {
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") return null;
  const modulePath = `kubernetes-models/${obj.apiVersion}`;
  let mod;
  try {
    mod = require(modulePath);
  } catch (e) {
    return null;
  }
  const model = mod[obj.kind];
  return typeof model === "function" ? { model, declaration: `${obj.apiVersion}/${obj.kind}` } : null;
}

// ---- field lists from the .d.ts files --------------------------------------------------
// Each file has `export interface IName { "field"?: Type; ... }` and
// `export { IName as IIoK8sApi...Name, ... }`. Types name other interfaces by their long
// alias (IIoK8s...), inside Array<...> or { [key: string]: ... } where repeated.
let interfaces = null;  // long alias -> { fields: Map(field -> type text) }

function parseDeclarations(file, into) {
  const text = fs.readFileSync(file, "utf8");
  const local = new Map();
  const re = /export interface (I\w+)(?: extends [\w, <>]+)? \{\n([\s\S]*?)\n\}/g;
  for (let m; (m = re.exec(text));) {
    const fields = new Map();
    // Top-level members are indented by exactly four spaces.
    const body = m[2].split("\n");
    for (let i = 0; i < body.length; i++) {
      const f = /^ {4}"([^"]+)"\??: (.*)$/.exec(body[i]);
      if (!f) continue;
      let type = f[2];
      if (type.endsWith("{")) {  // a map type over several lines
        while (++i < body.length && !/^ {4}\};?$/.test(body[i])) type += " " + body[i].trim();
        type += " }";  // "{ [key: string]: T; }"
      }
      fields.set(f[1], type.replace(/;$/, ""));
    }
    local.set(m[1], { fields });
  }
  const exportRe = /export \{ ([^}]*) \}/g;
  for (let m; (m = exportRe.exec(text));) {
    for (const part of m[1].split(",")) {
      const a = /(\w+) as (\w+)/.exec(part.trim());
      if (a && local.has(a[1])) into.set(a[2], local.get(a[1]));
    }
  }
}

function walkDeclarations(dir, into) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "_schemas") walkDeclarations(full, into);
    } else if (entry.name.endsWith(".d.ts")) {
      parseDeclarations(full, into);
    }
  }
}

function loadInterfaces() {
  if (interfaces) return interfaces;
  interfaces = new Map();
  walkDeclarations(packageDir("kubernetes-models"), interfaces);
  walkDeclarations(packageDir("@kubernetes-models/apimachinery"), interfaces);
  return interfaces;
}

function rootInterface(obj) {
  const group = obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0] : "core";
  const version = obj.apiVersion.split("/").pop();
  // IIoK8sApi<Group><Version><Kind>, the group's first label capitalised (apps -> Apps,
  // policy -> Policy, autoscaling -> Autoscaling, core -> Core).
  const g = group.split(".")[0];
  const name = `IIoK8sApi${g[0].toUpperCase()}${g.slice(1)}${version[0].toUpperCase()}${version.slice(1)}${obj.kind}`;
  return loadInterfaces().has(name) ? name : null;
}

function unknownFields(value, typeText, at, out) {
  if (value === null || value === undefined) return;
  const all = loadInterfaces();
  const arrayOf = /^Array<(.*)>$/.exec(typeText);
  if (arrayOf) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, arrayOf[1], `${at}[${i}]`, out));
    return;
  }
  const mapOf = /^\{ \[key: string\]: (.*); \}$/.exec(typeText);
  if (mapOf) {
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) unknownFields(v, mapOf[1], `${at}.${k}`, out);
    }
    return;
  }
  const decl = all.get(typeText);
  if (!decl || typeof value !== "object" || Array.isArray(value)) return;  // a leaf or alias
  for (const [key, v] of Object.entries(value)) {
    if (!decl.fields.has(key)) {
      out.push(`${at}.${key}: unknown field (not in ${typeText.replace(/^IIoK8s/, "")})`);
      continue;
    }
    unknownFields(v, decl.fields.get(key), `${at}.${key}`, out);
  }
}

// Returns a list of problems, empty when the object is valid.
function validateObject(obj) {
  const problems = [];
  const found = modelFor(obj);
  if (!found) {
    return [`no schema for apiVersion ${obj.apiVersion} kind ${obj.kind} (typo, or an API ` +
            "Kubernetes 1.27 does not serve)"];
  }
  try {
    new found.model(obj).validate();
  } catch (e) {
    const errors = e.errors || [{ instancePath: "", message: e.message }];
    for (const err of errors) {
      const where = (err.instancePath || "").replace(/\//g, ".") || ".";
      const extra = err.params && err.params.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
      problems.push(`${where}: ${err.message}${extra}`);
    }
  }
  const root = rootInterface(obj);
  if (!root) {
    problems.push(`no field list for ${obj.apiVersion} ${obj.kind}`);
  } else {
    unknownFields(obj, root, "", problems);
  }
  return problems;
}

function schemaVersion() {
  const readme = fs.readFileSync(path.join(packageDir("kubernetes-models"), "README.md"), "utf8");
  const m = /kubernetes-(\d+\.\d+\.\d+)/.exec(readme);
  const pkg = require("kubernetes-models/package.json");
  return `kubernetes-models ${pkg.version} (Kubernetes ${m ? m[1] : "?"})`;
}

module.exports = { validateObject, schemaVersion };
