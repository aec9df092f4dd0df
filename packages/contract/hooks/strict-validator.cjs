'use strict';
// Validates one HTTP response against the full contract of its operation: documented status,
// required headers and their schemas, content type, body schema (formats, patterns,
// additionalProperties) and the absence of a body where none is documented.
// CommonJS because Dredd loads hook files with require; the TypeScript runner uses it too.

const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { deref } = require('@org-membership-api/spec/deref');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The media type without parameters, lowercased (`application/json;charset=utf-8` → `application/json`). */
function mediaTypeOf(contentType) {
  return String(contentType).split(';')[0].trim().toLowerCase();
}

function headerValue(headers, name) {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers || {})) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

function describeAjvError(prefix, error) {
  const where = `${prefix}${error.instancePath || ''}`;
  if (error.keyword === 'additionalProperties')
    return `${where}: extra property '${error.params.additionalProperty}' (not allowed by the schema)`;
  if (error.keyword === 'required') return `${where}: missing required property '${error.params.missingProperty}'`;
  if (error.keyword === 'format') return `${where}: wrong format (must be ${error.params.format})`;
  if (error.keyword === 'type') return `${where}: wrong type (must be ${error.params.type})`;
  return `${where}: ${error.message}`;
}

/**
 * @param {object} spec the bundled OpenAPI document (dist/openapi.json)
 */
function createStrictValidator(spec) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const compiled = new Map();
  // Schemas of the bundle refer to `#/components/...`: compile each with the components beside it.
  const compile = (schema) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile({ allOf: [schema], components: spec.components });
      compiled.set(schema, validate);
    }
    return validate;
  };
  const resolve = (node) => deref(spec, node);

  /** All operations: method, path template, operationId. */
  function operations() {
    const result = [];
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (operation)
          result.push({ method: method.toUpperCase(), path, operationId: operation.operationId, operation });
      }
    }
    return result;
  }

  function findOperation(method, pathTemplate) {
    return operations().find((op) => op.method === method.toUpperCase() && op.path === pathTemplate);
  }

  /**
   * @param {{ method: string, path: string, status: number, headers: Record<string, unknown>, body: string | undefined }} response
   *   `path` is the path template (`/v2/organizations/{guid}/users`).
   * @returns {string[]} violations, each naming what is wrong
   */
  function validate(response) {
    const found = findOperation(response.method, response.path);
    if (!found) return [`${response.method} ${response.path} is not an operation of the contract`];
    const documented = found.operation.responses || {};
    const entry =
      documented[String(response.status)] || documented[`${String(response.status)[0]}XX`] || documented.default;
    if (!entry) {
      return [`undocumented status ${response.status} (documented: ${Object.keys(documented).join(', ')})`];
    }
    const definition = resolve(entry);
    const violations = [];

    for (const [name, rawHeader] of Object.entries(definition.headers || {})) {
      const header = resolve(rawHeader);
      const value = headerValue(response.headers, name);
      if (value === undefined) {
        if (header.required) violations.push(`missing required header ${name}`);
        continue;
      }
      if (header.schema) {
        const schema = resolve(header.schema);
        const typed =
          (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)
            ? Number(value)
            : value;
        const check = compile(header.schema);
        if (!check(typed))
          for (const error of check.errors || []) violations.push(describeAjvError(`header ${name}`, error));
      }
    }

    const body = response.body === undefined || response.body === null ? '' : String(response.body);
    const contentType = headerValue(response.headers, 'content-type');
    const contentLength = headerValue(response.headers, 'content-length');
    const content = definition.content || {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      const signs = [];
      if (body.length > 0) signs.push(`${Buffer.byteLength(body)} bytes`);
      if (contentType !== undefined) signs.push(`Content-Type ${contentType}`);
      if (contentLength !== undefined && contentLength !== '0') signs.push(`Content-Length ${contentLength}`);
      if (headerValue(response.headers, 'transfer-encoding') !== undefined) signs.push('Transfer-Encoding');
      if (signs.length > 0)
        violations.push(`body on a ${response.status} (documented without a body): ${signs.join(', ')}`);
      return violations;
    }
    if (contentType === undefined) {
      violations.push(`missing Content-Type (documented: ${mediaTypes.join(', ')})`);
      return violations;
    }
    const mediaType = mediaTypeOf(contentType);
    const matched = mediaTypes.find((m) => mediaTypeOf(m) === mediaType);
    if (!matched) {
      violations.push(`wrong content type ${contentType} (documented: ${mediaTypes.join(', ')})`);
      return violations;
    }
    const schema = content[matched].schema;
    if (!schema) return violations;
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      violations.push(`body is not valid JSON (${body.length === 0 ? 'empty' : `${Buffer.byteLength(body)} bytes`})`);
      return violations;
    }
    const check = compile(schema);
    if (!check(parsed)) for (const error of check.errors || []) violations.push(describeAjvError('body', error));
    return violations;
  }

  /** Names of the headers the contract documents for this response but does not require. */
  function optionalHeaders(method, pathTemplate, status) {
    const found = findOperation(method, pathTemplate);
    const entry = found && resolve((found.operation.responses || {})[String(status)]);
    return Object.entries((entry && entry.headers) || {})
      .filter(([, header]) => !resolve(header).required)
      .map(([name]) => name);
  }

  /** The media types the contract documents for this response. */
  function mediaTypesOf(method, pathTemplate, status) {
    const found = findOperation(method, pathTemplate);
    const entry = found && resolve((found.operation.responses || {})[String(status)]);
    return Object.keys((entry && entry.content) || {});
  }

  /** Violations of `#/components/schemas/<name>` by a parsed value (for answers outside any operation). */
  function validateComponent(name, value) {
    const check = compile({ $ref: `#/components/schemas/${name}` });
    return check(value) ? [] : (check.errors || []).map((error) => describeAjvError('body', error));
  }

  return { validate, validateComponent, operations, findOperation, optionalHeaders, mediaTypesOf };
}

module.exports = { createStrictValidator, mediaTypeOf, headerValue };
