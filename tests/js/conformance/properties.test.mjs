// Properties: the client's cache and notify callbacks, writes from the client, grouping of
// changes into one propertyUpdate, bindable properties (no notify signal), the idle
// handshake, held updates, the update interval, and writes the server refuses.

import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** The server's own view of `props` (or `otherProps`), bypassing the client's cache. */
function snapshot(client, name = 'props') {
    return client.settle(client.objects[name].snapshot(), `${name}.snapshot()`);
}

/** Waits for the next propertyUpdate received after position `from`. */
function nextUpdate(client, from) {
    return client.waitForFrame((frame) => frame.type === Type.propertyUpdate, 'a propertyUpdate', from);
}

const initialProps = { count: 0, label: 'initial', level: 1, tags: [], unit: 'props' };

for (const flavour of clientFlavours) {
    describe(`properties with the ${flavour} qwebchannel.js`, () => {
        test('a change made by another client reaches the cache, and the notify callback sees it', async (t) => {
            const room = openRoom(t);
            const watcher = await room.connect(flavour);
            const changer = await room.connect(flavour);
            const props = watcher.objects.props;
            const seen = [];
            props.countChanged.connect((...args) => seen.push({ args, cached: props.count }));
            assert.equal(props.count, 0);
            assert.equal(await changer.settle(changer.objects.props.countUp(3), 'countUp(3)'), 3);
            await watcher.until(() => seen.at(-1)?.args[0] === 3, () => `countChanged(3); seen ${JSON.stringify(seen)}`);
            // Values are read when the update is sent: the cache never shows an older one.
            assert.ok(seen.every(({ cached }) => cached === 3), JSON.stringify(seen));
            assert.equal(props.count, 3);
        });

        test('notify callbacks receive the notify signal\'s arguments', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const props = client.objects.props;
            const count = new CallRecorder();
            const label = new CallRecorder();
            props.countChanged.connect(count.fn);
            props.labelChanged.connect(label.fn);
            await client.settle(props.countUp(2), 'countUp(2)');
            await client.until(() => count.calls.length > 0 && label.calls.length > 0, 'both notify callbacks');
            assert.deepEqual(count.calls, [[2]]);
            assert.deepEqual(label.calls, [[]]);
        });

        test('a notify signal with its own name is connected by that name', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const props = client.objects.props;
            const adjusted = new CallRecorder();
            props.levelAdjusted.connect(adjusted.fn);
            props.level = 7;
            await client.until(() => adjusted.calls.length > 0, 'levelAdjusted');
            assert.deepEqual(adjusted.calls, [[7]]);
        });

        test('a write from the client changes the server, and the update comes back to the writer', async (t) => {
            const room = openRoom(t);
            const writer = await room.connect(flavour);
            const other = await room.connect(flavour);
            const label = new CallRecorder();
            writer.objects.props.labelChanged.connect(label.fn);
            writer.objects.props.label = 'from the client';
            // The client updates its cache at once and sends setProperty, which has no reply.
            assert.equal(writer.objects.props.label, 'from the client');
            assert.deepEqual(writer.sentOfType(Type.setProperty), [
                { type: Type.setProperty, object: 'props', property: 1, value: 'from the client' },
            ]);
            await writer.until(() => label.calls.length === 1, 'labelChanged at the writer');
            assert.equal((await snapshot(writer)).label, 'from the client');
            await other.until(() => other.objects.props.label === 'from the client', 'the label at the other client');
        });

        test('many changes in one call go out as one propertyUpdate with the last values', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const mark = client.received.length;
            assert.equal(await client.settle(client.objects.props.countUp(10), 'countUp(10)'), 10);
            const update = await nextUpdate(client, mark);
            await client.barrier();
            assert.equal(client.receivedOfType(Type.propertyUpdate, mark).length, 1);
            assert.deepEqual(update, {
                type: Type.propertyUpdate,
                data: [{ object: 'props', signals: { 1: [10], 2: [] }, properties: { 0: 10, 1: 'step 10' } }],
            });
            assert.equal(client.objects.props.count, 10);
            assert.equal(client.objects.props.label, 'step 10');
        });

        test('changes to two objects in one call go out as one propertyUpdate', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const updates = new CallRecorder();
            client.objects.props.countChanged.connect(updates.fn);
            client.objects.otherProps.countChanged.connect(updates.fn);
            const mark = client.received.length;
            await client.settle(client.objects.control.changeBoth(10), 'changeBoth(10)');
            const update = await nextUpdate(client, mark);
            await client.barrier();
            assert.equal(client.receivedOfType(Type.propertyUpdate, mark).length, 1);
            const changed = { signals: { 1: [10], 2: [] }, properties: { 0: 10, 1: 'both 10' } };
            assert.deepEqual(update.data, [{ object: 'props', ...changed }, { object: 'otherProps', ...changed }]);
            assert.deepEqual(updates.calls, [[10], [10]]);
        });

        test('the update follows the response of the call that made the change', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const mark = client.received.length;
            await client.settle(client.objects.props.addTag('first'), 'addTag');
            await nextUpdate(client, mark);
            assert.deepEqual(client.received.slice(mark).map((frame) => frame.type), [Type.response, Type.propertyUpdate]);
            assert.deepEqual(client.objects.props.tags, ['first']);
        });

        test('a constant property has no notify signal, and a write to it changes nothing on the server', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            client.objects.props.unit = 'written';
            // qwebchannel.js keeps what it wrote; nothing will ever correct a constant.
            assert.equal(client.objects.props.unit, 'written');
            assert.equal((await snapshot(client)).unit, 'props');
            const later = await room.connect(flavour);
            assert.equal(later.objects.props.unit, 'props');
        });

        test('a read-only property written from the client is unchanged; the next update restores the cache', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const props = client.objects.props;
            props.tags = ['forged'];
            assert.deepEqual(props.tags, ['forged']);
            assert.deepEqual((await snapshot(client)).tags, []);
            await client.settle(props.addTag('real'), 'addTag');
            await client.until(() => props.tags.length === 1 && props.tags[0] === 'real', 'tags restored');
        });

        test('a setter that refuses the value changes nothing', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const props = client.objects.props;
            props.level = 11;
            assert.equal(props.level, 11);
            assert.equal((await snapshot(client)).level, 1);
            await client.settle(props.republish(), 'republish()');
            await client.until(() => props.level === 1, 'level restored');
        });

        describe('a value of the wrong type changes nothing; the next update restores the cache', () => {
            const wrongValues = [
                ['a string for an integer', 'count', 'not a number'],
                ['a fraction for an integer', 'count', 1.5],
                ['null for an integer', 'count', null],
                ['an object for an integer', 'count', { value: 1 }],
                ['a number for a string', 'label', 42],
                ['a list for a string', 'label', ['a']],
                ['300 for a u8', 'level', 300],
                ['-1 for a u8', 'level', -1],
            ];
            for (const [label, property, value] of wrongValues) {
                test(label, async (t) => {
                    const client = await openRoom(t).connect(flavour);
                    const props = client.objects.props;
                    props[property] = value;
                    assert.deepEqual(props[property], value);
                    assert.deepEqual(await snapshot(client), initialProps);
                    await client.settle(props.republish(), 'republish()');
                    await client.until(() => props[property] === initialProps[property], `${property} restored`);
                });
            }
        });
    });
}

