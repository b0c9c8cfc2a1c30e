// Signals: arguments of every kind, connecting twice, disconnecting, connecting and
// disconnecting while a signal is being delivered (where Qt 5.15's client and the npm one
// differ), the order of signals and responses, and connect requests that name nothing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Signal indices of the `signals` object (see its description). */
const NUMBER = 2;
const TEXT = 3;

/** Calls `signals.emitText(text)`: `text(text)` is emitted, then the call answers. */
function emitText(client, text) {
    return client.settle(client.objects.signals.emitText(text), `emitText(${text})`);
}

/** The `signal` frames of `object` received from position `from` on. */
function signalFrames(client, object, from = 0) {
    return client.receivedOfType(Type.signal, from).filter((frame) => frame.object === object);
}

/** Runs `body` with console.error captured; resolves with what was logged. */
async function capturingConsoleErrors(body) {
    const logged = [];
    const original = console.error;
    console.error = (...args) => logged.push(args.join(' '));
    try {
        await body();
    } finally {
        console.error = original;
    }
    return logged;
}

for (const flavour of clientFlavours) {
    describe(`signals with the ${flavour} qwebchannel.js`, () => {
        test('a connected callback receives the signal\'s arguments', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            await emitText(client, 'hello');
            assert.deepEqual(text.calls, [['hello']]);
            assert.deepEqual(signalFrames(client, 'signals'), [{ type: Type.signal, object: 'signals', signal: TEXT, args: ['hello'] }]);
        });

        test('bool and integer arguments arrive as sent, in order', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const received = new CallRecorder();
            client.objects.signals.flag.connect(received.fn);
            client.objects.signals.number.connect(received.fn);
            await client.settle(client.objects.signals.triggerSignals(), 'triggerSignals()');
            assert.deepEqual(received.calls, [[true], [false], [42], [1], [0]]);
        });

        test('arguments of every JSON kind', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const mixed = new CallRecorder();
            client.objects.signals.mixed.connect(mixed.fn);
            await client.settle(client.objects.signals.emitMixed(), 'emitMixed()');
            assert.deepEqual(mixed.calls, [[true, -7, 2.5, 'zwölf 🎈', [1, 2, 3], null, { one: 1, two: 2 }]]);
        });

        test('a signal without arguments is sent without args', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const pinged = new CallRecorder();
            client.objects.signals.pinged.connect(pinged.fn);
            await client.settle(client.objects.signals.ping(), 'ping()');
            assert.deepEqual(pinged.calls, [[]]);
            assert.deepEqual(signalFrames(client, 'signals'), [{ type: Type.signal, object: 'signals', signal: 6 }]);
        });

        test('several emissions in one call arrive in order, before the response', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const counter = new CallRecorder();
            client.objects.signals.counter.connect(counter.fn);
            const mark = client.received.length;
            await client.settle(client.objects.signals.emitCounter(5), 'emitCounter(5)');
            assert.deepEqual(counter.calls, [[1], [2], [3], [4], [5]]);
            assert.deepEqual(client.received.slice(mark).map((frame) => frame.type), [1, 1, 1, 1, 1, Type.response]);
        });

        test('a signal emitted during a call reaches the client before the call\'s response', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const order = [];
            client.objects.signals.text.connect((value) => order.push(`signal ${value}`));
            const mark = client.received.length;
            const result = await client.settle(
                client.objects.signals.emitText('first').then((value) => order.push(`response ${value}`)),
                'emitText',
            );
            assert.equal(result, 2);
            assert.deepEqual(order, ['signal first', 'response returned']);
            assert.deepEqual(client.received.slice(mark).map((frame) => frame.type), [Type.signal, Type.response]);
        });

        test('a signal emitted from outside any call reaches connected clients', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            await client.settle(client.objects.control.emitSoon('from a task'), 'emitSoon');
            await client.until(() => text.calls.length === 1, 'the emission');
            assert.deepEqual(text.calls, [['from a task']]);
        });

        test('the client connects once per signal and is sent each emission once', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const numbers = [];
            const log = (value) => numbers.push(value);
            client.objects.signals.number.connect(log);
            client.objects.signals.number.connect(log);
            await client.settle(client.objects.signals.triggerSignals(), 'triggerSignals()');
            // Connected twice: called twice per emission, from one frame per emission.
            assert.deepEqual(numbers, [42, 42, 1, 1, 0, 0]);
            assert.deepEqual(client.sentOfType(Type.connectToSignal), [{ type: Type.connectToSignal, object: 'signals', signal: NUMBER }]);
            assert.equal(signalFrames(client, 'signals').length, 3);
        });

        test('every connected client receives each emission; others are sent nothing', async (t) => {
            const room = openRoom(t);
            const clients = [await room.connect(flavour), await room.connect(flavour)];
            const bystander = await room.connect(flavour);
            // As Qt's multi-client test: each client answers the ping with a call.
            const pongs = [];
            for (const [index, client] of clients.entries()) {
                client.objects.signals.pinged.connect(() => pongs.push(client.objects.calls.note(`pong ${index}`)));
                // Connections are separate: a round trip proves this one's connect arrived.
                await client.barrier();
            }
            const bystanderMark = bystander.received.length;
            await clients[0].settle(clients[0].objects.signals.ping(), 'ping()');
            await clients[1].until(() => pongs.length === 2, 'the second client\'s ping');
            await clients[0].settle(Promise.all(pongs), 'both pongs');
            const notes = await clients[0].settle(clients[0].objects.calls.notes(), 'notes()');
            assert.deepEqual([...notes].sort(), ['pong 0', 'pong 1']);
            await bystander.barrier();
            assert.deepEqual(signalFrames(bystander, 'signals', bystanderMark), []);
        });

        test('a callback that disconnects itself is not called again, and the client disconnects', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const seen = [];
            const once = (value) => {
                seen.push(value);
                signals.text.disconnect(once);
            };
            signals.text.connect(once);
            await emitText(client, 'first');
            assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), [{ type: Type.disconnectFromSignal, object: 'signals', signal: TEXT }]);
            const mark = client.received.length;
            await emitText(client, 'second');
            assert.deepEqual(seen, ['first']);
            // Signals emitted during a call precede its response: none was sent.
            assert.deepEqual(signalFrames(client, 'signals', mark), []);
        });

        test('disconnecting one of two callbacks keeps the connection', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const first = new CallRecorder();
            const second = new CallRecorder();
            signals.text.connect(first.fn);
            signals.text.connect(second.fn);
            signals.text.disconnect(first.fn);
            await emitText(client, 'kept');
            assert.deepEqual(first.calls, []);
            assert.deepEqual(second.calls, [['kept']]);
            assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), []);
        });

        test('disconnecting a callback connected twice', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const twice = new CallRecorder();
            signals.text.connect(twice.fn);
            signals.text.connect(twice.fn);
            signals.text.disconnect(twice.fn);
            await emitText(client, 'after one disconnect');
            if (flavour === 'qt515') {
                // Qt 5.15 removes one connection; the other stays.
                assert.deepEqual(twice.calls, [['after one disconnect']]);
                assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), []);
            } else {
                // The npm client removes every connection of the callback and disconnects.
                assert.deepEqual(twice.calls, []);
                assert.equal(client.sentOfType(Type.disconnectFromSignal).length, 1);
            }
        });

        test('disconnecting a callback that was never connected', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const stranger = () => {};
            const errors = await capturingConsoleErrors(() => signals.text.disconnect(stranger));
            if (flavour === 'qt515') {
                assert.deepEqual(errors, ['Cannot find connection of signal text to stranger']);
                assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), []);
            } else {
                // The npm client sends a disconnect for a signal it never connected; the
                // server ignores it.
                assert.deepEqual(errors, []);
                assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), [{ type: Type.disconnectFromSignal, object: 'signals', signal: TEXT }]);
            }
            const text = new CallRecorder();
            signals.text.connect(text.fn);
            await emitText(client, 'connected after all');
            assert.deepEqual(text.calls, [['connected after all']]);
        });
    });

    describe(`connecting and disconnecting during delivery with the ${flavour} qwebchannel.js`, () => {
        test('a callback that disconnects itself: the callback after it', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const calls = [];
            const first = (value) => {
                calls.push(`first ${value}`);
                signals.text.disconnect(first);
            };
            signals.text.connect(first);
            signals.text.connect((value) => calls.push(`second ${value}`));
            await emitText(client, 'one');
            if (flavour === 'qt515') {
                // Qt 5.15 splices the list it is iterating: the next callback moves into
                // the slot already visited and misses this emission.
                assert.deepEqual(calls, ['first one']);
            } else {
                // The npm client replaces the list instead: this emission reaches everyone.
                assert.deepEqual(calls, ['first one', 'second one']);
            }
            calls.length = 0;
            await emitText(client, 'two');
            assert.deepEqual(calls, ['second two']);
            assert.deepEqual(client.sentOfType(Type.disconnectFromSignal), []);
        });

        test('a callback that disconnects a later one', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const calls = [];
            const later = (value) => calls.push(`later ${value}`);
            let disconnected = false;
            signals.text.connect((value) => {
                calls.push(`first ${value}`);
                if (!disconnected) {
                    disconnected = true;
                    signals.text.disconnect(later);
                }
            });
            signals.text.connect(later);
            await emitText(client, 'one');
            if (flavour === 'qt515') {
                assert.deepEqual(calls, ['first one']);
            } else {
                // The npm client delivers to the list as it was when the emission arrived.
                assert.deepEqual(calls, ['first one', 'later one']);
            }
            calls.length = 0;
            await emitText(client, 'two');
            assert.deepEqual(calls, ['first two']);
        });

        test('a callback connected during delivery is called from the next emission on', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const calls = [];
            let connected = false;
            signals.text.connect((value) => {
                calls.push(`first ${value}`);
                if (!connected) {
                    connected = true;
                    signals.text.connect((later) => calls.push(`added ${later}`));
                }
            });
            await emitText(client, 'one');
            assert.deepEqual(calls, ['first one']);
            await emitText(client, 'two');
            assert.deepEqual(calls, ['first one', 'first two', 'added two']);
            assert.equal(client.sentOfType(Type.connectToSignal).length, 1);
        });

        test('a callback that connects to another signal during delivery subscribes the client to it', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.objects.signals;
            const counter = new CallRecorder();
            signals.text.connect(() => signals.counter.connect(counter.fn));
            await emitText(client, 'connect now');
            assert.deepEqual(client.sentOfType(Type.connectToSignal).map((frame) => frame.signal), [TEXT, 4]);
            await client.settle(signals.emitCounter(2), 'emitCounter(2)');
            assert.deepEqual(counter.calls, [[1], [2]]);
        });
    });
}

