// The drill's workshop over dockerode: images by import, volumes, containers, files in, and cleanup by label.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { posix } from 'node:path';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { importRootfs } from './import-image.js';
import { DRILL_LABEL, type Lab, type LabContainerSpec, type LabFile, type LabInventory } from '../../ports/lab.js';

export class DockerLab implements Lab {
  constructor(private readonly docker: Dockerode) {}

  async importImage(ref: string, rootfs: NodeJS.ReadableStream, changes: string[]): Promise<void> {
    await importRootfs(this.docker, ref, rootfs, changes);
  }

  async hasImage(ref: string): Promise<boolean> {
    return this.docker
      .getImage(ref)
      .inspect()
      .then(
        () => true,
        () => false,
      );
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    await this.docker.createVolume({ Name: name, Labels: labels });
  }

  async createContainer(spec: LabContainerSpec): Promise<string> {
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Labels: spec.labels,
      Env: spec.env,
      Entrypoint: spec.entrypoint,
      HostConfig: { Binds: [`${spec.volume}:${spec.mountPath}`], NetworkMode: 'none' },
    });
    return container.id;
  }

  async putFiles(containerId: string, dir: string, files: LabFile[], owner = { uid: 0, gid: 0 }): Promise<void> {
    const tar = pack();
    const feeding = (async () => {
      const made = new Set<string>();
      for (const file of files) {
        const parts = posix
          .dirname(file.name)
          .split('/')
          .filter((part) => part !== '.' && part !== '');
        for (let depth = 1; depth <= parts.length; depth += 1) {
          const folder = parts.slice(0, depth).join('/');
          if (made.has(folder)) continue;
          made.add(folder);
          tar.entry({ name: `${folder}/`, type: 'directory', mode: 0o755, ...owner });
        }
        const info = await stat(file.localPath);
        const entry = tar.entry({ name: file.name, type: 'file', size: info.size, mode: 0o644, mtime: info.mtime, ...owner });
        for await (const chunk of createReadStream(file.localPath) as AsyncIterable<Buffer>) {
          if (!entry.write(chunk)) await once(entry, 'drain');
        }
        entry.end(undefined);
      }
      tar.finalize();
    })();
    await Promise.all([feeding, this.docker.getContainer(containerId).putArchive(tar as unknown as NodeJS.ReadableStream, { path: dir })]);
  }

  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async inventory(drillId: string): Promise<LabInventory> {
    const label = `${DRILL_LABEL}=${drillId}`;
    const images = (await this.docker.listImages({ filters: { label: [label] } })).map((image) => image.Id);
    const containers = (await this.docker.listContainers({ all: true })).filter(
      (container) => container.Labels?.[DRILL_LABEL] === drillId || images.includes(container.ImageID),
    );
    const volumes = ((await this.docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []).map((volume) => volume.Name);
    return { containers: containers.map((container) => container.Id), volumes, images };
  }

  // Rounds, because a container can appear between listing and removing (a read helper the recovery was starting
  // from the drill's image when a signal came): a volume it holds refuses removal (409), and the next round removes
  // the container, then the volume, then the image. The last round's error is thrown when something is still left.
  async removeAll(drillId: string, rounds = 5): Promise<LabInventory> {
    const removed: LabInventory = { containers: [], volumes: [], images: [] };
    for (let round = 1; ; round += 1) {
      const found = await this.inventory(drillId);
      if (found.containers.length + found.volumes.length + found.images.length === 0) return removed;
      let failure: unknown;
      const attempt = async (kind: keyof LabInventory, id: string, remove: () => Promise<unknown>) => {
        try {
          await remove().catch(ignoreGone);
          if (!removed[kind].includes(id)) removed[kind].push(id);
        } catch (error) {
          failure ??= error;
        }
      };
      for (const id of found.containers)
        await attempt('containers', id, () => this.docker.getContainer(id).remove({ force: true, v: false }));
      for (const name of found.volumes) await attempt('volumes', name, () => this.docker.getVolume(name).remove());
      for (const id of found.images) await attempt('images', id, () => this.docker.getImage(id).remove({ force: true }));
      if (round >= rounds) {
        if (failure !== undefined) throw failure;
        return removed;
      }
      if (failure !== undefined) await new Promise((done) => setTimeout(done, 200 * round));
    }
  }
}

function ignoreGone(error: { statusCode?: number }): void {
  if (error.statusCode !== 404) throw error;
}
