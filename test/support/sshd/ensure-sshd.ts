// A fresh CI machine has no OpenSSH server: install it (as root) rather than skip the SSH tests.
import { existsSync } from 'node:fs';
import { execa } from 'execa';

export const SSHD_PATH = '/usr/sbin/sshd';

export async function ensureSshd(): Promise<void> {
  if (existsSync(SSHD_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${SSHD_PATH} is missing and we are not root: install openssh-server (apt-get install -y openssh-server)`);
  }
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = await execa('apt-get', ['install', '-y', 'openssh-server'], { env, reject: false });
  if (install.exitCode !== 0) {
    await execa('apt-get', ['update'], { env });
    await execa('apt-get', ['install', '-y', 'openssh-server'], { env });
  }
  if (!existsSync(SSHD_PATH)) throw new Error(`apt-get install openssh-server did not provide ${SSHD_PATH}`);
}
