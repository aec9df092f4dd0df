// The document Dredd reads. Dredd builds each transaction's URI template from the path and its
// query parameters, and RFC 6570 variable names allow only letters, digits, `_`, `.` and
// percent-encoded octets: Cloud Controller's `order-by`, `results-per-page` and
// `inline-relations-depth` make Dredd reject the whole document. The hooks send each request
// to the path the plan gives, so Dredd's copy leaves those optional query parameters out; the
// strict layer still validates every answer against the contract itself.
import { deref, type OpenApiDocument } from '@org-membership-api/spec';

const templateName = /^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+(?:\.(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+)*$/;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Parameter = { name?: unknown; in?: unknown; required?: unknown };

/** A copy of `document` without the optional query parameters a URI template cannot name. */
export function dreddDocument(document: OpenApiDocument): { document: OpenApiDocument; dropped: string[] } {
  const copy = structuredClone(document) as OpenApiDocument & { paths?: Record<string, Record<string, unknown>> };
  const dropped: string[] = [];
  const keep = (where: string) => (parameter: unknown) => {
    const resolved = deref(copy, parameter) as Parameter;
    if (resolved.in !== 'query' || typeof resolved.name !== 'string' || templateName.test(resolved.name)) return true;
    if (resolved.required === true)
      throw new Error(`${where}: Dredd cannot express the required query parameter ${resolved.name}`);
    dropped.push(`${where} ${resolved.name}`);
    return false;
  };
  for (const [path, item] of Object.entries(copy.paths ?? {})) {
    if (Array.isArray(item['parameters'])) item['parameters'] = item['parameters'].filter(keep(path));
    for (const method of methods) {
      const operation = item[method] as { parameters?: unknown[] } | undefined;
      if (operation?.parameters)
        operation.parameters = operation.parameters.filter(keep(`${method.toUpperCase()} ${path}`));
    }
  }
  return { document: copy, dropped };
}
