// Objects as values: returned alone, in lists and options; held in properties (a list, an
// option, a map, a registered object) and carried by signals; passed back in both shapes
// the clients send; embedded in other arguments; and destroyed. Each client may only use
// the objects it was sent.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Calls `factory.<method>(...args)`, bounded. */
function factory(client, method, ...args) {
    return client.settle(client.objects.factory[method](...args), `factory.${method}`);
}

/** Whether `frame` mentions object `id` anywhere. */
function mentions(frame, id) {
    return JSON.stringify(frame).includes(JSON.stringify(id));
}

/** How many times the frames received describe object `id` (a reference with `data`). */
function descriptionsOf(client, id) {
    let count = 0;
    const visit = (value) => {
        if (Array.isArray(value)) {
            value.forEach(visit);
        } else if (value !== null && typeof value === 'object') {
            if (value['__QObject*__'] === true && value.id === id && 'data' in value) {
                count += 1;
            }
            Object.values(value).forEach(visit);
        }
    };
    client.received.forEach(visit);
    return count;
}

/** Drops `widget` from the factory and waits until the client has been sent its `destroyed`. */
async function dropAndAwaitDestroyed(client, widget) {
    const id = widget.__id__;
    assert.equal(await factory(client, 'dropWidget', widget), true);
    await client.waitForFrame((frame) => frame.type === Type.signal && frame.object === id && frame.signal === 0, `destroyed of ${id}`);
    return id;
}

/** Whether `frame` is the `destroyed` signal of object `id`. */
function isDestroyed(id) {
    return (frame) => frame.type === Type.signal && frame.object === id && frame.signal === 0;
}

/** Where in `client.received` the response to request `id` is. */
function responseAt(client, id) {
    return client.received.findIndex((frame) => frame.type === Type.response && frame.id === id);
}

/** Where in `client.received` the `destroyed` of object `id` is. */
function destroyedAt(client, id) {
    return client.received.findIndex(isDestroyed(id));
}

/** What this flavour sends for an object passed as an argument. */
function sentShape(flavour, id) {
    // Qt 5.15 writes `{id}` itself; the npm client's QObject.toJSON adds the marker.
    return flavour === 'qt515' ? { id } : { '__QObject*__': true, id };
}

/** The error of `factory.<method>` for argument `name`, what it expects and what was sent. */
const mustBe = (method, name, expected, got) => `factory.${method}: argument 1 (${name}) must be ${expected}; got ${got}`;

/** The error of `factory.nameOf` for an id this client does not know. */
const unknownWidget = (id) => `factory.nameOf: argument 1 (widget): no object with id ${JSON.stringify(id)} is known to this client`;

