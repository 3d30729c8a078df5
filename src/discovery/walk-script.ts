// The one exec that walks a container's mounts: a fixed POSIX sh script (no path or name is ever spliced into it;
// they arrive as positional arguments) that lists the app's open files, walks each mount with `find` or, without
// find, a glob loop, and prints each regular file's size, mtime and first 100 bytes in batches — a handful of
// processes per few hundred files, so hundreds of tenant databases cost one round trip. Every line it prints that is
// not raw tool output starts with a random mark, so no file name or file content can forge one.
//
// Output, in order (M = the mark):
//   M T <tools present>                 e.g. "M T find stat head od ls date timeout"
//   M P <pid> / ls -l lines / … M PE    the app's open files (when asked and `ls` exists), else M PX <why>
//   M Q <path>                          a rescue-quarantine folder, not entered
//   M L <path>                          a folder at the depth limit, not entered
//   M U <path>                          a listed name that is no regular file now (vanished, or a name with a newline)
//   M B / M N <path>… / stat lines / M H / od lines / M BE     one batch of regular files
//   M S files|time <n>                  a bound stopped the walk
//   M END                               the script ran to its end
//
// Arguments: mark, max depth, max files, time budget in whole seconds (0 = none), 1 to list open files, mounts...

export const HEAD_BYTES = 100;
/** Files per batch: each batch is one stat, one head and one od. */
export const WALK_BATCH = 256;

export const WALK_SCRIPT = `mark=$1 maxdepth=$2 maxfiles=$3 budget=$4 wantopen=$5
shift 5
p() { printf '%s %s\\n' "$mark" "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
tools=''
for t in find stat head od ls date timeout; do have "$t" && tools="$tools $t"; done
case " $tools " in *' find '*) f_find=1;; *) f_find=;; esac
case " $tools " in *' stat '*) f_stat=1;; *) f_stat=;; esac
case " $tools " in *' head '*) case " $tools " in *' od '*) f_head=1;; *) f_head=;; esac;; *) f_head=;; esac
case " $tools " in *' date '*) start=$(date +%s);; *) start=;; esac
case " $tools " in *' timeout '*) f_timeout=1;; *) f_timeout=;; esac
p T$tools
late() {
  [ -n "$start" ] && [ "$budget" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$budget" ]
}
if [ "$wantopen" = 1 ]; then
  if have ls; then
    for d in /proc/[0-9]*/fd; do
      [ -d "$d" ] || continue
      pid=\${d#/proc/}; pid=\${pid%/fd}
      [ "$pid" = "$$" ] && continue
      p P "$pid"
      ls -l "$d/" 2>&1
    done
    p PE
  else
    p PX no ls in the image
  fi
fi
deep=''
i=0
while [ "$i" -lt "$maxdepth" ]; do deep="$deep/*"; i=$((i + 1)); done
walk() {
  for f in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    if [ -L "$f" ]; then continue; fi
    if [ -d "$f" ]; then
      printf '%s\\n' "$f"
      case \${f##*/} in rescue-quarantine) continue;; esac
      if [ "$2" -lt "$maxdepth" ]; then walk "$f" $(($2 + 1)); fi
    elif [ -f "$f" ]; then
      printf '%s\\n' "$f"
    fi
  done
}
finder() {
  if [ -n "$f_timeout" ] && [ "$budget" -gt 0 ]; then timeout "$budget" find "$@"; else find "$@"; fi
}
list() {
  for root do
    printf '%s R %s\\n' "$mark" "$root"
    if [ -f "$root" ] && [ ! -L "$root" ]; then printf '%s\\n' "$root"; continue; fi
    [ -d "$root" ] || continue
    if [ -n "$f_find" ]; then
      finder "$root" -xdev -maxdepth "$maxdepth" \\( -type d -name rescue-quarantine -prune -print \\) \\
        -o \\( -type d -o -type f \\) -print
    else
      walk "$root" 1
    fi
  done
}
emit() {
  [ $# -gt 0 ] || return 0
  p B
  for f do p N "$f"; done
  if [ -n "$f_stat" ]; then stat -c '%s %Y %n' -- "$@"; fi
  p H
  if [ -n "$f_head" ]; then head -v -c ${HEAD_BYTES} -- "$@" | od -An -tx1 -v; fi
  p BE
}
consume() {
  root=
  count=0
  set --
  while IFS= read -r f; do
    case $f in "$mark R "*) root=\${f#"$mark R "}; continue;; esac
    if [ -d "$f" ] && [ ! -L "$f" ]; then
      [ "$f" = "$root" ] && continue
      case \${f##*/} in rescue-quarantine) p Q "$f"; continue;; esac
      rel=\${f#"$root"}
      case $rel in $deep) p L "$f";; esac
      continue
    fi
    if [ ! -f "$f" ] || [ -L "$f" ]; then p U "$f"; continue; fi
    if [ "$count" -ge "$maxfiles" ]; then emit "$@"; p S files "$maxfiles"; return 0; fi
    count=$((count + 1))
    set -- "$@" "$f"
    if [ $# -ge ${WALK_BATCH} ]; then
      emit "$@"
      set --
      if late; then p S time "$budget"; return 0; fi
    fi
  done
  emit "$@"
  if late; then p S time "$budget"; fi
}
list "$@" | consume
p END
`;

export interface WalkArgs {
  mark: string;
  maxDepth: number;
  maxFiles: number;
  /** Whole seconds; 0 for none. */
  budgetSec: number;
  listOpenFiles: boolean;
  roots: string[];
}

/** The exact argv of the walk: `sh -c SCRIPT sh <args>`. */
export function walkArgv(args: WalkArgs): string[] {
  return [
    'sh',
    '-c',
    WALK_SCRIPT,
    'sh',
    args.mark,
    String(args.maxDepth),
    String(args.maxFiles),
    String(args.budgetSec),
    args.listOpenFiles ? '1' : '0',
    ...args.roots,
  ];
}
