// Validates web/openapi.json (the document GET /openapi.json serves) with an OpenAPI schema
// validator, then holds every example in it to its schema with Ajv, and checks what Swagger UI
// relies on: no object repeats a key, each operation has an operationId, tags and a 2xx answer,
// and declares each {param} of its path. Run by ctest (openapi.validate) as
//   node <build>/web/tests/validate_openapi.mjs <source>/web/openapi.json
// from the build's web/ folder, where `npm ci` put the packages this imports.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv from "ajv";
import { parseDocument } from "yaml";

const file = process.argv[2];
if (!file) {
  console.error("usage: validate_openapi.mjs <openapi.json>");
  process.exit(2);
}
const text = readFileSync(file, "utf8");
const document = JSON.parse(text);
const problems = [];
let checks = 0;
let failedChecks = 0;

// Runs one check; it fails when it adds to `problems`.
function check(run) {
  const before = problems.length;
  checks++;
  run();
  if (problems.length > before) failedChecks++;
}

// 0. No object repeats a key. JSON is YAML, and the yaml package refuses a repeated key where
// JSON.parse keeps the last one silently (Swagger UI's parser refuses the whole document); any
// other complaint of it is reported too, so a document it cannot read does not pass unread.
check(() => {
  for (const error of parseDocument(text, { uniqueKeys: true }).errors)
    problems.push(`${error.code}: ${error.message.split("\n")[0]}`);
});

// 1. The document against the OpenAPI 3.x schema.
const validator = new Validator();
const verdict = await validator.validate(document);
check(() => {
  if (!verdict.valid) problems.push(`not a valid OpenAPI document: ${JSON.stringify(verdict.errors, null, 2)}`);
});

// 2. Examples against their schemas. OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4;
// this turns one into draft-07 for Ajv: nullable → a "null" type, boolean exclusiveMinimum/Maximum
// → numeric, $ref into components resolved by Ajv through the registered document.
function toJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (["example", "nullable", "xml", "externalDocs", "deprecated", "discriminator",
         "readOnly", "writeOnly"].includes(key)) continue;
    if (key === "exclusiveMinimum" || key === "exclusiveMaximum") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (schema.exclusiveMinimum === true) {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  if (schema.exclusiveMaximum === true) {
    out.exclusiveMaximum = schema.maximum;
    delete out.maximum;
  }
  if (schema.nullable === true) {
    if (out.type) out.type = [out.type, "null"];
    else out.anyOf = [{ ...out }, { type: "null" }];
  }
  if (typeof out.$ref === "string")
    out.$ref = out.$ref.replace("#/components/schemas/", "components#/schemas/");
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: "components", schemas: toJsonSchema(document.components?.schemas ?? {}) });

function checkExample(where, schema, value) {
  check(() => {
    let validate;
    try {
      validate = ajv.compile(toJsonSchema(schema));
    } catch (error) {
      problems.push(`${where}: the schema does not compile: ${error.message}`);
      return;
    }
    if (!validate(value))
      problems.push(`${where}: the example does not match its schema: ` +
                    JSON.stringify(validate.errors, null, 1));
  });
}

function resolve(node) {
  while (node && typeof node.$ref === "string") {
    node = node.$ref.replace(/^#\//, "").split("/").reduce((at, key) => at?.[key], document);
  }
  return node;
}

function checkMedia(where, media) {
  for (const [type, content] of Object.entries(media ?? {})) {
    if (!content.schema || !type.includes("json")) continue;
    if ("example" in content) checkExample(`${where} ${type} example`, content.schema, content.example);
    for (const [name, example] of Object.entries(content.examples ?? {}))
      checkExample(`${where} ${type} examples.${name}`, content.schema, resolve(example).value);
  }
}

for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
  if ("example" in schema) checkExample(`components.schemas.${name}`, schema, schema.example);
for (const [name, response] of Object.entries(document.components?.responses ?? {}))
  checkMedia(`components.responses.${name}`, response.content);

// 3. What a reader and Swagger UI rely on.
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const operationIds = new Set();
for (const [path, item] of Object.entries(document.paths ?? {})) {
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
  for (const method of methods) {
    const operation = item[method];
    if (!operation) continue;
    const where = `${method.toUpperCase()} ${path}`;
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolve);
    check(() => {
      if (!operation.operationId) problems.push(`${where}: no operationId`);
      else if (operationIds.has(operation.operationId))
        problems.push(`${where}: operationId ${operation.operationId} is used twice`);
      operationIds.add(operation.operationId);
      if (!operation.tags?.length) problems.push(`${where}: no tags`);
      const codes = Object.keys(operation.responses ?? {});
      if (!codes.some((code) => /^2/.test(code))) problems.push(`${where}: no 2xx response`);
      for (const name of pathParams)
        if (!parameters.some((p) => p.in === "path" && p.name === name))
          problems.push(`${where}: path parameter {${name}} is not declared`);
    });
    for (const parameter of parameters)
      if ("example" in parameter && parameter.schema)
        checkExample(`${where} parameter ${parameter.name}`, parameter.schema, parameter.example);
    if (operation.requestBody) checkMedia(`${where} request`, resolve(operation.requestBody).content);
    for (const [code, response] of Object.entries(operation.responses ?? {}))
      checkMedia(`${where} ${code}`, resolve(response).content);
  }
}

for (const problem of problems) console.error(`openapi: ${problem}`);
console.log(`openapi: ${checks - failedChecks} passed, ${failedChecks} failed`);
process.exit(failedChecks === 0 ? 0 : 1);
