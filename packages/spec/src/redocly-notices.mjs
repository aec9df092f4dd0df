// Redocly CLI 2.x prints boxed notices on every run that no option or environment variable
// turns off: the Node 20 end-of-life warning (on Node 20) and, on build-docs, the switch to
// Redoc 3. This filter drops exactly those boxes (and the blank lines around them); any other
// output, boxed or not, passes through unchanged.
const noticePatterns = [/Node\.js 20 support is ending/, /renders docs with Redoc 3/];

/** A line filter: feed it chunks, it calls `write` with everything but the known notices. */
export function createNoticeFilter(write) {
  let partial = '';
  let box = null; // lines of a box being read, until its bottom border
  let blanks = []; // blank lines held back until the next line shows whether a notice follows
  let afterNotice = false; // drop the blank lines right after a dropped notice
  let wroteAny = false; // blank lines before a notice stay, unless they would lead the output

  function line(text) {
    const trimmed = text.trim();
    if (box) {
      box.push(text);
      if (trimmed.startsWith('╚')) {
        const content = box.join('\n');
        box = null;
        if (noticePatterns.some((pattern) => pattern.test(content))) {
          if (wroteAny) flushBlanks();
          blanks = [];
          afterNotice = true;
        } else {
          flushBlanks();
          write(`${content}\n`);
          wroteAny = true;
        }
      }
      return;
    }
    if (trimmed === '') {
      if (!afterNotice) blanks.push(text);
      return;
    }
    afterNotice = false;
    if (trimmed.startsWith('╔')) {
      box = [text];
      return;
    }
    flushBlanks();
    write(`${text}\n`);
    wroteAny = true;
  }

  function flushBlanks() {
    for (const blank of blanks) write(`${blank}\n`);
    blanks = [];
  }

  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const text of lines) line(text);
    },
    end() {
      if (partial !== '') line(partial);
      partial = '';
      if (box) write(`${box.join('\n')}\n`);
      box = null;
      flushBlanks();
    },
  };
}

/** The whole of `text` without the known notices. */
export function withoutNotices(text) {
  let output = '';
  const filter = createNoticeFilter((piece) => (output += piece));
  filter.push(text);
  filter.end();
  return output;
}