for (const flavour of clientFlavours) {
    describe(`a bindable property (no notify signal) with the ${flavour} qwebchannel.js`, () => {
        /** The next update about `dial`, received after position `from`. */
        function dialUpdate(client, from) {
            return client.waitForFrame(
                (frame) => frame.type === Type.propertyUpdate && frame.data.some((data) => data.object === 'dial'),
                'a propertyUpdate of dial',
                from,
            );
        }

        test('it is described with an empty notify', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(client.initData().dial.properties, [[0, 'level', [], 0]]);
            assert.equal(client.objects.dial.level, 0);
        });

        test('a write from JavaScript reaches every client\'s cache, with an empty signals map', async (t) => {
            const room = openRoom(t);
            const writer = await room.connect(flavour);
            const watcher = await room.connect(flavour);
            const mark = watcher.received.length;
            writer.objects.dial.level = 40;
            assert.deepEqual(writer.sentOfType(Type.setProperty).at(-1), { type: Type.setProperty, object: 'dial', property: 0, value: 40 });
            const update = await dialUpdate(watcher, mark);
            assert.deepEqual(update.data, [{ object: 'dial', signals: {}, properties: { 0: 40 } }]);
            assert.equal(watcher.objects.dial.level, 40);
            await writer.until(() => writer.received.some((frame) => frame.type === Type.propertyUpdate), 'the writer\'s own update');
            assert.equal(writer.objects.dial.level, 40);
        });

        test('a change made by a call reaches every client\'s cache', async (t) => {
            const room = openRoom(t);
            const caller = await room.connect(flavour);
            const watcher = await room.connect(flavour);
            assert.equal(await caller.settle(caller.objects.dial.nudge(7), 'nudge(7)'), 7);
            await watcher.until(() => watcher.objects.dial.level === 7, 'the nudged level');
            await caller.until(() => caller.objects.dial.level === 7, 'the nudged level at the caller');
        });

        test('a change made outside any call reaches every client\'s cache', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const watcher = await room.connect(flavour);
            const mark = watcher.received.length;
            await client.settle(client.objects.control.setDial(64), 'control.setDial(64)');
            const update = await dialUpdate(watcher, mark);
            assert.deepEqual(update.data, [{ object: 'dial', signals: {}, properties: { 0: 64 } }]);
            assert.equal(watcher.objects.dial.level, 64);
        });

        test('a refused write changes nothing and announces nothing', async (t) => {
            const room = openRoom(t);
            const writer = await room.connect(flavour);
            const watcher = await room.connect(flavour);
            const mark = watcher.received.length;
            writer.objects.dial.level = 500;
            await writer.barrier();
            await watcher.barrier();
            assert.deepEqual(watcher.receivedOfType(Type.propertyUpdate, mark), []);
            assert.equal(watcher.objects.dial.level, 0);
            assert.equal(await writer.settle(writer.objects.dial.nudge(0), 'nudge(0)'), 0);
        });
    });
}