describe('connect requests that name nothing, sent raw', () => {
    /** A raw client past init and idle. */
    async function rawClient(t) {
        const raw = await openRoom(t).raw();
        await raw.request({ type: Type.init, id: 'init' });
        raw.sendJson({ type: Type.idle });
        return raw;
    }

    let nextId = 0;
    /** Calls `signals.emitText(text)` and resolves with the frames received up to its response. */
    async function emitTextRaw(raw, text) {
        nextId += 1;
        const id = `emit-${nextId}`;
        const mark = raw.frames.length;
        await raw.request({ type: Type.invokeMethod, object: 'signals', method: 'emitText', args: [text], id });
        return raw.frames.slice(mark).map((frame) => frame.json);
    }

    test('connecting twice still delivers each emission once', async (t) => {
        const raw = await rawClient(t);
        raw.sendJson({ type: Type.connectToSignal, object: 'signals', signal: TEXT });
        raw.sendJson({ type: Type.connectToSignal, object: 'signals', signal: TEXT });
        const frames = await emitTextRaw(raw, 'once');
        assert.deepEqual(frames.map((frame) => frame.type), [Type.signal, Type.response]);
    });

    test('one disconnect undoes any number of connects', async (t) => {
        const raw = await rawClient(t);
        raw.sendJson({ type: Type.connectToSignal, object: 'signals', signal: TEXT });
        raw.sendJson({ type: Type.connectToSignal, object: 'signals', signal: TEXT });
        raw.sendJson({ type: Type.disconnectFromSignal, object: 'signals', signal: TEXT });
        const frames = await emitTextRaw(raw, 'none');
        assert.deepEqual(frames.map((frame) => frame.type), [Type.response]);
    });

    const ignored = [
        ['an unknown signal index', { type: Type.connectToSignal, object: 'signals', signal: 99 }],
        ['an unknown object', { type: Type.connectToSignal, object: 'nope', signal: TEXT }],
        ['a method index', { type: Type.connectToSignal, object: 'signals', signal: 8 }],
        ['a signal name instead of an index', { type: Type.connectToSignal, object: 'signals', signal: 'text' }],
        ['destroyed, which every client receives anyway', { type: Type.connectToSignal, object: 'signals', signal: 0 }],
        ['a disconnect from a signal never connected', { type: Type.disconnectFromSignal, object: 'signals', signal: TEXT }],
        ['a disconnect from an unknown object', { type: Type.disconnectFromSignal, object: 'nope', signal: 1 }],
    ];
    for (const [label, message] of ignored) {
        test(`${label} is ignored`, async (t) => {
            const raw = await rawClient(t);
            raw.sendJson(message);
            const frames = await emitTextRaw(raw, 'ignored');
            assert.deepEqual(frames.map((frame) => frame.type), [Type.response]);
            // The client can still connect properly.
            raw.sendJson({ type: Type.connectToSignal, object: 'signals', signal: TEXT });
            const after = await emitTextRaw(raw, 'delivered');
            assert.deepEqual(after[0], { type: Type.signal, object: 'signals', signal: TEXT, args: ['delivered'] });
        });
    }

    test('connecting to a notify signal sends no signal: the change comes as a propertyUpdate', async (t) => {
        const raw = await rawClient(t);
        raw.sendJson({ type: Type.connectToSignal, object: 'props', signal: 1 });
        await raw.request({ type: Type.invokeMethod, object: 'props', method: 'countUp', args: [1], id: 'count' });
        await raw.nextJson((frame) => frame.type === Type.propertyUpdate, 'the propertyUpdate');
        assert.deepEqual(raw.frames.map((frame) => frame.json.type).filter((type) => type === Type.signal), []);
    });
});
