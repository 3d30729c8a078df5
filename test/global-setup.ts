// Every vitest run gets a Docker engine and the test images; both steps are quick when already done.
import { ensureDockerEngine, ensureTestImages } from './support/docker/index.js';

export default async function setup(): Promise<void> {
  const startedAt = Date.now();
  const engine = await ensureDockerEngine();
  const images = await ensureTestImages();
  const imageText = images.built.length > 0 ? `built ${images.built.join(', ')}` : 'images up to date';
  console.log(`[global-setup] docker engine ${engine}; ${imageText} (${Date.now() - startedAt} ms)`);
}