describe('setProperty that names nothing', () => {
    const ignored = [
        ['an unknown property index', { type: Type.setProperty, object: 'props', property: 99, value: 1 }],
        ['an unknown object', { type: Type.setProperty, object: 'nope', property: 0, value: 1 }],
        ['no value at all', { type: Type.setProperty, object: 'props', property: 0 }],
        ['a property name instead of an index', { type: Type.setProperty, object: 'props', property: 'count', value: 5 }],
    ];
    for (const [label, message] of ignored) {
        test(`${label} is ignored`, async (t) => {
            const client = await openRoom(t).connect(clientFlavours[0]);
            const mark = client.received.length;
            client.send(message);
            await client.barrier();
            assert.deepEqual(await snapshot(client), initialProps);
            assert.deepEqual(client.received.slice(mark).filter((frame) => frame.type !== Type.response), []);
        });
    }
});

describe('the idle handshake', () => {
    /** A raw client that has sent init and, if `idle`, idle. */
    async function rawClient(room, { idle }) {
        const raw = await room.raw();
        await raw.request({ type: Type.init, id: 'init' });
        if (idle) {
            raw.sendJson({ type: Type.idle });
        }
        return raw;
    }

    let barrierId = 0;
    /** Two round trips: whatever was queued before has arrived. */
    async function rawBarrier(raw) {
        for (let round = 0; round < 2; round += 1) {
            barrierId += 1;
            await raw.request({ type: Type.invokeMethod, object: 'control', method: 'updatesBlocked', args: [], id: `barrier-${barrierId}` });
        }
    }

    const updatesOf = (raw) => raw.frames.filter((frame) => frame.json?.type === Type.propertyUpdate).map((frame) => frame.json);

    test('a client gets no update before its first idle; its idle releases one', async (t) => {
        const room = openRoom(t);
        const raw = await rawClient(room, { idle: false });
        const changer = await room.connect(clientFlavours[0]);
        await changer.settle(changer.objects.props.countUp(2), 'countUp(2)');
        await rawBarrier(raw);
        assert.deepEqual(updatesOf(raw), []);
        raw.sendJson({ type: Type.idle });
        const update = await raw.nextJson((frame) => frame.type === Type.propertyUpdate, 'the update after idle');
        assert.deepEqual(update.data, [{ object: 'props', signals: { 1: [2], 2: [] }, properties: { 0: 2, 1: 'step 2' } }]);
    });

    test('no second update until the client answers the first with idle; then one with the latest values', async (t) => {
        const room = openRoom(t);
        const raw = await rawClient(room, { idle: true });
        const changer = await room.connect(clientFlavours[0]);
        await changer.settle(changer.objects.props.countUp(1), 'countUp(1)');
        await raw.nextJson((frame) => frame.type === Type.propertyUpdate, 'the first update');
        await changer.settle(changer.objects.props.countUp(4), 'countUp(4)');
        await changer.settle(changer.objects.props.addTag('x'), 'addTag');
        await rawBarrier(raw);
        assert.equal(updatesOf(raw).length, 1);
        raw.sendJson({ type: Type.idle });
        await raw.nextJson(() => updatesOf(raw).length === 2, 'the second update');
        assert.deepEqual(updatesOf(raw)[1].data, [{
            object: 'props',
            signals: { 1: [4], 2: [], 4: [] },
            properties: { 0: 4, 1: 'step 4', 3: ['x'] },
        }]);
    });
});

