// async fn methods: calls from one client start in the order they arrive and may finish
// out of order; a waiting call holds up neither calls to other objects, nor other clients,
// nor signals; a call that needs an object another call holds waits for it, and the
// client's later calls wait behind it (they start in arrival order).
//
// `worker` calls wait at gates that `control.open(tag)` opens, so each test decides the
// order in which calls finish instead of racing timers.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Follows a call's Promise: `state.settled` turns true once it resolves. */
function follow(promise) {
    const state = { settled: false, value: undefined };
    state.done = promise.then((value) => {
        state.settled = true;
        state.value = value;
        return value;
    });
    return state;
}

/** Opens gate `tag` through `client` (which must not be stalled behind a waiting call). */
function open(client, tag) {
    return client.settle(client.objects.control.open(tag), `open(${tag})`);
}

for (const flavour of clientFlavours) {
    describe(`async methods with the ${flavour} qwebchannel.js`, () => {
        test('a waiting call does not hold up a call to another object', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const waiting = follow(client.objects.worker.wait('slow'));
            assert.equal(await client.settle(client.objects.calls.add(1, 2), 'add(1, 2)'), 3);
            assert.equal(waiting.settled, false);
            await open(client, 'slow');
            assert.equal(await client.settle(waiting.done, 'wait(slow)'), 'slow');
        });

        test('calls start in the order they arrive and may finish in another', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const worker = client.objects.worker;
            const calls = ['a', 'b', 'c'].map((tag) => follow(worker.wait(tag)));
            assert.deepEqual(await client.settle(worker.started(), 'started()'), ['a', 'b', 'c']);
            const finished = [];
            for (const [index, tag] of [[1, 'b'], [2, 'c'], [0, 'a']]) {
                await open(client, tag);
                finished.push(await client.settle(calls[index].done, `wait(${tag})`));
            }
            assert.deepEqual(finished, ['b', 'c', 'a']);
        });

        test('a call that needs the object exclusively waits for the one holding it', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const opener = await room.connect(flavour);
            const first = follow(client.objects.worker.hold('first'));
            const second = follow(client.objects.worker.hold('second'));
            // The second holder waits for the lock even once its own gate is open.
            await open(opener, 'second');
            await opener.barrier();
            assert.deepEqual([first.settled, second.settled], [false, false]);
            await open(opener, 'first');
            assert.deepEqual(await client.settle(first.done, 'hold(first)'), ['first']);
            assert.deepEqual(await client.settle(second.done, 'hold(second)'), ['first', 'second']);
        });

        test('later calls of the client wait behind a call that waits for its object', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const opener = await room.connect(flavour);
            const holder = follow(client.objects.worker.hold('holder'));
            const waiter = follow(client.objects.worker.hold('waiter'));
            const later = follow(client.objects.calls.add(2, 2));
            await opener.barrier();
            assert.deepEqual([holder.settled, waiter.settled, later.settled], [false, false, false]);
            await open(opener, 'holder');
            await client.settle(holder.done, 'hold(holder)');
            assert.equal(await client.settle(later.done, 'add(2, 2)'), 4);
            await open(opener, 'waiter');
            assert.deepEqual(await client.settle(waiter.done, 'hold(waiter)'), ['holder', 'waiter']);
        });

        test('a waiting call of one client holds up neither another client\'s calls nor its signals', async (t) => {
            const room = openRoom(t);
            const busy = await room.connect(flavour);
            const other = await room.connect(flavour);
            const text = new CallRecorder();
            other.objects.signals.text.connect(text.fn);
            const holding = follow(busy.objects.worker.hold('busy'));
            assert.equal(await other.settle(other.objects.calls.add(1, 1), 'add at the other client'), 2);
            await other.settle(other.objects.signals.emitText('meanwhile'), 'emitText at the other client');
            assert.deepEqual(text.calls, [['meanwhile']]);
            assert.equal(holding.settled, false);
            await open(other, 'busy');
            assert.deepEqual(await busy.settle(holding.done, 'hold(busy)'), ['busy']);
        });

        test('a waiting call does not hold up signals to its own client', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            const waiting = follow(client.objects.worker.wait('later'));
            await client.settle(client.objects.control.emitSoon('while waiting'), 'emitSoon');
            await client.until(() => text.calls.length === 1, 'the signal');
            assert.equal(waiting.settled, false);
            await open(client, 'later');
            assert.equal(await client.settle(waiting.done, 'wait(later)'), 'later');
        });

        test('a gate opened before the call arrives lets it through at once', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await open(client, 'early');
            assert.equal(await client.settle(client.objects.worker.wait('early'), 'wait(early)'), 'early');
        });

        test('signals emitted while an async call runs arrive before its response', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const progress = new CallRecorder();
            client.objects.worker.progress.connect(progress.fn);
            const mark = client.received.length;
            assert.equal(await client.settle(client.objects.worker.withProgress(), 'withProgress()'), 'done');
            assert.deepEqual(progress.calls, [[1], [2]]);
            assert.deepEqual(client.received.slice(mark).map((frame) => frame.type), [Type.signal, Type.signal, Type.response]);
        });

        test('an async call that fails rejects with its error', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.worker.failLater('no luck'), 'failLater');
            assertRefused(response, 'failed later: no luck');
        });

        test('bad arguments to an async method are refused before it starts', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.worker.wait(42), 'wait(42)');
            assertRefused(response, 'worker.wait: argument 1 (tag) must be a string; got 42');
            assert.deepEqual(await client.settle(client.objects.worker.started(), 'started()'), []);
        });
    });
}
