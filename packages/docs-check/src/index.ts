export { checkDocsPage, describeProblems, type DocsPageReport } from './docs-page.js';
export { pageExpectations, withoutOperation, type DocsOperation } from './operations.js';
export { openBrowser, chromiumPath, chromiumArgs } from './chromium.js';
