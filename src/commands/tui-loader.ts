// Loads Ink, React and the App once, early if asked (the cli starts it while the operator reads the first question),
// so the step list appears as soon as there is something to show.
let loading: Promise<[typeof import('react'), typeof import('ink'), typeof import('../ui/App.js')]> | undefined;

export function loadTui(): NonNullable<typeof loading> {
  loading ??= Promise.all([import('react'), import('ink'), import('../ui/App.js')]);
  return loading;
}