for (const flavour of clientFlavours) {
    describe(`held updates with the ${flavour} qwebchannel.js`, () => {
        test('while updates are held no client gets one; released, they go out coalesced', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const other = await room.connect(flavour);
            const control = client.objects.control;
            await client.settle(control.setUpdatesBlocked(true), 'setUpdatesBlocked(true)');
            const marks = [client.received.length, other.received.length];
            await client.settle(client.objects.props.countUp(1), 'countUp(1)');
            await client.settle(client.objects.props.countUp(2), 'countUp(2)');
            await client.settle(client.objects.props.addTag('held'), 'addTag');
            await client.barrier();
            await other.barrier();
            assert.deepEqual(client.receivedOfType(Type.propertyUpdate, marks[0]), []);
            assert.deepEqual(other.receivedOfType(Type.propertyUpdate, marks[1]), []);
            await client.settle(control.setUpdatesBlocked(false), 'setUpdatesBlocked(false)');
            const expected = [{
                object: 'props',
                signals: { 1: [2], 2: [], 4: [] },
                properties: { 0: 2, 1: 'step 2', 3: ['held'] },
            }];
            for (const [index, each] of [client, other].entries()) {
                const update = await nextUpdate(each, marks[index]);
                assert.deepEqual(update.data, expected);
                await each.barrier();
                assert.equal(each.receivedOfType(Type.propertyUpdate, marks[index]).length, 1);
            }
        });

        test('held updates hold back neither responses nor signals', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await client.settle(client.objects.control.setUpdatesBlocked(true), 'setUpdatesBlocked(true)');
            const text = new CallRecorder();
            client.objects.signals.text.connect(text.fn);
            assert.equal(await client.settle(client.objects.signals.emitText('still here'), 'emitText'), 'returned');
            assert.deepEqual(text.calls, [['still here']]);
            assert.equal(await client.settle(client.objects.control.updatesBlocked(), 'updatesBlocked()'), true);
        });

        test('releasing held updates when nothing changed sends nothing', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const control = client.objects.control;
            const mark = client.received.length;
            await client.settle(control.setUpdatesBlocked(true), 'setUpdatesBlocked(true)');
            await client.settle(control.setUpdatesBlocked(false), 'setUpdatesBlocked(false)');
            await client.barrier();
            assert.deepEqual(client.receivedOfType(Type.propertyUpdate, mark), []);
        });
    });

    describe(`the update interval with the ${flavour} qwebchannel.js`, () => {
        const intervalMs = 300;

        test('an update waits for the interval', async (t) => {
            const client = await openRoom(t, { updateIntervalMs: intervalMs }).connect(flavour);
            const mark = client.received.length;
            const sent = performance.now();
            await client.settle(client.objects.props.countUp(1), 'countUp(1)');
            await nextUpdate(client, mark);
            const elapsed = performance.now() - sent;
            // Only a lower bound: the server cannot send the update before the interval.
            assert.ok(elapsed >= intervalMs - 1, `the update came after ${elapsed} ms`);
        });

        test('changes made within the interval go out together', async (t) => {
            // Long enough that two calls sent together are both handled within it, even on
            // a loaded machine.
            const client = await openRoom(t, { updateIntervalMs: 1000 }).connect(flavour);
            const mark = client.received.length;
            const props = client.objects.props;
            await client.settle(Promise.all([props.countUp(1), props.addTag('together')]), 'two calls');
            const update = await nextUpdate(client, mark);
            assert.deepEqual(update.data, [{
                object: 'props',
                signals: { 1: [1], 2: [], 4: [] },
                properties: { 0: 1, 1: 'step 1', 3: ['together'] },
            }]);
        });
    });
}
