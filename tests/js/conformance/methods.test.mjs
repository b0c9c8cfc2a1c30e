// Method calls: with Promises and with callbacks, results of every shape, failures that
// reject the Promise with an `error` in the response, and every kind of bad call.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, openRoom, Type } from '../lib/conformance.mjs';

for (const flavour of clientFlavours) {
    describe(`methods with the ${flavour} qwebchannel.js`, () => {
        test('a call returns a Promise that resolves with the result', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const result = client.objects.calls.add(2, 3);
            assert.ok(result instanceof Promise);
            assert.equal(await client.settle(result, 'add(2, 3)'), 5);
            const [request] = client.sentOfType(Type.invokeMethod);
            // A bare name is sent as a name, so the server can pick among overloads.
            assert.deepEqual({ ...request, id: undefined }, {
                type: Type.invokeMethod, object: 'calls', method: 'add', args: [2, 3], id: undefined,
            });
        });

        test('a call with a callback passes the result to it and returns undefined', async (t) => {
            const client = await openRoom(t).connect(flavour);
            let returned;
            const answered = new Promise((resolve) => {
                returned = client.objects.calls.concat('con', 'cat', resolve);
            });
            assert.equal(returned, undefined);
            assert.equal(await client.settle(answered, 'the callback of concat'), 'concat');
        });

        test('a call by signature is sent by index', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const calls = client.objects.calls;
            assert.equal(await client.settle(calls['add(qlonglong,qlonglong)'](40, 2), 'add by signature'), 42);
            const [request] = client.sentOfType(Type.invokeMethod);
            assert.equal(typeof request.method, 'number');
        });

        test('a method that returns nothing resolves with null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await client.settle(client.objects.calls.nothing(), 'nothing()'), null);
            assert.deepEqual(client.responseFrame(client.lastRequestId()).data, null);
        });

        test('Ok(()) resolves with null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await client.settle(client.objects.calls.check(true), 'check(true)'), null);
        });

        test('an Option resolves with its value or null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await client.settle(client.objects.calls.maybe(true), 'maybe(true)'), 'here');
            assert.equal(await client.settle(client.objects.calls.maybe(false), 'maybe(false)'), null);
        });

        test('an Err rejects the Promise; the response has the error text and no data', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { reason, response } = await client.rejection(() => client.objects.calls.divide(1, 0), 'divide(1, 0)');
            // qwebchannel.js rejects without a reason: the text is only in the raw response.
            assert.equal(reason, undefined);
            assertRefused(response, 'cannot divide 1 by 0');
        });

        test('Err(()) style failures of Result<(), E> reject too', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.calls.check(false), 'check(false)');
            assertRefused(response, 'check failed');
        });

        test('a failed call with a callback never calls the callback', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const called = [];
            client.objects.calls.divide(1, 0, (value) => called.push(value));
            const id = client.lastRequestId();
            await client.waitForFrame((frame) => frame.type === Type.response && frame.id === id, 'the response to divide');
            await client.barrier();
            assert.deepEqual(called, []);
        });

        test('calls made without waiting run in the order they were sent', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const calls = client.objects.calls;
            // Fire and forget, as Qt's test of a method without a callback.
            for (const note of ['a', 'b', 'c']) {
                calls.note(note);
            }
            assert.deepEqual(await client.settle(calls.notes(), 'notes()'), ['a', 'b', 'c']);
        });

        test('a panicking method rejects and the server goes on', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.calls.explode(), 'explode()');
            assertRefused(response, 'the method panicked on the server');
            assert.equal(await client.settle(client.objects.calls.add(1, 1), 'add after a panic'), 2);
        });

        test('a result that cannot be serialized rejects without serde\'s words', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.calls.unserializable(), 'unserializable()');
            assertRefused(response, 'the result could not be serialized');
            assert.equal(await client.settle(client.objects.calls.add(1, 1), 'add after it'), 2);
        });

        test('each client is told its own session', async (t) => {
            const room = openRoom(t);
            const first = await room.connect(flavour);
            const second = await room.connect(flavour);
            const ids = await Promise.all([first, second].map((client) => client.settle(client.objects.calls.whoami(), 'whoami')));
            assert.ok(ids.every(Number.isInteger), JSON.stringify(ids));
            assert.notEqual(ids[0], ids[1]);
        });

        describe('bad calls are refused with a reason', () => {
            const refused = [
                ['too few arguments', (calls) => calls.add(1), 'calls.add takes (a: integer, b: integer); got 1 argument'],
                ['too many arguments', (calls) => calls.add(1, 2, 3), 'calls.add takes (a: integer, b: integer); got 3 arguments'],
                ['a string for an integer', (calls) => calls.add('1', 2),
                    'calls.add: argument 1 (a) must be an integer from -2^63 to 2^63-1; got "1"'],
                ['a fraction for an integer', (calls) => calls.add(1.5, 2),
                    'calls.add: argument 1 (a) must be an integer from -2^63 to 2^63-1; got 1.5'],
                ['null for an integer', (calls) => calls.add(1, null),
                    'calls.add: argument 2 (b) must be an integer from -2^63 to 2^63-1; got null'],
                ['an array for a string', (calls) => calls.concat(['a'], 'b'),
                    'calls.concat: argument 1 (a) must be a string; got ["a"]'],
                ['an object for a bool', (calls) => calls.check({ ok: true }),
                    'calls.check: argument 1 (ok) must be true or false; got {"ok":true}'],
                ['an integer beyond i64', (calls) => calls.add(2 ** 63, 1),
                    'calls.add: argument 1 (a) must be an integer from -2^63 to 2^63-1; got 9223372036854776000'],
            ];
            for (const [label, call, error] of refused) {
                test(label, async (t) => {
                    const client = await openRoom(t).connect(flavour);
                    const { response } = await client.rejection(() => call(client.objects.calls), label);
                    assertRefused(response, error);
                });
            }

            const refusedRequests = [
                ['an unknown object', { object: 'nope', method: 'add', args: [] }, 'no object named "nope"'],
                ['an unknown method name', { object: 'calls', method: 'nope', args: [] }, 'calls has no method named "nope"'],
                ['QObject\'s deleteLater, which is not published', { object: 'calls', method: 'deleteLater', args: [] },
                    'calls has no method named "deleteLater"'],
                ['an unknown method index', { object: 'calls', method: 999, args: [] }, 'calls has no method with index 999'],
                ['the index of a signal', { object: 'calls', method: 1, args: [] }, 'calls has no method with index 1'],
                ['the index of destroyed', { object: 'calls', method: 0, args: [] }, 'calls has no method with index 0'],
                ['arguments that are not an array', { object: 'calls', method: 'add', args: { a: 1 } }, '"args" must be an array'],
            ];
            for (const [label, message, error] of refusedRequests) {
                test(label, async (t) => {
                    const client = await openRoom(t).connect(flavour);
                    const response = await client.exec({ type: Type.invokeMethod, ...message });
                    assertRefused(response, error);
                    // The client goes on working.
                    assert.equal(await client.settle(client.objects.calls.add(1, 2), 'add after a refusal'), 3);
                });
            }
        });
    });
}

describe('invokeMethod shapes', () => {
    test('a call without args is a call without arguments', async (t) => {
        const raw = await openRoom(t).raw();
        await raw.request({ type: Type.init, id: 0 });
        const response = await raw.request({ type: Type.invokeMethod, object: 'calls', method: 'nothing', id: 1 });
        assert.deepEqual(response, { type: Type.response, id: 1, data: null });
    });

    test('a string id is echoed as sent', async (t) => {
        const raw = await openRoom(t).raw();
        await raw.request({ type: Type.init, id: 0 });
        const response = await raw.request({ type: Type.invokeMethod, object: 'calls', method: 'add', args: [1, 1], id: 'call-1' });
        assert.deepEqual(response, { type: Type.response, id: 'call-1', data: 2 });
    });
});
