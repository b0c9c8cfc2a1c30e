// The auth example (webchannel/examples/auth.rs) driven by Qt's qwebchannel.js: a token on
// the WebSocket upgrade says who the client is; without a known one there is no
// WebSocket; a reader's post is refused with the reason in the response.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clientFlavours, serverUrl } from '../lib/environment.mjs';
import { call, lastResponse, open, refusedUpgrade, until } from './channel.mjs';
import { withTimeout } from '../lib/deadline.mjs';

/** The example's URL with `?token=<token>`, as a browser would send it. */
function withToken(token) {
    const url = new URL(serverUrl);
    url.searchParams.set('token', token);
    return url.toString();
}

/** WebSocket options that send `token` as a bearer token. */
function bearer(token) {
    return { headers: { Authorization: `Bearer ${token}` } };
}

test('an upgrade without a known token is refused with 401', async () => {
    for (const [what, url, options] of [
        ['no token', serverUrl, {}],
        ['an unknown token in the query', withToken('mallory-token'), {}],
        ['an unknown bearer token', serverUrl, bearer('mallory-token')],
        ['a malformed Authorization header', serverUrl, { headers: { Authorization: 'alice-token' } }],
    ]) {
        const { status, body } = await refusedUpgrade(url, options);
        assert.equal(status, 401, what);
        assert.equal(body, 'a valid token is required\n', what);
    }
});

for (const flavour of clientFlavours) {
    test(`${flavour}: each client is the user its token names; a reader may not post`, async (t) => {
        const { channel: alice } = await open(t, serverUrl, flavour, bearer('alice-token'));
        const { channel: bob, frames: bobFrames } = await open(t, withToken('bob-token'), flavour);
        assert.equal(await call(alice.objects.notes, 'whoami'), 'alice');
        assert.equal(await call(bob.objects.notes, 'whoami'), 'bob');

        const text = `hello from alice (${flavour})`;
        const count = await call(alice.objects.notes, 'post', text);
        const notes = bob.objects.notes;
        await until(notes.notesChanged, () => notes.notes.length === count, 'alice\'s note at bob');
        assert.deepEqual(notes.notes.at(-1), { author: 'alice', text });

        // Qt's clients reject the Promise without a reason; the reason is the response's
        // `error`.
        await withTimeout(assert.rejects(notes.post('may I?')), 'the refused post');
        assert.equal(lastResponse(bob, bobFrames).error, 'bob may read the notes but not post: only editors may');
        assert.equal(notes.notes.length, count, 'nothing was posted');
    });
}
