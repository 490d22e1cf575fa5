import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder holding a fresh production build of the app (what `npm run build` makes). */
    siteDir: string;
  }
}
