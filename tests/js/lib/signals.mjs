// Waiting for what a server pushes: signal emissions and property changes arrive when they
// arrive, so tests await a condition over everything recorded so far instead of sleeping.

import { withTimeout } from './deadline.mjs';

/**
 * Every emission of one signal of a qwebchannel.js proxy, in order, as arrays of
 * arguments, with a way to wait until the recording satisfies a condition.
 */
export class SignalRecorder {
    /** Connects to `signal` (e.g. `chat.newMessage`) and records from now on. */
    constructor(signal, name) {
        this.name = name;
        this.emissions = [];
        this.waiters = new Set();
        this.signal = signal;
        this.callback = (...args) => this.record(args);
        signal.connect(this.callback);
    }

    /** The number of emissions recorded so far. */
    get count() {
        return this.emissions.length;
    }

    record(args) {
        this.emissions.push(args);
        for (const waiter of [...this.waiters]) {
            waiter();
        }
    }

    /**
     * Resolves with `condition()`'s value as soon as it is truthy, checking now and after
     * each emission; rejects after the timeout, saying `what` (a string, or a function
     * describing the state at that moment) was awaited.
     */
    until(condition, what, ms) {
        let check;
        const settled = new Promise((resolve, reject) => {
            check = () => {
                let value;
                try {
                    value = condition();
                } catch (error) {
                    this.waiters.delete(check);
                    reject(error);
                    return;
                }
                if (value) {
                    this.waiters.delete(check);
                    resolve(value);
                }
            };
            this.waiters.add(check);
            check();
        });
        const describe = () => `${typeof what === 'function' ? what() : what} (${this.name}: ${this.count} emissions recorded)`;
        return withTimeout(settled, describe, ms).finally(() => {
            this.waiters.delete(check);
        });
    }

    /** Waits until at least `count` emissions in total have been recorded; returns them. */
    untilCount(count, ms) {
        return this.until(() => this.count >= count && this.emissions.slice(0, count), `${count} emissions`, ms);
    }

    /** Stops recording (qwebchannel.js tells the server once no callback is left). */
    stop() {
        this.signal.disconnect(this.callback);
    }
}

/** Waits for the next `count` emissions of `signal`; resolves with their arguments. */
export async function waitForEmissions(signal, count, what, ms) {
    const recorder = new SignalRecorder(signal, what);
    try {
        return await recorder.untilCount(count, ms);
    } finally {
        recorder.stop();
    }
}
