// A drill's workshop on the Docker engine: what it builds for a throwaway outage and removes afterwards. Everything
// it makes carries the label `sqlite-rescue.drill=<drill id>`, so cleanup finds it all and touches nothing else.
export const DRILL_LABEL = 'sqlite-rescue.drill';

export interface LabFile {
  /** Path relative to the folder the files go into; parent folders are created. */
  name: string;
  localPath: string;
}

export interface LabContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Named volume mounted at `mountPath`. */
  volume: string;
  mountPath: string;
  env?: string[];
  /** Overrides the image's entrypoint; argv. */
  entrypoint?: string[];
}

export interface LabInventory {
  containers: string[];
  volumes: string[];
  images: string[];
}

export interface Lab {
  /** `docker import` of a root filesystem tar stream as `ref`, with Dockerfile-style changes (CMD, ENV, LABEL). */
  importImage(ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void>;
  hasImage(ref: string): Promise<boolean>;
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  /** Creates (does not start) a container; returns its id. */
  createContainer(spec: LabContainerSpec): Promise<string>;
  /** Streams local files into `dir` of a container (created or running) through the archive API. */
  putFiles(containerId: string, dir: string, files: LabFile[], owner?: { uid: number; gid: number }): Promise<void>;
  startContainer(id: string): Promise<void>;
  /** What carries the drill label (and helper containers made from a labelled image). */
  inventory(drillId: string): Promise<LabInventory>;
  /**
   * Removes all of inventory(drillId): containers (forced), then volumes, then images, in rounds until nothing is left
   * (a container started meanwhile is caught by the next round). Idempotent; rejects when something stays.
   */
  removeAll(drillId: string): Promise<LabInventory>;
}
