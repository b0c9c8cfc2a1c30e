// The runtime registry and the life of a session: objects registered and deregistered
// while clients are connected, debug messages, and the disconnect hook.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Calls `control.<method>(...args)`, bounded. */
function control(client, method, ...args) {
    return client.settle(client.objects.control[method](...args), `control.${method}`);
}

/**
 * The text each flavour sends as a debug message; `tests/tests/conformance.rs` checks that
 * the server logged it.
 */
const debugText = (flavour) => `debug from ${flavour}: ünï "q" ✓`;

for (const flavour of clientFlavours) {
    describe(`registering and deregistering with the ${flavour} qwebchannel.js`, () => {
        test('an object registered while clients are connected is seen by clients that connect later', async (t) => {
            const room = openRoom(t);
            const early = await room.connect(flavour);
            assert.equal(await control(early, 'registerWidget', 'late'), 'late');
            // The protocol describes objects once, at init.
            assert.equal(early.objects.late, undefined);
            const later = await room.connect(flavour);
            assert.equal(later.objects.late.name, 'late');
            assert.equal(await later.settle(later.objects.late.poke(), 'poke() of the late object'), 1);
        });

        test('a client connected before a registration can still call the object by name', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await control(client, 'registerWidget', 'late');
            const response = await client.invoke('late', 'poke');
            assert.equal(response.data, 1);
        });

        test('a name that is taken is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.control.registerWidget('props'), 'registerWidget(props)');
            assertRefused(response, 'an object named "props" is already registered');
        });

        test('an empty name is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.control.registerWidget(''), 'registerWidget("")');
            assertRefused(response, 'object names must not be empty');
        });

        test('deregistering sends destroyed to every client', async (t) => {
            const room = openRoom(t);
            const clients = [await room.connect(flavour), await room.connect(flavour)];
            const destroyed = clients.map((client) => {
                const recorder = new CallRecorder();
                client.objects.signals.destroyed.connect(recorder.fn);
                return recorder;
            });
            const marks = clients.map((client) => client.received.length);
            assert.equal(await control(clients[0], 'deregister', 'signals'), true);
            for (const [index, client] of clients.entries()) {
                const frame = await client.waitForFrame((candidate) => candidate.type === Type.signal, 'destroyed', marks[index]);
                assert.deepEqual(frame, { type: Type.signal, object: 'signals', signal: 0 });
                assert.deepEqual(destroyed[index].calls, [[]]);
                // qwebchannel.js only drops proxies it made for objects in values: an object
                // from the init response stays, and its calls now fail.
                assert.notEqual(client.objects.signals, undefined);
            }
        });

        test('calls to a deregistered object are refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await control(client, 'deregister', 'signals');
            const { response } = await client.rejection(() => client.objects.signals.ping(), 'ping() after deregistering');
            assertRefused(response, 'no object named "signals"');
        });

        test('a deregistered object\'s signals no longer reach clients', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            await control(client, 'deregister', 'signals');
            await control(client, 'emitSoon', 'after deregistering');
            await client.barrier();
            assert.deepEqual(text.calls, []);
        });

        test('a deregistered object passed as an argument is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await control(client, 'deregister', 'otherProps');
            const response = await client.invoke('factory', 'gaugeUnit', [{ id: 'otherProps' }]);
            assertRefused(response, 'factory.gaugeUnit: argument 1 (gauge): no object with id "otherProps" is known to this client');
        });

        test('a deregistered object\'s property changes no longer reach clients', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await control(client, 'deregister', 'props');
            const mark = client.received.length;
            await control(client, 'changeBoth', 1);
            await client.barrier();
            const updated = client.receivedOfType(Type.propertyUpdate, mark).flatMap((frame) => frame.data.map((entry) => entry.object));
            assert.deepEqual(updated, ['otherProps']);
        });

        test('deregistering an unknown name does nothing', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await control(client, 'deregister', 'nope'), false);
        });

        test('a client that connects after a deregistration does not see the object', async (t) => {
            const room = openRoom(t);
            const early = await room.connect(flavour);
            await control(early, 'deregister', 'values');
            const later = await room.connect(flavour);
            assert.equal(later.objects.values, undefined);
        });

        test('a deregistered name is free again', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            await control(client, 'registerWidget', 'again');
            assert.equal(await control(client, 'deregister', 'again'), true);
            assert.equal(await control(client, 'registerWidget', 'again'), 'again');
            const later = await room.connect(flavour);
            assert.equal(later.objects.again.value, 0);
        });
    });

    describe(`sessions with the ${flavour} qwebchannel.js`, () => {
        test('a debug message reaches the server\'s log', async (t) => {
            const client = await openRoom(t).connect(flavour);
            client.channel.debug(debugText(flavour));
            assert.deepEqual(client.sentOfType(Type.debug), [{ type: Type.debug, data: debugText(flavour) }]);
            // Nothing answers a debug message; the round trip proves it was read.
            await client.barrier();
        });

        test('an object learns at once that a client left', async (t) => {
            const room = openRoom(t);
            const leaving = await room.connect(flavour);
            const staying = await room.connect(flavour);
            const left = new CallRecorder();
            staying.objects.lobby.left.connect(left.fn);
            await staying.barrier();
            const id = await leaving.settle(leaving.objects.lobby.whoami(), 'whoami()');
            await leaving.close();
            await staying.until(() => left.calls.length === 1, 'the left signal');
            assert.deepEqual(left.calls, [[id]]);
            assert.deepEqual(await staying.settle(staying.objects.lobby.departed(), 'departed()'), [id]);
        });

        test('the room counts its clients', async (t) => {
            const room = openRoom(t);
            const first = await room.connect(flavour);
            assert.equal(await control(first, 'sessionCount'), 1);
            const second = await room.connect(flavour);
            assert.equal(await control(second, 'sessionCount'), 2);
        });
    });
}
