// Loads Ink, React and the App once, early if asked (the cli starts it while the operator reads the first question),
// so the step list appears as soon as there is something to show. Ink decides at import whether it runs under CI
// (CI=… in the environment) and then draws nothing until the end; at a real terminal the operator must see the screen.
let loading: Promise<[typeof import('react'), typeof import('ink'), typeof import('../ui/App.js')]> | undefined;

export function loadTui(): NonNullable<typeof loading> {
  if (!loading) {
    if (process.stdout.isTTY) process.env.CI = 'false';
    loading = Promise.all([import('react'), import('ink'), import('../ui/App.js')]);
  }
  return loading;
}
