// The todo example (webchannel/examples/todo.rs) driven by Qt's qwebchannel.js: items are
// objects of their own, returned by `add`, listed in `items`, passed back to `remove`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clientFlavours, serverUrl } from '../lib/environment.mjs';
import { call, fired, lastResponse, nextEmission, open, until } from './channel.mjs';

for (const flavour of clientFlavours) {
    test(`${flavour}: items are objects that clients call, share and pass back`, async (t) => {
        const { channel: first } = await open(t, serverUrl, flavour);
        const { channel: second } = await open(t, serverUrl, flavour);
        const todo = first.objects.todo;
        const text = `write the docs (${flavour})`;

        const item = await call(todo, 'add', text);
        assert.equal(item.text, text, 'the returned item arrives with its properties');
        assert.equal(item.done, false);
        assert.equal(await call(item, 'toggle'), true);
        assert.equal(item.done, true);

        // The second client sees the same item in the list, with its current state.
        const theirs = second.objects.todo;
        await until(theirs.itemsChanged, () => theirs.items.some((known) => known.text === text), 'the new item at the second client');
        const shared = theirs.items.find((known) => known.text === text);
        await until(shared.changed, () => shared.done === true, 'the toggle at the second client');
        const renamed = nextEmission(item.changed, 'changed at the first client');
        shared.text = `${text}, then ship`;
        await renamed;
        await until(item.changed, () => item.text === `${text}, then ship`, 'the new text at the first client');

        // Passed back by reference; once removed and released, clients learn it is gone.
        const gone = fired(item.destroyed, 'destroyed of the removed item');
        assert.equal(await call(todo, 'remove', item), true);
        await gone;
    });
}

test('bad input: empty texts and foreign objects are refused with a reason', async (t) => {
    const { channel, frames } = await open(t, serverUrl, 'npm');
    const todo = channel.objects.todo;
    await assert.rejects(todo.add(''));
    assert.equal(lastResponse(channel, frames).error, 'an item needs a text');
    await assert.rejects(todo.add('x'.repeat(201)));
    assert.match(lastResponse(channel, frames).error, /at most 200 characters/);
    await assert.rejects(todo.remove({ id: 'no-such-object' }));
    assert.ok(lastResponse(channel, frames).error, 'an unknown object is refused');

    const before = await todo.remaining();
    const item = await todo.add('check the remaining count');
    assert.equal(await todo.remaining(), before + 1);
    item.text = '';
    assert.equal(await call(item, 'toggle'), true, 'the refused write left the item working');
    assert.equal(await todo.remaining(), before);
    // The writer's own client shows what it wrote at once; another client shows the truth.
    const { channel: other } = await open(t, serverUrl, 'npm');
    const seen = other.objects.todo.items.find((known) => known.done && known.text.startsWith('check the'));
    assert.equal(seen?.text, 'check the remaining count', 'the empty text was refused');
    const gone = fired(item.destroyed, 'destroyed of the removed item');
    assert.equal(await todo.remove(item), true);
    await gone;
    await assert.rejects(todo.remove(item), 'a destroyed object cannot be passed back');
    assert.ok(lastResponse(channel, frames).error);
});
