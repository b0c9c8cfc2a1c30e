// async fn methods: calls from one client start in the order they arrive and may finish
// out of order; a slow call holds up neither calls to other objects, nor other clients,
// nor signals; a call that needs an object another call holds waits for it, and the
// client's later calls wait behind it (they start in arrival order).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Resolves with the labels of `calls` (`[label, promise]`) in the order they settled. */
async function settleOrder(client, calls) {
    const order = [];
    await client.settle(Promise.all(calls.map(([label, promise]) => promise.then((value) => order.push([label, value])))), 'the calls');
    return order;
}

for (const flavour of clientFlavours) {
    describe(`async methods with the ${flavour} qwebchannel.js`, () => {
        test('a slow call does not hold up a fast call to another object', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const order = await settleOrder(client, [
                ['slow', client.objects.worker.slow(300, 'slow')],
                ['fast', client.objects.calls.add(1, 2)],
            ]);
            assert.deepEqual(order, [['fast', 3], ['slow', 'slow']]);
        });

        test('calls start in the order they arrive and may finish out of order', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const worker = client.objects.worker;
            const order = await settleOrder(client, [
                ['a', worker.slow(300, 'a')],
                ['b', worker.slow(0, 'b')],
                ['c', worker.slow(150, 'c')],
            ]);
            assert.deepEqual(order.map(([label]) => label), ['b', 'c', 'a']);
            assert.deepEqual(await client.settle(worker.started(), 'started()'), ['a', 'b', 'c']);
        });

        test('a call that needs the object exclusively waits for the one holding it', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const worker = client.objects.worker;
            const order = await settleOrder(client, [
                ['first', worker.exclusive(200, 'first')],
                ['second', worker.exclusive(0, 'second')],
            ]);
            assert.deepEqual(order, [['first', ['first']], ['second', ['first', 'second']]]);
        });

        test('later calls of the client wait behind a call that waits for its object', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const worker = client.objects.worker;
            const order = await settleOrder(client, [
                ['holder', worker.exclusive(200, 'holder')],
                ['waiter', worker.exclusive(0, 'waiter')],
                ['other object', client.objects.calls.add(2, 2)],
            ]);
            // The waiter starts once the holder is done; the call after it only then starts
            // too, and, being quicker, may finish before the waiter.
            assert.equal(order[0][0], 'holder', JSON.stringify(order));
            assert.deepEqual(order.map(([label]) => label).sort(), ['holder', 'other object', 'waiter']);
        });

        test('a slow call of one client holds up neither another client\'s calls nor its signals', async (t) => {
            const room = openRoom(t);
            const slowClient = await room.connect(flavour);
            const other = await room.connect(flavour);
            const text = new CallRecorder();
            other.objects.signals.text.connect(text.fn);
            let slowDone = false;
            const slow = slowClient.objects.worker.exclusive(400, 'holding').then(() => {
                slowDone = true;
            });
            assert.equal(await other.settle(other.objects.calls.add(1, 1), 'add at the other client'), 2);
            await other.settle(other.objects.signals.emitText('meanwhile'), 'emitText at the other client');
            assert.deepEqual(text.calls, [['meanwhile']]);
            assert.equal(slowDone, false, 'the slow call finished before the other client was answered');
            await slowClient.settle(slow, 'the slow call');
        });

        test('a slow call does not hold up signals to its own client', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            const slow = client.objects.worker.slow(400, 'slow');
            await client.settle(client.objects.control.emitSoon('while waiting'), 'emitSoon');
            await client.until(() => text.calls.length === 1, 'the signal');
            const slowResponse = client.received.findIndex((frame) => frame.type === Type.response && frame.data === 'slow');
            assert.equal(slowResponse, -1, 'the slow call answered before the signal arrived');
            await client.settle(slow, 'the slow call');
        });

        test('signals emitted while an async call runs arrive before its response', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const progress = new CallRecorder();
            client.objects.worker.progress.connect(progress.fn);
            const mark = client.received.length;
            assert.equal(await client.settle(client.objects.worker.withProgress(50), 'withProgress'), 'done');
            assert.deepEqual(progress.calls, [[1], [2]]);
            assert.deepEqual(client.received.slice(mark).map((frame) => frame.type), [Type.signal, Type.signal, Type.response]);
        });

        test('an async call that fails rejects with its error', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.worker.failLater(10), 'failLater(10)');
            assertRefused(response, 'gave up after 10 ms');
        });

        test('bad arguments to an async method are refused before it starts', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.worker.slow('soon', 'x'), 'slow("soon")');
            assertRefused(response, 'argument 1 (millis) must be u64: invalid type: string "soon", expected u64');
            assert.deepEqual(await client.settle(client.objects.worker.started(), 'started()'), []);
        });
    });
}
