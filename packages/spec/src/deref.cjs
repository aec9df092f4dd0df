'use strict';
// Resolves the local references of a bundle (`#/components/...`): the one resolver of the
// workspace. CommonJS so that the Dredd hooks (loaded with require) use it too.

const maxHops = 32;

// A pointer in a URI fragment may be percent-encoded (`%7Bguid%7D`).
function decodeKey(key) {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/**
 * The node a JSON pointer (`#/components/schemas/X`) names in `document`, or undefined.
 * @param {unknown} document
 * @param {string} ref
 */
function resolvePointer(document, ref) {
  if (!ref.startsWith('#')) throw new Error(`only local references are resolved, not ${ref}`);
  const keys = ref
    .slice(1)
    .split('/')
    .slice(1)
    .map((key) => decodeKey(key).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = document;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Follows `node`'s `$ref` (and the reference it lands on, and so on) to the node it names;
 * any other value comes back as it is. Undefined when a reference names nothing; throws on
 * a reference loop.
 * @param {unknown} document
 * @param {unknown} node
 */
function deref(document, node) {
  let current = node;
  for (let hop = 0; hop <= maxHops; hop++) {
    if (current === null || typeof current !== 'object' || typeof current.$ref !== 'string') return current;
    current = resolvePointer(document, current.$ref);
  }
  throw new Error(`more than ${maxHops} references in a row from ${node.$ref}: a reference loop?`);
}

module.exports = { deref, resolvePointer };
