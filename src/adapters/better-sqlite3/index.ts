export { createSqliteInspector, SqliteInspectorError, type SqliteInspectorOptions } from './sqlite-inspector.js';
export { WORKER_URL } from './sqlite-inspector.js';
