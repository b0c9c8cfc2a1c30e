// Overloads: several Rust methods published under one name. A call by name picks the
// overload by argument count and JSON types (an exact type beats a conversion); a call by
// signature reaches exactly that overload.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { clientFlavours } from '../lib/environment.mjs';
import { assertRefused, openRoom, Type } from '../lib/conformance.mjs';

for (const flavour of clientFlavours) {
    describe(`overloads with the ${flavour} qwebchannel.js`, () => {
        test('each overload is listed under the shared name and its own signature', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.deepEqual(client.initData().overloads.methods, [
                ['bump', 1], ['bump(int)', 1],
                ['bump', 2], ['bump(QString)', 2],
                ['bump', 3], ['bump(QString,int)', 3],
                ['kind', 4], ['kind(qlonglong)', 4],
                ['kind', 5], ['kind(double)', 5],
                ['kind', 6], ['kind(bool)', 6],
            ]);
        });

        test('a call by name picks the overload by argument count and types', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const overloads = client.objects.overloads;
            // Qt's own overload test, with the same answers.
            const results = await client.settle(Promise.all([
                overloads.bump(99),
                overloads.bump('hello world'),
                overloads.bump('the answer is ', 41),
            ]), 'the bump calls');
            assert.deepEqual(results, [100, 'HELLO WORLD', 'THE ANSWER IS 42']);
            assert.deepEqual(client.sentOfType(Type.invokeMethod).map((frame) => frame.method), ['bump', 'bump', 'bump']);
        });

        test('a call by signature reaches exactly that overload', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const overloads = client.objects.overloads;
            const results = await client.settle(Promise.all([
                overloads['bump(int)'](41),
                overloads['bump(QString)']('hello world'),
                overloads['bump(QString,int)']('the answer is ', 41),
            ]), 'the bump calls by signature');
            assert.deepEqual(results, [42, 'HELLO WORLD', 'THE ANSWER IS 42']);
            assert.deepEqual(client.sentOfType(Type.invokeMethod).map((frame) => frame.method), [1, 2, 3]);
        });

        test('an exact type beats a conversion', async (t) => {
            const client = await openRoom(t).connect(flavour);
            const overloads = client.objects.overloads;
            const results = await client.settle(Promise.all([
                overloads.kind(2), overloads.kind(2.5), overloads.kind(true), overloads.kind(-3),
            ]), 'the kind calls');
            assert.deepEqual(results, ['integer 2', 'real 2.5', 'flag true', 'integer -3']);
        });

        test('by signature, an integer converts to a double', async (t) => {
            const client = await openRoom(t).connect(flavour);
            assert.equal(await client.settle(client.objects.overloads['kind(double)'](2), 'kind(double)'), 'real 2');
        });

        const refused = [
            ['no overload fits the type: every overload is listed', (o) => o.bump(true),
                'overloads.bump takes (value: integer), (text: string) or (text: string, value: integer); got (boolean)'],
            ['more arguments than any overload takes', (o) => o.bump('a', 1, 2),
                'overloads.bump takes (value: integer), (text: string) or (text: string, value: integer); got 3 arguments'],
            ['null fits no overload', (o) => o.kind(null),
                'overloads.kind takes (value: integer), (value: number) or (value: boolean); got (null)'],
            ['an integer too large for the int overload', (o) => o.bump(2 ** 40),
                'overloads.bump: argument 1 (value) must be an integer from -2147483648 to 2147483647; got 1099511627776'],
            ['the wrong type by signature', (o) => o['bump(int)']('text'),
                'overloads.bump: argument 1 (value) must be an integer from -2147483648 to 2147483647; got "text"'],
            ['a fraction by signature for an integer', (o) => o['kind(qlonglong)'](2.5),
                'overloads.kind: argument 1 (value) must be an integer from -2^63 to 2^63-1; got 2.5'],
        ];
        for (const [label, call, error] of refused) {
            test(`${label} is refused`, async (t) => {
                const client = await openRoom(t).connect(flavour);
                const { response } = await client.rejection(() => call(client.objects.overloads), label);
                assertRefused(response, error);
            });
        }
    });
}
