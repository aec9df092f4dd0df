/**
 * The caller's own credentials (bearer tokens, client secrets) kept beside an answer to a
 * request that carried them (and beside a token provider, for its client secret), so that an
 * `ApiError` made from the answer can cut out any of them that the server echoes.
 */
const credentialsByHolder = new WeakMap<object, readonly string[]>();

export function recordCredentials(holder: object, credentials: readonly string[]): void {
  credentialsByHolder.set(holder, credentials);
}

/** The credentials recorded for `holder` (none for a string, a static token, which holds only itself). */
export function credentialsOf(holder: unknown): readonly string[] {
  return credentialsByHolder.get(holder as object) ?? [];
}

// Runs of token-like characters: a run that is part of a credential is cut out too, so that a
// server quoting a credential cut short (or cut into pieces) leaks none of it.
const TOKEN_RUN = /[\w.~+/=-]{12,}/g;

/** `text` with every credential, and every long enough piece of one, replaced by `[REDACTED]`. */
export function redact(text: string, credentials: readonly string[]): string {
  for (const credential of credentials) if (credential) text = text.split(credential).join('[REDACTED]');
  return text.replace(TOKEN_RUN, (run) =>
    credentials.some((credential) => credential.includes(run)) ? '[REDACTED]' : run,
  );
}
