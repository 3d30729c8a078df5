export { DockerRuntime } from './docker-runtime.js';
export { createLocalRuntime, DEFAULT_DOCKER_SOCKET } from './create-local-runtime.js';
export { HELPER_LABEL } from './helper.js';
export { ExecTimeoutError, DEFAULT_EXEC_TIMEOUT_MS } from './exec.js';
export { UnexpectedArchiveError } from './archive-out.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
export type { EngineHostFiles } from './pid1-signals.js';
