// Values: serde types as JSON. Variant-like values (serde_json::Value) of every JSON type,
// structs, maps, options, tuples and nested lists; dates as ISO 8601 strings; enums as
// numbers.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, CallRecorder, openRoom, Type } from '../lib/conformance.mjs';

/** Calls `<object>.<method>(...args)`, bounded. */
function call(client, object, method, ...args) {
    return client.settle(client.objects[object][method](...args), `${object}.${method}`);
}

/** Calls `<object>.<method>(...args)`, which must fail with exactly `error`. */
async function assertCallRefused(client, object, method, args, error) {
    const { response } = await client.rejection(() => client.objects[object][method](...args), `${object}.${method}`);
    assertRefused(response, error);
}

const variants = [
    ['null', null, 'null'],
    ['true', true, 'bool'],
    ['false', false, 'bool'],
    ['zero', 0, 'integer'],
    ['a negative integer', -17, 'integer'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, 'integer'],
    ['a fraction', 1.5, 'real'],
    ['a negative fraction', -0.25, 'real'],
    ['a huge number', 1e300, 'real'],
    ['an empty string', '', 'string'],
    ['a string with quotes, escapes and emoji', 'say "hi" \\ \n\t 🎈 ünïcødé', 'string'],
    ['an empty list', [], 'array'],
    ['a mixed list', [1, 'a', null, true, [2, [3]], { k: 'v' }], 'array'],
    ['an empty object', {}, 'object'],
    ['a nested object', { nested: { list: [1, { deep: null }], text: 'x' }, n: -1.5 }, 'object'],
];

