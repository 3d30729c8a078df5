// Loads Ink, React and the App once, early if asked, so the first screen appears as soon as there is something to show.
let loading: Promise<[typeof import('react'), typeof import('ink'), typeof import('../ui/App.js')]> | undefined;

export function loadTui(): NonNullable<typeof loading> {
  // React picks its build from NODE_ENV when first loaded. Its development build records an owner stack
  // (console.createTask) for every element and checks every render: measured in a --cpu-prof of a TUI restore, it
  // took CPU from the run on the same thread, stretching the downtime window. An operator's shell seldom sets it.
  process.env.NODE_ENV ??= 'production';
  loading ??= Promise.all([import('react'), import('ink'), import('../ui/App.js')]);
  return loading;
}