for (const flavour of clientFlavours) {
    describe(`objects as values with the ${flavour} qwebchannel.js`, () => {
        test('a returned object becomes a live proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'w1');
            assert.equal(widget.name, 'w1');
            assert.equal(widget.value, 0);
            assert.equal(client.objects[widget.__id__], widget);
            assert.equal(await client.settle(widget.poke(), 'poke()'), 1);
            await client.until(() => widget.value === 1, 'the widget\'s value update');
        });

        test('a returned object is described the first time only, and is the same proxy after', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'w1');
            assert.ok('data' in client.responseFrame(client.lastRequestId()).data, 'the first response describes it');
            const again = await factory(client, 'find', 'w1');
            assert.equal(again, widget);
            assert.deepEqual(client.responseFrame(client.lastRequestId()).data, { '__QObject*__': true, id: widget.__id__ });
            await client.barrier();
            assert.equal(descriptionsOf(client, widget.__id__), 1);
        });

        test('another client is sent the description the first time it sees the object', async (t) => {
            const room = openRoom(t);
            const maker = await room.connect(flavour);
            const other = await room.connect(flavour);
            const made = await factory(maker, 'createPrivate', 'private');
            const found = await factory(other, 'find', 'private');
            assert.equal(found.__id__, made.__id__);
            assert.equal(found.name, 'private');
            assert.equal(descriptionsOf(other, made.__id__), 1);
            assert.equal(await other.settle(found.poke(), 'poke() by the other client'), 1);
        });

        test('an object returned to a call nobody awaits still becomes a proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const mark = client.received.length;
            client.objects.factory.create('unawaited');
            const response = await client.waitForFrame((frame) => frame.type === Type.response, 'the response', mark);
            const widget = client.objects[response.data.id];
            assert.equal(widget?.name, 'unawaited');
        });

        test('the same object sent to two clients signals to both', async (t) => {
            const room = openRoom(t);
            const clients = [await room.connect(flavour), await room.connect(flavour)];
            const widgets = [await factory(clients[0], 'createPrivate', 'shared'), await factory(clients[1], 'find', 'shared')];
            const poked = widgets.map((widget) => {
                const recorder = new CallRecorder();
                widget.poked.connect(recorder.fn);
                return recorder;
            });
            await clients[1].barrier();
            await clients[0].settle(widgets[0].poke(), 'poke()');
            await clients[1].until(() => poked[1].calls.length === 1, 'the signal at the second client');
            assert.deepEqual(poked.map((recorder) => recorder.calls), [[[1]], [[1]]]);
        });

        test('an object passed back as an argument is the same object on the server', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'passed');
            assert.equal(await factory(client, 'nameOf', widget), 'passed');
            const request = client.sentOfType(Type.invokeMethod).at(-1);
            assert.deepEqual(request.args, [sentShape(flavour, widget.__id__)]);
        });

        test('both shapes of an object argument are accepted from any client', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'shapes');
            for (const shape of [{ id: widget.__id__ }, { '__QObject*__': true, id: widget.__id__ }]) {
                const response = await client.invoke('factory', 'nameOf', [shape]);
                assert.equal(response.data, 'shapes', JSON.stringify(shape));
            }
        });

        test('a registered object passed as an argument', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await factory(client, 'gaugeUnit', client.objects.otherProps), 'otherProps');
        });

        test('objects returned in a list', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widgets = await factory(client, 'createMany', ['a', 'b', 'c']);
            assert.deepEqual(widgets.map((widget) => widget.name), ['a', 'b', 'c']);
            assert.equal(new Set(widgets.map((widget) => widget.__id__)).size, 3);
        });

        test('an optional object is null or a proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await factory(client, 'find', 'missing'), null);
            const widget = await factory(client, 'create', 'present');
            assert.equal(await factory(client, 'find', 'present'), widget);
        });

        test('objects inside a list property are the proxies of those objects', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const first = await factory(client, 'create', 'first');
            const second = await factory(client, 'create', 'second');
            await client.until(() => client.objects.factory.widgets.length === 2, 'the widgets property');
            assert.equal(client.objects.factory.widgets[0], first);
            assert.equal(client.objects.factory.widgets[1], second);
        });

        test('a list property with objects is described to a client that connects later', async (t) => {
            const room = openRoom(t);
            const maker = await room.connect(flavour);
            await factory(maker, 'createMany', ['x', 'y']);
            const later = await room.connect(flavour);
            assert.deepEqual(later.objects.factory.widgets.map((widget) => widget.name), ['x', 'y']);
        });

        test('an object inside a map property', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const embedded = client.objects.factory.objectMap.subObject;
            assert.equal(embedded.name, 'embedded');
            assert.equal(client.objects[embedded.__id__], embedded);
            assert.equal(await client.settle(embedded.poke(), 'poke() of the embedded object'), 1);
        });

        test('a property referring to a registered object is that object\'s proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { factory: source, props, otherProps } = client.objects;
            assert.equal(source.otherObject, props);
            await client.settle(source.switchObject(), 'switchObject()');
            await client.until(() => source.otherObject === otherProps, 'otherObject to become otherProps');
        });

        test('writing an object to a property', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const widget = await factory(client, 'create', 'current');
            const mark = client.received.length;
            client.objects.factory.current = widget;
            assert.deepEqual(client.sentOfType(Type.setProperty).at(-1).value, sentShape(flavour, widget.__id__));
            await client.waitForFrame((frame) => frame.type === Type.propertyUpdate, 'the current update', mark);
            assert.equal(client.objects.factory.current, widget);
            const later = await room.connect(flavour);
            assert.equal(later.objects.factory.current.name, 'current');
        });

        test('writing null to an optional object property clears it', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            client.objects.factory.current = await factory(client, 'create', 'current');
            const watcher = await room.connect(flavour);
            await watcher.until(() => watcher.objects.factory.current !== null, 'current to be set');
            client.objects.factory.current = null;
            await client.barrier();
            await watcher.barrier();
            assert.equal(watcher.objects.factory.current, null);
        });

        test('a signal carrying an object announces it to a client that has not seen it', async (t) => {
            const room = openRoom(t);
            const maker = await room.connect(flavour);
            const watcher = await room.connect(flavour);
            const made = new CallRecorder();
            watcher.objects.factory.made.connect(made.fn);
            await watcher.barrier();
            await factory(maker, 'create', 'announced');
            await watcher.until(() => made.calls.length === 1, 'the made signal');
            const [[widget]] = made.calls;
            assert.equal(widget.name, 'announced');
            assert.equal(await watcher.settle(widget.poke(), 'poke() from the signal\'s proxy'), 1);
        });

        test('a returned object\'s property is written from the client', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'writable');
            widget.value = 42;
            assert.equal(await client.settle(widget.poke(), 'poke()'), 43);
            await client.until(() => widget.value === 43, 'the value update');
        });

        test('a returned object\'s signal is connected by its id', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'signalling');
            const poked = new CallRecorder();
            widget.poked.connect(poked.fn);
            assert.deepEqual(client.sentOfType(Type.connectToSignal).at(-1), { type: Type.connectToSignal, object: widget.__id__, signal: 2 });
            await client.settle(widget.poke(), 'poke()');
            assert.deepEqual(poked.calls, [[1]]);
        });

        test('changes of an object reach only the clients that know it', async (t) => {
            const room = openRoom(t);
            const owner = await room.connect(flavour);
            const stranger = await room.connect(flavour);
            const widget = await factory(owner, 'createPrivate', 'mine');
            const mark = stranger.received.length;
            await owner.settle(widget.poke(), 'poke()');
            await owner.until(() => widget.value === 1, 'the owner\'s update');
            await stranger.barrier();
            assert.deepEqual(stranger.received.slice(mark).filter((frame) => mentions(frame, widget.__id__)), []);
        });

        test('objects embedded in a list and in a struct argument', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'inner');
            const call = () => client.objects.factory.embeddedNames([widget, { obj: widget, label: 'label' }]);
            if (flavour === 'qt515') {
                // Qt 5.15's client converts top-level object arguments only; inside a list it
                // sends the proxy's own fields, which name no object.
                const { response } = await client.rejection(call, 'embeddedNames');
                assertRefused(response, mustBe('embeddedNames', 'pair', 'an array of 2 values', 'an array'));
            } else {
                assert.deepEqual(await client.settle(call(), 'embeddedNames'), ['inner', 'inner', 'label']);
            }
        });

        test('a list of objects as an argument', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widgets = await factory(client, 'createMany', ['one', 'two']);
            const call = () => client.objects.factory.namesOf(widgets);
            if (flavour === 'qt515') {
                const { response } = await client.rejection(call, 'namesOf');
                assertRefused(response, mustBe('namesOf', 'widgets', 'an array of Widget objects', 'an array'));
            } else {
                assert.deepEqual(await client.settle(call(), 'namesOf'), ['one', 'two']);
            }
        });
    });

    describe(`destroyed objects with the ${flavour} qwebchannel.js`, () => {
        test('dropping an object sends destroyed; the client empties its proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'doomed');
            const destroyed = new CallRecorder();
            widget.destroyed.connect(destroyed.fn);
            const id = await dropAndAwaitDestroyed(client, widget);
            assert.deepEqual(destroyed.calls, [[]]);
            assert.equal(client.objects[id], undefined);
            assert.deepEqual(Object.keys(widget), []);
            assert.equal(JSON.stringify(widget), '{}');
        });

        test('an object dropped during a call is destroyed after the call\'s response', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'doomed');
            // The widget is now in the factory's `widgets` property, sent in an update.
            await client.until(() => client.objects.factory.widgets.length === 1, 'the widgets update');
            const id = widget.__id__;
            const mark = client.received.length;
            assert.equal(await factory(client, 'dropWidget', widget), true);
            await client.waitForFrame(isDestroyed(id), 'destroyed', mark);
            const frames = client.received.slice(mark);
            assert.equal(frames[0]?.type, Type.response);
            assert.deepEqual(frames[1], { type: Type.signal, object: id, signal: 0 });
        });

        test('an object nobody keeps is destroyed once it has been sent', async (t) => {
            const client = await openRoom(t).connect(flavour);
            let seen;
            client.objects.factory.createUnkept('brief', (widget) => {
                seen = { id: widget.__id__, name: widget.name, widget };
            });
            await client.until(() => seen, 'the callback of createUnkept');
            assert.equal(seen.name, 'brief');
            await client.waitForFrame((frame) => frame.type === Type.signal && frame.object === seen.id && frame.signal === 0, 'destroyed');
            assert.equal(client.objects[seen.id], undefined);
            assert.deepEqual(Object.keys(seen.widget), []);
        });

        test('destroyed reaches every client that knows the object, and no other', async (t) => {
            const room = openRoom(t);
            const owner = await room.connect(flavour);
            const knower = await room.connect(flavour);
            const stranger = await room.connect(flavour);
            const widget = await factory(owner, 'createPrivate', 'shared');
            const id = widget.__id__;
            const known = await factory(knower, 'find', 'shared');
            const strangerMark = stranger.received.length;
            await factory(owner, 'dropWidget', widget);
            await knower.waitForFrame((frame) => frame.type === Type.signal && frame.object === id, 'destroyed at the other client');
            assert.deepEqual(Object.keys(known), []);
            await stranger.barrier();
            assert.deepEqual(stranger.received.slice(strangerMark).filter((frame) => mentions(frame, id)), []);
        });

        test('a call to a destroyed object is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const id = await dropAndAwaitDestroyed(client, await factory(client, 'create', 'gone'));
            assertRefused(await client.invoke(id, 'poke'), `no object named ${JSON.stringify(id)}`);
        });

        test('a destroyed proxy passed as an argument is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'emptied');
            await dropAndAwaitDestroyed(client, widget);
            // Both clients send an emptied proxy as `{}`.
            const { response } = await client.rejection(() => client.objects.factory.nameOf(widget), 'nameOf(destroyed)');
            assert.deepEqual(client.sentOfType(Type.invokeMethod).at(-1).args, [{}]);
            assertRefused(response, mustBe('nameOf', 'widget', 'a Widget object', '{}'));
        });

        test('the id of a destroyed object passed as an argument is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const id = await dropAndAwaitDestroyed(client, await factory(client, 'create', 'forgotten'));
            const response = await client.invoke('factory', 'nameOf', [{ id }]);
            assertRefused(response, unknownWidget(id));
        });
    });

    describe(`objects that let themselves go, with the ${flavour} qwebchannel.js`, () => {
        /** A new item made by `client`, and the same item as `other` finds it. */
        async function sharedItem(client, other, name) {
            const item = await factory(client, 'createItem', name);
            const known = await factory(other, 'findItem', name);
            assert.equal(known.__id__, item.__id__);
            return [item, known];
        }

        test('a method returns its own object, and a signal carries it', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const item = await factory(client, 'createItem', 'self');
            assert.equal(await client.settle(item.itself(), 'itself()'), item);
            const announced = new CallRecorder();
            item.announced.connect(announced.fn);
            await client.settle(item.announce(), 'announce()');
            assert.deepEqual(announced.calls, [[item]]);
        });

        test('release() drops the last handle inside the call: the Promise resolves, destroyed follows', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const other = await room.connect(flavour);
            const [item, known] = await sharedItem(client, other, 'released');
            const id = item.__id__;
            const destroyed = new CallRecorder();
            item.destroyed.connect(destroyed.fn);
            assert.equal(await client.settle(item.release(), 'release()'), true);
            await client.waitForFrame(isDestroyed(id), 'destroyed');
            assert.ok(responseAt(client, client.lastRequestId()) < destroyedAt(client, id), 'the response comes first');
            assert.deepEqual(destroyed.calls, [[]]);
            assert.equal(client.objects[id], undefined);
            assert.deepEqual(Object.keys(item), []);
            await other.waitForFrame(isDestroyed(id), 'destroyed at the other client');
            assert.deepEqual(Object.keys(known), []);
            assert.deepEqual(client.clientErrors, []);
            assert.deepEqual(other.clientErrors, []);
        });

        test('a call in flight on the object keeps it until the call is answered', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const other = await room.connect(flavour);
            const [item, known] = await sharedItem(client, other, 'busy');
            const id = item.__id__;
            const waiting = known.wait(`busy-${flavour}`);
            const waitId = other.lastRequestId();
            // Calls start in order: once the barrier is answered, `wait` runs.
            await other.barrier();
            assert.equal(await client.settle(item.release(), 'release()'), true);
            await client.barrier();
            assert.equal(destroyedAt(client, id), -1, 'destroyed before the other client\'s call was answered');
            await client.settle(client.objects.control.open(`busy-${flavour}`), 'control.open()');
            assert.equal(await other.settle(waiting, 'wait()'), 'busy');
            await other.waitForFrame(isDestroyed(id), 'destroyed at the other client');
            assert.ok(responseAt(other, waitId) < destroyedAt(other, id), 'the other client\'s response comes first');
            await client.waitForFrame(isDestroyed(id), 'destroyed');
            assert.deepEqual(other.clientErrors, []);
            assert.deepEqual(client.clientErrors, []);
        });

        test('a call sent right after release() is refused, and nothing throws', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const item = await factory(client, 'createItem', 'twice');
            const id = item.__id__;
            const released = item.release();
            const releaseId = client.lastRequestId();
            const { response } = await client.rejection(() => item.itself(), 'itself() after release()');
            assert.equal(await client.settle(released, 'release()'), true);
            assertRefused(response, `no object named ${JSON.stringify(id)}`);
            await client.waitForFrame(isDestroyed(id), 'destroyed');
            assert.ok(responseAt(client, releaseId) < destroyedAt(client, id));
            assert.deepEqual(client.clientErrors, []);
        });

        test('a setter that drops its object: destroyed arrives, and nothing about the object after it', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            const other = await room.connect(flavour);
            const [item, known] = await sharedItem(client, other, 'unkept');
            const id = item.__id__;
            item.kept = false;
            await client.waitForFrame(isDestroyed(id), 'destroyed');
            await other.waitForFrame(isDestroyed(id), 'destroyed at the other client');
            await client.barrier();
            await other.barrier();
            for (const each of [client, other]) {
                const after = each.received.slice(destroyedAt(each, id) + 1);
                assert.deepEqual(after.filter((frame) => mentions(frame, id)), []);
                assert.deepEqual(after.filter((frame) => frame.type === Type.propertyUpdate && frame.data.length === 0), [], 'an empty update');
                assert.deepEqual(each.clientErrors, []);
            }
            assert.deepEqual(Object.keys(known), []);
        });
    });

    describe(`objects of any type and free-form values, with the ${flavour} qwebchannel.js`, () => {
        test('any object, registered or created, is taken as Qt\'s QObject*', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'anything');
            assert.equal(await factory(client, 'describe', client.objects.props), 'props registered Gauge');
            assert.equal(await factory(client, 'describe', widget), `${widget.__id__} created Widget`);
            const request = client.sentOfType(Type.invokeMethod).at(-1);
            assert.deepEqual(request.args, [sentShape(flavour, widget.__id__)]);
        });

        test('any object becomes a typed handle when its type matches', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'typed');
            assert.equal(await factory(client, 'widgetName', widget), 'typed');
            assert.equal(await factory(client, 'widgetName', client.objects.props), null);
        });

        test('an object passed as a free-form value comes back as the same proxy', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'echoed');
            assert.equal(await factory(client, 'echo', widget), widget);
            assert.equal(await factory(client, 'echo', client.objects.props), client.objects.props);
        });

        test('free-form values carry objects at any depth', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const widget = await factory(client, 'create', 'deep');
            const value = { note: 'x', widget, list: [widget, client.objects.props, 1, null] };
            const echoed = await factory(client, 'echo', value);
            if (flavour === 'qt515') {
                // Qt 5.15's client sends the fields of a proxy nested in a value, which
                // name no object: they come back as the plain map they are.
                assert.equal(echoed.widget.__id__, widget.__id__);
                assert.notEqual(echoed.widget, widget);
            } else {
                assert.equal(echoed.note, 'x');
                assert.equal(echoed.widget, widget);
                assert.deepEqual(echoed.list, [widget, client.objects.props, 1, null]);
            }
        });

        test('a free-form result announces a new object, which works', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const bundle = await factory(client, 'bundle', 'bundled');
            assert.equal(bundle.count, 1);
            assert.equal(bundle.gauge, client.objects.props);
            assert.equal(bundle.widget.name, 'bundled');
            assert.equal(await client.settle(bundle.widget.poke(), 'poke() of the bundled widget'), 1);
        });

        test('a map with an id is an object only when it is a reference to one', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await factory(client, 'echo', { id: 'no such object' }), { id: 'no such object' });
            assert.deepEqual(await factory(client, 'echo', { id: 'props', label: 'more' }), { id: 'props', label: 'more' });
            assert.equal(await factory(client, 'echo', { id: 'props' }), client.objects.props);
        });

        test('what is no object, or no object this client knows, is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.factory.describe('props'), 'describe("props")');
            assertRefused(response, 'factory.describe: argument 1 (object) must be a published object; got "props"');
            const unknown = await client.invoke('factory', 'echo', [{ deep: [{ '__QObject*__': true, id: '{webchannel:0}' }] }]);
            assertRefused(unknown, 'factory.echo: argument 1 (value): no object with id "{webchannel:0}" is known to this client');
        });
    });

    describe(`objects a client may not use, with the ${flavour} qwebchannel.js`, () => {
        test('a call to an object the client was never sent is refused', async (t) => {
            const room = openRoom(t);
            const owner = await room.connect(flavour);
            const stranger = await room.connect(flavour);
            const widget = await factory(owner, 'createPrivate', 'not yours');
            assertRefused(await stranger.invoke(widget.__id__, 'poke'), `no object named ${JSON.stringify(widget.__id__)}`);
            assert.equal(widget.value, 0);
        });

        test('an object the client was never sent, passed as an argument, is refused', async (t) => {
            const room = openRoom(t);
            const owner = await room.connect(flavour);
            const stranger = await room.connect(flavour);
            const widget = await factory(owner, 'createPrivate', 'not yours');
            const response = await stranger.invoke('factory', 'nameOf', [{ '__QObject*__': true, id: widget.__id__ }]);
            assertRefused(response, unknownWidget(widget.__id__));
        });

        test('connecting to a signal of an object the client was never sent is ignored', async (t) => {
            const room = openRoom(t);
            const owner = await room.connect(flavour);
            const stranger = await room.connect(flavour);
            const widget = await factory(owner, 'createPrivate', 'not yours');
            stranger.send({ type: Type.connectToSignal, object: widget.__id__, signal: 2 });
            await stranger.barrier();
            const mark = stranger.received.length;
            await owner.settle(widget.poke(), 'poke()');
            await stranger.barrier();
            assert.deepEqual(stranger.received.slice(mark).filter((frame) => mentions(frame, widget.__id__)), []);
        });

        test('an object of the wrong type is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.factory.nameOf(client.objects.props), 'nameOf(props)');
            assertRefused(response, 'factory.nameOf: argument 1 (widget): object "props" is of type Gauge, not Widget');
        });

        test('a plain value where an object is expected is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const { response } = await client.rejection(() => client.objects.factory.nameOf('w1'), 'nameOf("w1")');
            assertRefused(response, mustBe('nameOf', 'widget', 'a Widget object', '"w1"'));
        });

        test('an id that names no object is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const response = await client.invoke('factory', 'nameOf', [{ id: '{webchannel:0}' }]);
            assertRefused(response, unknownWidget('{webchannel:0}'));
        });
    });
}
