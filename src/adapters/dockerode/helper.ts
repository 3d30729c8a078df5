// The helper container: the target's own image and user, the target's volumes, no network, kept alive by
// `sleep` so files can be renamed inside the volume while the app itself is stopped.
import type Dockerode from 'dockerode';
import type { HelperSpec } from '../../ports/container-runtime.js';
import { HelperUnavailableError, RescueError } from '../../runbook/errors.js';
import { getEngineMessage, getStatusCode } from './engine-errors.js';

export const HELPER_LABEL = 'sqlite-rescue.helper';
const HELPER_LIFETIME_SEC = '86400';
// How long a fresh helper must stay up before it counts as started (an image whose `sleep` fails exits at once).
const SETTLE_MS = 300;

export async function startHelperContainer(docker: Dockerode, targetId: string, spec: HelperSpec): Promise<string> {
  const { label, readOnlyBinds = [] } = spec;
  const target = await docker.getContainer(targetId).inspect();
  const hint =
    'the app image needs a `sleep` binary for the helper; otherwise restart the app and rename the files ' +
    'with `docker exec`, or rename them on the volume host path shown by `docker volume inspect`';
  const helper = await docker.createContainer({
    name: spec.name,
    Image: spec.image ?? target.Image,
    User: spec.user ?? target.Config.User ?? '',
    Entrypoint: ['sleep'],
    Cmd: [HELPER_LIFETIME_SEC],
    Labels: { [HELPER_LABEL]: label },
    NetworkDisabled: true,
    HostConfig: {
      VolumesFrom: [spec.readOnlyVolumes ? `${target.Id}:ro` : target.Id],
      Binds: readOnlyBinds.map((bind) => `${bind.hostPath}:${bind.containerPath}:ro`),
      NetworkMode: 'none',
      AutoRemove: false,
    },
  });

  try {
    await helper.start();
  } catch (error) {
    await helper.remove({ force: true }).catch(() => undefined);
    throw new HelperUnavailableError(
      `helper container from ${spec.image ?? target.Config.Image} did not start: ${getEngineMessage(error)}`,
      hint,
      error,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const state = (await helper.inspect()).State;
  if (!state.Running) {
    await helper.remove({ force: true }).catch(() => undefined);
    throw new HelperUnavailableError(
      `helper container from ${spec.image ?? target.Config.Image} exited at once ` +
        `(exit ${state.ExitCode}${state.Error ? `: ${state.Error}` : ''})`,
      hint,
    );
  }
  return helper.id;
}

// Only containers startHelper made are ever removed here; their volumes are shared with the app and are kept.
export async function removeHelperContainer(docker: Dockerode, helperId: string): Promise<void> {
  const container = docker.getContainer(helperId);
  let labels: Record<string, string>;
  try {
    labels = (await container.inspect()).Config.Labels ?? {};
  } catch (error) {
    if (getStatusCode(error) === 404) return;
    throw error;
  }
  if (!(HELPER_LABEL in labels)) {
    throw new RescueError(`refusing to remove ${helperId}: it has no ${HELPER_LABEL} label, so sqlite-rescue did not make it`, {
      kind: 'bug',
    });
  }
  await container.remove({ force: true, v: false });
}
