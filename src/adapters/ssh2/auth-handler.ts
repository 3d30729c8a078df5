// Offers the server what `ssh` would: the agent's keys (unless IdentitiesOnly), then each identity file in order.
// An encrypted key is decrypted with a passphrase asked for at that moment (three tries); the passphrase is handed
// to ssh2 and never logged or kept. Every key offered is recorded, so a refusal can name them.
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType } from 'ssh2';
import { fingerprintOf } from './known-hosts.js';

const { utils } = ssh2;

/** Asked for an encrypted identity file; '' skips that key. */
export type AskPassphrase = (keyPath: string, attempt: number) => Promise<string>;

export interface AuthPlan {
  user: string;
  agentSocket?: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  askPassphrase?: AskPassphrase;
  /** Wraps every wait on the operator, so the connect deadline does not run while they type. */
  whileAsking: <T>(ask: () => Promise<T>) => Promise<T>;
  /** Called when asking fails (the operator pressed Escape): the login stops there instead of trying other keys. */
  onAskFailed: (error: unknown) => void;
}

export interface AuthLog {
  /** What was offered, for the refusal message: `ssh-agent (…)` or `path (SHA256:…)`. */
  offered: string[];
  /** Why a key was not offered: missing file, unreadable, no passphrase. */
  skipped: string[];
  /** Methods the server said it accepts, once it has said so. */
  serverMethods?: AuthenticationType[];
}

export function makeAuthHandler(plan: AuthPlan): { handler: AuthHandlerMiddleware; log: AuthLog } {
  const log: AuthLog = { offered: [], skipped: [] };
  const pending: Array<() => Promise<AnyAuthMethod | undefined>> = [];
  if (plan.agentSocket && !plan.identitiesOnly) {
    pending.push(async () => {
      log.offered.push(`the keys in ssh-agent (${plan.agentSocket})`);
      return { type: 'agent', username: plan.user, agent: plan.agentSocket! };
    });
  }
  for (const path of plan.identityFiles) pending.push(() => identityFileMethod(path, plan, log));

  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (methodsLeft) log.serverMethods = methodsLeft;
    if (methodsLeft && !methodsLeft.includes('publickey')) return next(false as never);
    void (async () => {
      while (pending.length > 0) {
        const method = await pending.shift()!();
        if (method) return next(method);
      }
      next(false as never);
    })().catch(plan.onAskFailed);
  };
  return { handler, log };
}

async function identityFileMethod(path: string, plan: AuthPlan, log: AuthLog): Promise<AnyAuthMethod | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.skipped.push(`${path}: ${(error as Error).message}`);
    else log.skipped.push(`${path}: no such file`);
    return undefined;
  }
  let parsed = utils.parseKey(data);
  if (parsed instanceof Error && /passphrase/i.test(parsed.message)) {
    // As ssh does (IdentitiesOnly or not): a key the agent already holds is used from the agent, nothing is asked.
    const fromAgent = await agentMethodFor(path, plan, log);
    if (fromAgent) return fromAgent;
    if (!plan.askPassphrase) {
      log.skipped.push(`${path}: encrypted, and no way to ask for its passphrase (load it into ssh-agent with ssh-add)`);
      return undefined;
    }
    for (let attempt = 1; attempt <= 3 && parsed instanceof Error; attempt++) {
      const passphrase = await plan.whileAsking(() => plan.askPassphrase!(path, attempt));
      if (passphrase === '') break;
      parsed = utils.parseKey(data, passphrase);
    }
    if (parsed instanceof Error) {
      log.skipped.push(`${path}: encrypted, and no correct passphrase was given`);
      return undefined;
    }
  }
  if (parsed instanceof Error) {
    log.skipped.push(`${path}: not a private key ssh2 can read (${parsed.message})`);
    return undefined;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  log.offered.push(`${path} (${fingerprintOf(key.getPublicSSH())})`);
  // The parsed key, not the file: ssh2 would otherwise decrypt it again (bcrypt, seconds).
  return { type: 'publickey', username: plan.user, key };
}

// The agent, limited to the one key whose public half is `path`.pub: under IdentitiesOnly only that key may be offered.
async function agentMethodFor(path: string, plan: AuthPlan, log: AuthLog): Promise<AnyAuthMethod | undefined> {
  if (!plan.agentSocket) return undefined;
  const pub = utils.parseKey(await readFile(`${path}.pub`).catch(() => Buffer.alloc(0)));
  if (pub instanceof Error) return undefined;
  const wanted = (Array.isArray(pub) ? pub[0] : pub).getPublicSSH();
  const agent = new OneKeyAgent(plan.agentSocket, wanted);
  const held = await new Promise<boolean>((resolve) => agent.getIdentities((error, keys) => resolve(!error && (keys ?? []).length > 0)));
  if (!held) return undefined;
  log.offered.push(`${path} through ssh-agent (${fingerprintOf(wanted)})`);
  return { type: 'agent', username: plan.user, agent };
}

class OneKeyAgent extends ssh2.OpenSSHAgent {
  constructor(
    socketPath: string,
    private readonly wanted: Buffer,
  ) {
    super(socketPath);
  }

  override getIdentities(cb: (error: Error | undefined, keys?: ssh2.ParsedKey[]) => void): void {
    super.getIdentities((error, keys) => {
      if (error) return cb(error);
      // The OpenSSH agent hands back parsed keys; anything else is not this key.
      cb(
        undefined,
        (keys ?? []).filter((key): key is ssh2.ParsedKey => 'getPublicSSH' in key && key.getPublicSSH().equals(this.wanted)),
      );
    });
  }
}
