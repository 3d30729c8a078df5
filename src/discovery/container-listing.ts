// The container picker's rows: every container (helpers of ours left out) with the app name a person knows, image,
// tag, state, start time and how many SQLite databases it holds. Counting is a bounded discovery per container, a few
// containers at a time, with no helper started and small limits: a stopped container is counted through the archive
// API and may show "at least N".
import { HELPER_LABEL, type ContainerRuntime, type ContainerStateName } from '../ports/container-runtime.js';
import { appNameOf, imageTagOf } from './app-name.js';
import { CommandLog, messageOf } from './command-log.js';
import { discoverDatabases } from './discover-databases.js';
import type { DiscoveryCommand, Perform, SearchLimits, SearchVia } from './types.js';

/** Discoveries run at once: each is an exec or an archive read on the engine. */
export const COUNT_CONCURRENCY = 4;

/** Small on purpose: the picker needs a count now, not the full search discoverDatabases makes for the chosen one. */
export const COUNT_LIMITS: SearchLimits = { maxDepth: 6, maxFiles: 2000, timeMs: 5000, maxArchiveBytes: 16 * 1024 * 1024 };

export interface DatabaseCount {
  count: number;
  /** A bound stopped the search: there may be more. */
  atLeast: boolean;
  via: SearchVia | null;
  /** Set when the container could not be searched at all. */
  error?: string;
}

/** A ContainerSummary plus what the picker shows, so `rankContainers(listing.containers)` orders it as is. */
export interface ContainerListing {
  id: string;
  name: string;
  appName: string;
  image: string;
  imageId: string;
  tag: string;
  state: ContainerStateName;
  /** Docker's human status, e.g. `Up 3 hours`. */
  status: string;
  /** ISO 8601; null when it never started. */
  startedAt: string | null;
  createdAt: string;
  labels: Record<string, string>;
  databases: DatabaseCount;
}

export interface ListingOptions {
  concurrency?: number;
  limits?: Partial<SearchLimits>;
  onCommand?: (command: DiscoveryCommand) => void;
  /** Performs each call as a declared action (a step's io.perform); default: run it. */
  perform?: Perform;
  /** Unpredictable tokens (the Entropy port); default: node's crypto. */
  token?: (bytes: number) => string;
}

async function runLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface PickerListing {
  /** In the engine's order: ranking (production first) is the caller's, with rankContainers. */
  containers: ContainerListing[];
  /** Every call made, the counting discoveries' included. */
  commands: DiscoveryCommand[];
}

export async function listContainersForPicker(runtime: ContainerRuntime, options: ListingOptions = {}): Promise<PickerListing> {
  const log = new CommandLog(options.onCommand, options.perform, options.token);
  const all = await log.api(
    { argv: ['GET', '/containers/json?all=true'], cli: ['docker', 'ps', '--all'], target: '', purpose: 'list the containers' },
    () => runtime.listContainers(),
  );
  const containers = all.filter((container) => !(HELPER_LABEL in container.labels));
  const limits = { ...COUNT_LIMITS, ...options.limits };
  const rows = await runLimited(containers, options.concurrency ?? COUNT_CONCURRENCY, async (container): Promise<ContainerListing> => {
    const row = {
      id: container.id,
      name: container.name,
      appName: appNameOf(container.labels, container.name),
      image: container.image,
      imageId: container.imageId,
      tag: imageTagOf(container.image),
      state: container.state,
      status: container.status,
      createdAt: container.createdAt,
      labels: container.labels,
    };
    let startedAt: string | null = null;
    try {
      const inspectCall = {
        argv: ['GET', `/containers/${container.id}/json`],
        cli: ['docker', 'inspect', container.name],
        target: container.id,
        purpose: 'read its start time and mounts',
      };
      const details = await log.api(inspectCall, () => runtime.inspect(container.id));
      startedAt = details.startedAt;
      const found = await discoverDatabases(runtime, details, {
        limits,
        allowHelper: false,
        onCommand: (command) => log.record(command),
        perform: options.perform,
        token: options.token,
      });
      return { ...row, startedAt, databases: { count: found.databases.length, atLeast: found.stoppedEarly.length > 0, via: found.via } };
    } catch (error) {
      return { ...row, startedAt, databases: { count: 0, atLeast: true, via: null, error: messageOf(error) } };
    }
  });
  return { containers: rows, commands: log.commands };
}
