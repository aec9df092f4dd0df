/** A JSON reference to another node of the same document. */
export interface Reference {
  $ref: string;
}

/** The node a JSON pointer (`#/components/schemas/X`) names in `document`, or undefined. */
export declare function resolvePointer(document: unknown, ref: string): unknown;

/**
 * Follows `node`'s `$ref` (and the reference it lands on, and so on) to the node it names;
 * any other value comes back as it is. Undefined at run time when a reference names nothing.
 */
export declare function deref<T>(document: unknown, node: T | Reference): T;
