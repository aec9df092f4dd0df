export { startMock, defaultSpecPath, maxBodyBytes, type MockOptions, type RunningMock } from './server.js';
