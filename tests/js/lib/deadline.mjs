// Bounded waiting: every promise a test awaits from the network goes through here, so a
// server that never answers fails the test with a message instead of hanging the run.

import { waitMs } from './environment.mjs';

/**
 * Resolves like `promise`, or rejects once `ms` have passed, naming what was awaited.
 * `what` may be a function, called only on timeout, to describe the state at that moment.
 */
export function withTimeout(promise, what, ms = waitMs) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
            const description = typeof what === 'function' ? what() : what;
            reject(new Error(`timed out after ${ms} ms waiting for ${description}`));
        }, ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
