// @skelnorm/data/rx: an rxjs Observable over any AsyncIterable (datasets, training events).
// rxjs is an optional peer dependency, imported only here.
import { Observable } from 'rxjs';

/**
 * An `Observable` that pulls `source` (one iteration per subscription): it emits each element,
 * completes at the end, errors if the iteration throws, and unsubscribing stops the pulling (the
 * iterator's `return()` runs, so a dataset's prefetch buffers are released).
 *
 * ```ts
 * toObservable(dataset.batch(32)).subscribe({ next: (b) => { use(b); b.dispose(); } });
 * ```
 */
export function toObservable<T>(source: AsyncIterable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const iterator = source[Symbol.asyncIterator]();
    let stopped = false;
    (async () => {
      try {
        while (!stopped) {
          const result = await iterator.next();
          if (stopped) {
            if (!result.done) (result.value as { dispose?: () => void } | null)?.dispose?.();
            break;
          }
          if (result.done) {
            subscriber.complete();
            return;
          }
          subscriber.next(result.value);
        }
      } catch (error) {
        if (!stopped) subscriber.error(error);
      }
    })();
    return () => {
      stopped = true;
      void iterator.return?.();
    };
  });
}
