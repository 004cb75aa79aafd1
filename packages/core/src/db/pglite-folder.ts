import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The folder of an embedded database (PGlite): made ready before PGlite opens it, and owned by one process at a
 * time. Two processes on one folder each run their own PostgreSQL over the same files: each sees only its own
 * writes and the last to write a file wins, so rows already answered 200 disappear.
 */

/** Why the folder cannot be used, in words for a one-line start-up message. */
export class PgliteFolderError extends Error {
  readonly subject: string;
  constructor(
    readonly folder: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    const subject = `embedded database in ${folder}`;
    super(`${subject}: ${reason}`, options);
    this.name = "PgliteFolderError";
    this.subject = subject;
  }
}

const LOCK_FILE = "data-api.lock";

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/** "permission denied" out of Node's "EACCES: permission denied, open '/x'". */
export function errnoReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

/**
 * Makes sure `folder` is a folder, creating it and its missing parents. Level by level on purpose: Node 20's
 * `mkdir(..., { recursive: true })` never returns for a path under /proc (it retries the ENOENT forever).
 */
export function prepareFolder(folder: string): void {
  const target = resolve(folder);
  const missing: string[] = [];
  for (let path = target; ; path = dirname(path)) {
    let stat;
    try {
      stat = statSync(path, { throwIfNoEntry: false });
    } catch (error) {
      // ENOTDIR: a parent is a file; the walk up finds which one.
      if (codeOf(error) !== "ENOTDIR") throw new PgliteFolderError(folder, `cannot read ${path}: ${errnoReason(error)}`);
    }
    if (stat?.isDirectory()) break;
    if (stat) throw new PgliteFolderError(folder, path === target ? "it is a file, not a folder" : `${path} is a file, not a folder`);
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      if (codeOf(error) === "EEXIST") continue;
      const what = path === target ? "cannot create it" : `cannot create ${path}`;
      throw new PgliteFolderError(folder, `${what}: ${errnoReason(error)}`);
    }
  }
}

interface Owner {
  pid: number;
  /** When the owner started (Linux: clock ticks since boot), so that a reused pid is not taken for the owner. */
  started?: string;
}

/** Field 22 of /proc/<pid>/stat, the process's start time; undefined where there is no /proc. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields from its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function readOwner(path: string): Owner | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw error;
  }
  const [pid, started] = text.trim().split(/\s+/);
  // Unreadable contents cannot name a live owner; the file is created complete (see lockFolder), so it is junk.
  return { pid: Number(pid) || 0, started: started || undefined };
}

function isRunning(owner: Owner): boolean {
  // Our own pid in a lock we do not hold: a previous life of ours (a container restarts with the same pid).
  if (owner.pid <= 0 || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if (codeOf(error) !== "EPERM") return false;
  }
  const started = startTimeOf(owner.pid);
  return owner.started === undefined || started === undefined || owner.started === started;
}

export interface FolderLock {
  /** Removes the lock file, if it is still ours. Safe to call more than once. */
  release(): void;
}

/** Folders this process holds, so that opening one twice in one process is refused like a second process. */
const held = new Set<string>();

/**
 * Takes `folder` (which must exist) for this process: creates `data-api.lock` in it holding our pid, or refuses
 * with the pid of the live process that holds it. A lock left by a process that is gone (`kill -9`, a crash, a
 * power cut) is taken over. Creating the lock is also the check that the folder is writable, which root's
 * `access()` would not tell for a folder under /proc.
 */
export function lockFolder(folder: string): FolderLock {
  const key = resolve(folder);
  const lock = join(key, LOCK_FILE);
  if (held.has(key)) throw new PgliteFolderError(folder, `already open in this process (${process.pid})`);
  const ours = `${process.pid} ${startTimeOf(process.pid) ?? ""}\n`;
  // Written aside and hard-linked into place: the lock appears with its contents, never empty, and link()
  // fails if a lock exists, atomically, as open(..., "wx") would.
  const draft = `${lock}.${process.pid}.new`;
  try {
    writeFileSync(draft, ours);
  } catch (error) {
    throw new PgliteFolderError(folder, `cannot create files in it: ${errnoReason(error)}`);
  }
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(draft, lock);
        break;
      } catch (error) {
        if (codeOf(error) !== "EEXIST") throw new PgliteFolderError(folder, `cannot lock it: ${errnoReason(error)}`);
      }
      const owner = readOwner(lock);
      if (owner && isRunning(owner)) {
        throw new PgliteFolderError(folder, `in use by process ${owner.pid}; stop it, or set PGLITE_DIR to another folder`);
      }
      if (attempt === 5) throw new PgliteFolderError(folder, `cannot take over the stale ${lock}; remove it`);
      if (owner) takeOverStale(lock, owner);
    }
  } finally {
    unlinkSync(draft);
  }
  held.add(key);
  const release = () => {
    process.off("exit", release);
    if (!held.delete(key)) return;
    try {
      if (readFileSync(lock, "utf8") === ours) unlinkSync(lock);
    } catch {
      // Already gone (the folder was deleted under us): nothing to release.
    }
  };
  // Every way out but SIGKILL runs "exit" listeners: a start that fails after the lock does not leave it behind.
  process.on("exit", release);
  return { release };
}

/**
 * Removes a lock whose owner is gone. Moved aside first, since rename is atomic: of two processes taking over the
 * same stale lock, only one moves it. If what was moved is no longer that stale lock (another process took it
 * over in between), it is put back.
 */
function takeOverStale(lock: string, stale: Owner): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return;
    throw error;
  }
  const moved = readOwner(aside);
  if (moved && moved.pid !== stale.pid) {
    try {
      linkSync(aside, lock);
    } catch {
      // A third process holds the lock by now; the next attempt reads it.
    }
  }
  unlinkSync(aside);
}
