// The probes behind writers.ts: every container (who else mounts the volume writable, and the restart policy of those
// that do not run), and for a Swarm task its service and this engine's node. Read-only; find-container runs them
// before anything changes, stop-app again just before the stop.
import { HELPER_LABEL, type ContainerDetails } from '../ports/container-runtime.js';
import type { StepIO } from '../runbook/engine.js';
import type { DataMount } from './facts.js';
import { inspectContainer, inspectService, listContainers, readSwarmNodeId } from './port-actions.js';
import { judgeWriters, sharesVolume, type Sharer, type WriterJudgement } from './writers.js';

const RUNS = new Set(['running', 'restarting', 'paused']);

export async function settleWriters(io: StepIO, details: ContainerDetails, dataMount: DataMount): Promise<WriterJudgement> {
  const listed = (await io.perform(listContainers())).filter(
    (container) => !(HELPER_LABEL in container.labels) && container.id !== details.id,
  );
  // A stopped container the engine may start by itself (its policy) is a writer too: only inspect says its policy.
  const others: Sharer[] = await Promise.all(
    listed.map(async (container) =>
      RUNS.has(container.state) || !sharesVolume(container, dataMount)
        ? container
        : { ...container, restartPolicy: (await io.perform(inspectContainer({ id: container.id, name: container.name }))).restartPolicy },
    ),
  );
  const swarm = details.swarm
    ? { service: await io.perform(inspectService(details.swarm.serviceName)), nodeId: await io.perform(readSwarmNodeId()) }
    : undefined;
  return judgeWriters({ target: details, dataMount, others, swarm });
}
