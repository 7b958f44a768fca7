// Renders a kustomization the way `kubectl kustomize` does, for the subset deploy/ uses:
// resources (files and directories with their own kustomization.yaml), configMapGenerator
// (files, key=file, literals), generatorOptions.disableNameSuffixHash, labels (pairs, with
// includeSelectors/includeTemplates), commonLabels, commonAnnotations, namespace and images.
// Anything else in a kustomization is an error here, so a feature this renderer would
// silently ignore (patches, replacements, …) cannot make the checks pass on the wrong
// objects. Where kubectl is installed, validate_manifests.js compares the result with
// `kubectl kustomize`.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const KNOWN_KEYS = new Set([
  "apiVersion", "kind", "resources", "configMapGenerator", "generatorOptions", "labels",
  "commonLabels", "commonAnnotations", "namespace", "images",
]);
const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

class RenderError extends Error {}

function loadYamlDocuments(file) {
  const text = fs.readFileSync(file, "utf8");
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new RenderError(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    if (doc.warnings.length > 0) {
      throw new RenderError(`${file}: ${doc.warnings.map((e) => e.message).join("; ")}`);
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;  // an empty document
    objects.push(value);
  }
  return objects;
}

function findKustomization(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function generateConfigMap(generator, dir, options, file) {
  if (!generator.name) throw new RenderError(`${file}: configMapGenerator entry without a name`);
  const data = {};
  for (const entry of generator.files || []) {
    const [key, rel] = entry.includes("=") ? entry.split("=", 2) : [path.basename(entry), entry];
    const source = path.resolve(dir, rel);
    if (!fs.existsSync(source) || !fs.statSync(source).isFile()) {
      throw new RenderError(`${file}: configMapGenerator ${generator.name}: no file ${source}`);
    }
    if (key in data) throw new RenderError(`${file}: configMapGenerator ${generator.name}: key ${key} twice`);
    data[key] = fs.readFileSync(source, "utf8");
  }
  for (const literal of generator.literals || []) {
    const at = literal.indexOf("=");
    if (at <= 0) throw new RenderError(`${file}: bad literal ${literal}`);
    data[literal.slice(0, at)] = literal.slice(at + 1);
  }
  for (const key of Object.keys(generator)) {
    if (!["name", "files", "literals", "options", "behavior"].includes(key)) {
      throw new RenderError(`${file}: configMapGenerator ${generator.name}: unsupported key ${key}`);
    }
  }
  const merged = { ...(options || {}), ...(generator.options || {}) };
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data };
  if (merged.labels) configMap.metadata.labels = { ...merged.labels };
  if (merged.annotations) configMap.metadata.annotations = { ...merged.annotations };
  // With the hash suffix every catalog change would be a new ConfigMap and a rolling
  // restart instead of a live reload; the consistency check insists on a stable name, so
  // the renderer only needs to flag it.
  configMap.hashSuffix = !merged.disableNameSuffixHash;
  return configMap;
}

function setLabels(obj, pairs, { selectors, templates }) {
  obj.metadata = obj.metadata || {};
  obj.metadata.labels = { ...(obj.metadata.labels || {}), ...pairs };
  const spec = obj.spec;
  if (!spec) return;
  if (templates && spec.template) {
    spec.template.metadata = spec.template.metadata || {};
    spec.template.metadata.labels = { ...(spec.template.metadata.labels || {}), ...pairs };
  }
  if (selectors) {
    if (obj.kind === "Service") spec.selector = { ...(spec.selector || {}), ...pairs };
    else if (spec.selector) spec.selector.matchLabels = { ...(spec.selector.matchLabels || {}), ...pairs };
  }
}

function render(dir, seen = new Set()) {
  const file = findKustomization(dir);
  if (!file) throw new RenderError(`${dir}: no kustomization.yaml`);
  if (seen.has(file)) throw new RenderError(`${file}: included twice (cycle?)`);
  seen.add(file);
  const docs = loadYamlDocuments(file);
  if (docs.length !== 1) throw new RenderError(`${file}: expected one document`);
  const k = docs[0];
  for (const key of Object.keys(k)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new RenderError(`${file}: '${key}' is not supported by tests/deploy/lib/kustomize.js ` +
                            "(extend the renderer, or the checks would run on the wrong objects)");
    }
  }
  if (k.kind !== undefined && k.kind !== "Kustomization") throw new RenderError(`${file}: kind ${k.kind}`);
  const objects = [];
  const sources = [];  // every file read, for the report
  for (const resource of k.resources || []) {
    const target = path.resolve(dir, resource);
    if (!fs.existsSync(target)) throw new RenderError(`${file}: resource ${resource}: ${target} does not exist`);
    if (fs.statSync(target).isDirectory()) {
      const sub = render(target, seen);
      objects.push(...sub.objects);
      sources.push(...sub.sources);
    } else {
      for (const obj of loadYamlDocuments(target)) {
        objects.push(obj);
      }
      sources.push(target);
    }
  }
  for (const generator of k.configMapGenerator || []) {
    objects.push(generateConfigMap(generator, dir, k.generatorOptions, file));
  }
  sources.push(file);
  for (const spec of k.labels || []) {
    for (const obj of objects) {
      setLabels(obj, spec.pairs || {}, { selectors: !!spec.includeSelectors, templates: !!spec.includeTemplates });
    }
  }
  if (k.commonLabels) {
    for (const obj of objects) setLabels(obj, k.commonLabels, { selectors: true, templates: true });
  }
  if (k.commonAnnotations) {
    for (const obj of objects) {
      obj.metadata = obj.metadata || {};
      obj.metadata.annotations = { ...(obj.metadata.annotations || {}), ...k.commonAnnotations };
    }
  }
  if (k.namespace) {
    for (const obj of objects) {
      obj.metadata = obj.metadata || {};
      obj.metadata.namespace = k.namespace;
    }
  }
  for (const image of k.images || []) {
    for (const obj of objects) {
      const containers = obj.spec?.template?.spec?.containers || [];
      for (const c of containers) {
        const [name, tag] = c.image.split(/:(?=[^/]*$)/);
        if (name !== image.name) continue;
        c.image = `${image.newName || name}${image.digest ? "@" + image.digest : ":" + (image.newTag || tag)}`;
      }
    }
  }
  return { objects, sources };
}

// The rendered objects without the renderer's bookkeeping (what kubectl would send).
function clean(obj) {
  const copy = JSON.parse(JSON.stringify(obj));
  delete copy.hashSuffix;
  return copy;
}

module.exports = { render, clean, loadYamlDocuments, RenderError };
