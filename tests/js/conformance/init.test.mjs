// The init response: what each registered object's description holds, and what the
// official clients build from it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { openRoom, registeredNames, Type } from '../lib/conformance.mjs';

for (const flavour of clientFlavours) {
    describe(`init with the ${flavour} qwebchannel.js`, () => {
        test('every registered object is published under its name', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(Object.keys(client.initData()).sort(), [...registeredNames].sort());
            // The proxies also include the objects the property values refer to.
            const byName = Object.keys(client.objects).filter((name) => !name.startsWith('{'));
            assert.deepEqual(byName.sort(), [...registeredNames].sort());
        });

        test('a method is listed by name and by Qt signature with one index', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const methods = client.initData().calls.methods;
            const byName = methods.find(([name]) => name === 'add');
            const bySignature = methods.find(([name]) => name === 'add(qlonglong,qlonglong)');
            assert.ok(byName && bySignature, JSON.stringify(methods));
            assert.equal(byName[1], bySignature[1]);
            assert.equal(typeof client.objects.calls.add, 'function');
            assert.equal(typeof client.objects.calls['add(qlonglong,qlonglong)'], 'function');
        });

        test('the property table holds index, name, notify signal and current value', async (t) => {
            const client = await openRoom(t).connect(flavour);
            // [1, i] stands for `<name>Changed`; another name is spelled out; [] is constant.
            assert.deepEqual(client.initData().props.properties, [
                [0, 'count', [1, 1], 0],
                [1, 'label', [1, 2], 'initial'],
                [2, 'level', ['levelAdjusted', 3], 1],
                [3, 'tags', [1, 4], []],
                [4, 'unit', [], 'props'],
            ]);
            const props = client.objects.props;
            assert.deepEqual([props.count, props.label, props.level, props.tags, props.unit], [0, 'initial', 1, [], 'props']);
        });

        test('notify signals are left out of the signal list but can be connected', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(client.initData().props.signals, [['destroyed', 0], ['destroyed()', 0]]);
            for (const notify of ['countChanged', 'labelChanged', 'levelAdjusted', 'tagsChanged']) {
                assert.equal(typeof client.objects.props[notify]?.connect, 'function', notify);
            }
            assert.equal(client.objects.props.unitChanged, undefined, 'a constant property has no notify signal');
        });

        test('plain signals are listed by name and by signature', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const signals = client.initData().signals.signals;
            assert.deepEqual(signals.slice(0, 4), [['destroyed', 0], ['destroyed()', 0], ['flag', 1], ['flag(bool)', 1]]);
            assert.deepEqual(
                signals.find(([name]) => name.startsWith('mixed(')),
                ['mixed(bool,qlonglong,double,QString,QVariantList,QString,QVariantMap)', 5],
            );
        });

        test('the enums table is copied onto the proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(client.initData().fan.enums, {
                Mode: { Off: 0, On: 1, Auto: 5, Boost: 6 },
                Direction: { Reverse: -1, Still: 0, Forward: 1 },
            });
            assert.equal(client.objects.fan.Mode.Auto, 5);
            assert.equal(client.objects.fan.Direction.Reverse, -1);
        });

        test('only what the objects annotate is published', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { calls, props, lobby } = client.objects;
            // Qt would publish QObject's slots (deleteLater) and objectName too.
            assert.equal(calls.deleteLater, undefined);
            assert.equal(calls.objectName, undefined);
            // A setter makes its property writable; it is not a method of its own.
            assert.equal(props.setCount, undefined);
            // Neither is the disconnect hook.
            assert.equal(lobby.sessionEnded, undefined);
        });

        test('a second init is answered with the current values', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            assert.equal(await client.settle(client.objects.props.countUp(2), 'countUp(2)'), 2);
            const response = await client.exec({ type: Type.init });
            assert.deepEqual(response.data.props.properties[0], [0, 'count', [1, 1], 2]);
        });
    });
}

describe('init ids', () => {
    for (const [label, id] of [['a number', 7], ['a string', 'init-1'], ['zero', 0]]) {
        test(`an init id that is ${label} is echoed as sent`, async (t) => {
            const raw = await openRoom(t).raw();
            const response = await raw.request({ type: Type.init, id });
            assert.equal(response.id, id);
            assert.deepEqual(Object.keys(response.data).sort(), [...registeredNames].sort());
        });
    }
});
