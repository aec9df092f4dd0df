/** A line filter: feed it chunks, it calls `write` with everything but the known notices. */
export function createNoticeFilter(write: (text: string) => void): { push(chunk: string): void; end(): void };
/** The whole of `text` without the known notices. */
export function withoutNotices(text: string): string;