for (const flavour of clientFlavours) {
    describe(`variant-like values with the ${flavour} qwebchannel.js`, () => {
        for (const [label, value, kind] of variants) {
            test(`${label} goes through a serde_json::Value parameter and result unchanged`, async (t) => {
                const client = await openRoom(t).connect(flavour);
                assert.deepEqual(await call(client, 'values', 'echo', value), value);
                assert.equal(await call(client, 'values', 'kindOf', value), kind);
            });
        }

        for (const [label, value] of variants) {
            test(`${label} written to a serde_json::Value property comes back unchanged`, async (t) => {
                const room = openRoom(t);
                const writer = await room.connect(flavour);
                const watcher = await room.connect(flavour);
                writer.objects.values.anything = value;
                await writer.barrier();
                await watcher.barrier();
                assert.deepEqual(watcher.objects.values.anything, value);
            });
        }

        test('undefined is sent as null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await call(client, 'values', 'kindOf', undefined), 'null');
            assert.deepEqual(client.sentOfType(Type.invokeMethod).at(-1).args, [null]);
        });
    });

    describe(`structs, maps and options with the ${flavour} qwebchannel.js`, () => {
        test('a struct is an object, and None in it is null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await call(client, 'values', 'person'), {
                name: 'Ada', age: 36, email: null, scores: { chess: 1200, go: -3 },
            });
        });

        test('a struct parameter', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const person = { name: 'Grace', age: 85, email: 'grace@example.org', scores: {} };
            assert.equal(await call(client, 'values', 'greet', person), 'Grace (85, grace@example.org)');
            assert.equal(await call(client, 'values', 'greet', { ...person, email: null }), 'Grace (85, no email)');
        });

        test('a struct parameter with a missing field is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'values', 'greet', [{ name: 'Nobody' }],
                'values.greet: argument 1 (person) is not valid; got {"name":"Nobody"}');
        });

        test('a struct parameter with a field of the wrong type is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'values', 'greet', [{ name: 'Old', age: -1, email: null, scores: {} }],
                'values.greet: argument 1 (person) is not valid; got an object');
        });

        test('an untagged enum parameter: a fitting value works, a misfit is refused without serde\'s words', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await call(client, 'values', 'area', { side: 3 }), 9);
            await assertCallRefused(client, 'values', 'area', [{ side: 'x' }],
                'values.area: argument 1 (shape) is not valid; got {"side":"x"}');
        });

        test('a map parameter and result', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await call(client, 'values', 'doubled', { a: 1, b: -2, 'key with spaces': 0 }), {
                a: 2, b: -4, 'key with spaces': 0,
            });
        });

        test('a map with a value of the wrong type is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'values', 'doubled', [{ a: 'x' }],
                'values.doubled: argument 1 (map) must be an object whose values are integers; got {"a":"x"}');
        });

        test('a missing trailing Option argument reads as null', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await call(client, 'values', 'optional'), 'none');
            assert.deepEqual(client.sentOfType(Type.invokeMethod).at(-1).args, []);
            assert.equal(await call(client, 'values', 'optional', null), 'none');
            assert.equal(await call(client, 'values', 'optional', 5), 'some 5');
        });

        test('a tuple is a list; text is counted in Unicode characters', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await call(client, 'values', 'reverse', 'abc🎈é'), [5, 'é🎈cba']);
        });

        test('nested lists', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await call(client, 'values', 'matrix', 3), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
        });
    });

    // Dates are ISO 8601 strings ending in Z. Neither the npm 6.2.0 client nor Qt 5.15's has
    // a Date converter, so they see strings; later Qt 6 clients can opt in to one that reads
    // exactly this form into Date objects.
    describe(`dates with the ${flavour} qwebchannel.js`, () => {
        const moment = '2024-02-29T12:34:56.789Z';
        const momentMillis = 1709210096789;

        test('a date property is an ISO 8601 string in UTC that JavaScript reads as the same instant', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(client.objects.calendar.moment, moment);
            assert.equal(new Date(client.objects.calendar.moment).getTime(), momentMillis);
        });

        test('a date result', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const epoch = await call(client, 'calendar', 'fromMillis', 0);
            assert.equal(epoch, '1970-01-01T00:00:00Z');
            assert.equal(new Date(epoch).getTime(), 0);
            const negative = await call(client, 'calendar', 'fromMillis', -1);
            assert.equal(negative, '1969-12-31T23:59:59.999Z');
            assert.equal(new Date(negative).getTime(), -1);
        });

        test('a Date object as a parameter arrives as its ISO string', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await call(client, 'calendar', 'toMillis', new Date(momentMillis)), momentMillis);
            assert.deepEqual(client.sentOfType(Type.invokeMethod).at(-1).args, [moment]);
        });

        test('a date with an offset is the same instant', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await call(client, 'calendar', 'toMillis', '2024-02-29T13:34:56.789+01:00'), momentMillis);
        });

        test('dates as signal arguments', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const shifted = new CallRecorder();
            client.objects.calendar.shifted.connect(shifted.fn);
            const later = await call(client, 'calendar', 'shift', moment, 3600);
            assert.equal(later, '2024-02-29T13:34:56.789Z');
            assert.deepEqual(shifted.calls, [[moment, later]]);
            assert.equal(new Date(later).getTime() - new Date(moment).getTime(), 3_600_000);
        });

        test('a date written to a property comes back as a string', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const calendar = client.objects.calendar;
            calendar.moment = new Date(0);
            // The client caches what it wrote; the update brings the server's text.
            await client.until(() => calendar.moment === '1970-01-01T00:00:00Z', 'the moment update');
        });

        const mustBeADate = 'calendar.toMillis: argument 1 (date) must be a date in ISO 8601 ("2024-02-29T12:34:56Z")';
        const badDates = [
            ['text that is no date', 'yesterday',
                `${mustBeADate}; got "yesterday"`],
            ['a date without an offset', '2024-02-29T12:34:56',
                `${mustBeADate}; got "2024-02-29T12:34:56"`],
            ['a number', 12345,
                `${mustBeADate}; got 12345`],
        ];
        for (const [label, value, error] of badDates) {
            test(`${label} is refused as a date`, async (t) => {
                const client = await openRoom(t).connect(flavour);
                await assertCallRefused(client, 'calendar', 'toMillis', [value], error);
            });
        }

        test('a date out of range is refused with the method\'s error', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'calendar', 'fromMillis', [1e18],
                'parameter \'Unix timestamp milliseconds\' is not in the required range of -377705023201000..=253402207200000');
        });
    });

    describe(`enums with the ${flavour} qwebchannel.js`, () => {
        test('an enum property is its number', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(client.objects.fan.mode, client.objects.fan.Mode.On);
            assert.equal(client.objects.fan.mode, 1);
        });

        test('enum parameters and results travel as numbers', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const fan = client.objects.fan;
            assert.equal(await call(client, 'fan', 'next', fan.Mode.On), fan.Mode.Auto);
            assert.equal(await call(client, 'fan', 'next', fan.Mode.Boost), fan.Mode.Off);
            assert.deepEqual(client.sentOfType(Type.invokeMethod).at(-1).args, [6]);
            assert.equal(await call(client, 'fan', 'reverse', fan.Direction.Reverse), fan.Direction.Forward);
        });

        test('a list of enums', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(await call(client, 'fan', 'modes'), [0, 1, 5, 6]);
        });

        test('an enum written to a property; the signal carries numbers', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const fan = client.objects.fan;
            const switched = new CallRecorder();
            fan.switched.connect(switched.fn);
            fan.mode = fan.Mode.Boost;
            await client.until(() => switched.calls.length === 1, 'the switched signal');
            assert.deepEqual(switched.calls, [[1, 6]]);
        });

        test('a number that is no variant is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'fan', 'next', [2],
                'fan.next: argument 1 (mode): 2 is not a Mode; expected one of: 0 (Off), 1 (On), 5 (Auto), 6 (Boost)');
        });

        test('an enum key as text is refused', async (t) => {
            const client = await openRoom(t).connect(flavour);
            await assertCallRefused(client, 'fan', 'next', ['Auto'],
                'fan.next: argument 1 (mode) must be a Mode (a number); got "Auto"');
        });

        test('a property write with a number that is no variant changes nothing', async (t) => {
            const room = openRoom(t);
            const client = await room.connect(flavour);
            client.objects.fan.mode = 3;
            assert.equal(client.objects.fan.mode, 3);
            await client.barrier();
            const later = await room.connect(flavour);
            assert.equal(later.objects.fan.mode, later.objects.fan.Mode.On);
        });
    });
}
