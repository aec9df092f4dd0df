export { startDevLoop, reloadScript, type DevLoop } from './dev.js';
export { serveDocs, type DocsServer } from './static-server.js';
