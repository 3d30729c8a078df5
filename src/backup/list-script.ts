// The one exec that reads a backups folder: every name in it (so a new backup never takes a name already there) and
// the manifests of this database's backups (so pruning knows which are ours). Shell builtins only — no ls, cat or
// find — so it runs in any image with a POSIX sh. Paths arrive as positional arguments, never spliced into the script;
// every line it prints itself starts with a random mark, so no file name or content can forge one.
//
// Output (M = the mark):  M X (no such folder) | M F <name> for each entry | M J <name> / its lines / M JE | M END
// Arguments: mark, folder, stem (manifests read: "<stem>-*.db.json", at most MANIFEST_LINES lines each).
import { parseManifest, type BackupManifest } from './manifest.js';

export const MANIFEST_LINES = 64;

export const LIST_SCRIPT = `mark=$1 dir=$2 stem=$3
if [ ! -d "$dir" ]; then printf '%s X\\n' "$mark"; printf '%s END\\n' "$mark"; exit 0; fi
for f in "$dir"/* "$dir"/.[!.]* "$dir"/..?*; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  n=\${f##*/}
  printf '%s F %s\\n' "$mark" "$n"
  case $n in "$stem"-*.db.json)
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    printf '%s J %s\\n' "$mark" "$n"
    i=0
    while [ "$i" -lt ${MANIFEST_LINES} ] && { IFS= read -r line || [ -n "$line" ]; }; do printf '%s\\n' "$line"; i=$((i + 1)); done < "$f"
    printf '\\n%s JE\\n' "$mark";;
  esac
done
printf '%s END\\n' "$mark"
`;

export interface FolderListing {
  exists: boolean;
  /** Every name in the folder. */
  names: string[];
  /** Manifests that parsed as ours, by the manifest file's name. */
  manifests: Map<string, BackupManifest>;
  /** False when the output stopped before its end mark (killed, cut off): the listing cannot be trusted. */
  complete: boolean;
}

export function listArgv(mark: string, dir: string, stem: string): string[] {
  return ['sh', '-c', LIST_SCRIPT, 'sh', mark, dir, stem];
}

export function parseListing(stdout: string, mark: string): FolderListing {
  const listing: FolderListing = { exists: true, names: [], manifests: new Map(), complete: false };
  let manifest: { name: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    if (manifest) {
      if (line === `${mark} JE`) {
        const parsed = parseManifest(manifest.lines.join('\n'));
        if (parsed) listing.manifests.set(manifest.name, parsed);
        manifest = undefined;
      } else manifest.lines.push(line);
      continue;
    }
    if (!line.startsWith(`${mark} `)) continue;
    const rest = line.slice(mark.length + 1);
    if (rest === 'X') listing.exists = false;
    else if (rest === 'END') listing.complete = true;
    else if (rest.startsWith('F ')) listing.names.push(rest.slice(2));
    else if (rest.startsWith('J ')) manifest = { name: rest.slice(2), lines: [] };
  }
  return listing;
}
