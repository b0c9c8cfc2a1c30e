// The counter example (webchannel/examples/counter.rs) driven by Qt's qwebchannel.js.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clientFlavours, serverUrl } from '../lib/environment.mjs';
import { call, emission, lastResponse, open, until } from './channel.mjs';

for (const flavour of clientFlavours) {
    test(`${flavour}: two clients share one counter, written as a property and through a method`, async (t) => {
        const { channel: first } = await open(t, serverUrl, flavour);
        const { channel: second } = await open(t, serverUrl, flavour);
        const mine = first.objects.counter;
        const theirs = second.objects.counter;
        assert.equal(mine.limit, 1000000);

        await call(mine, 'reset');
        await until(theirs.valueChanged, () => theirs.value === 0, 'the reset to reach the second client');

        const seen = emission(theirs.valueChanged, ([value]) => value === 5, 'valueChanged(5) at the second client');
        assert.equal(await call(mine, 'increment', 5), 5);
        await seen;
        assert.equal(theirs.value, 5, 'the property update arrived with the signal');

        // A write through the property calls the setter on the server.
        theirs.value = 42;
        await until(mine.valueChanged, () => mine.value === 42, 'the written value at the first client');
        assert.equal(await call(mine, 'increment', -2), 40);
    });
}

test('bad input: a refused write changes nothing, a wrong argument is rejected with a reason', async (t) => {
    const { channel, frames } = await open(t, serverUrl, 'npm');
    const counter = channel.objects.counter;
    await call(counter, 'reset');
    assert.equal(await call(counter, 'increment', 7), 7);

    counter.value = 5000000;
    // Calls are answered in order: by this answer the refused write has been handled.
    assert.equal(await call(counter, 'increment', 0), 7, 'a write beyond the limit is refused');

    await assert.rejects(counter.increment('seven'));
    assert.equal(lastResponse(channel, frames).error, 'counter.increment: argument 1 (by) must be an integer from -2^63 to 2^63-1; got "seven"');
    await assert.rejects(counter.increment(999999999));
    assert.match(lastResponse(channel, frames).error, /beyond the limit of 1000000/);
    assert.equal(await call(counter, 'increment', 0), 7, 'failed calls changed nothing');
});
