export { createSqliteInspector, SqliteInspectorError, type SqliteInspectorOptions } from './sqlite-inspector.js';
