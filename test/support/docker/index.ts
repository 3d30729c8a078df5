export { ensureDockerEngine, isEngineAnswering, DOCKERD_LOG, type EngineSetup } from './ensure-docker-engine.js';
export { ensureTestImages, APP_IMAGE, APP_NOSQLITE_IMAGE, IMAGE_HASH_LABEL, type ImagesSetup } from './ensure-test-images.js';
export { startAppContainer, removeTestResources, makeTestPrefix, type AppContainer, type AppContainerOptions } from './app-container.js';
export { docker, tryDocker } from './docker-cli.js';
