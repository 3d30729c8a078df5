export { ensureDockerEngine, isEngineAnswering, DOCKERD_LOG, type EngineSetup } from './ensure-docker-engine.js';
export {
  ensureTestImages,
  APP_IMAGE,
  APP_NOSQLITE_IMAGE,
  APP_IGNORES_SIGTERM_IMAGE,
  APP_SLOW_SIGTERM_IMAGE,
  APP_QUICK_CHECK_IMAGE,
  NO_CAT_IMAGE,
  IMAGE_HASH_LABEL,
  type ImagesSetup,
} from './ensure-test-images.js';
export { startAppContainer, removeTestResources, makeTestPrefix, type AppContainer, type AppContainerOptions } from './app-container.js';
export { docker, tryDocker } from './docker-cli.js';
export {
  leaseSingleNodeSwarm,
  createReplicatedService,
  createGlobalService,
  runningTaskContainers,
  removeTestServices,
  type SwarmLease,
  type TestService,
} from './swarm.js';
