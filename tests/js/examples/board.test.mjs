// The board example (webchannel-redis/examples/board.rs): two instances joined by Redis,
// clients on both, driven by Qt's qwebchannel.js. WEBCHANNEL_URL is one instance,
// WEBCHANNEL_URL_B the other.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clientFlavours, serverUrl, uniqueName } from '../lib/environment.mjs';
import { call, emission, open, until } from './channel.mjs';

const otherUrl = process.env.WEBCHANNEL_URL_B;

for (const flavour of clientFlavours) {
    test(`${flavour}: clients of two instances share one board`, async (t) => {
        const { channel: first } = await open(t, serverUrl, flavour);
        const { channel: second } = await open(t, otherUrl, flavour);
        const here = first.objects.board;
        const there = second.objects.board;
        const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];

        assert.equal(await call(here, 'join', alice), true);
        assert.ok(here.members.includes(alice), 'listed before join answers');
        await until(there.membersChanged, () => there.members.includes(alice), 'alice listed on the other instance');
        assert.equal(await call(there, 'join', alice), false, 'a name is taken on every instance');
        assert.equal(await call(there, 'join', bob), true);
        await until(here.membersChanged, () => here.members.includes(bob), 'bob listed on the first instance');

        const notes = [];
        here.posted.connect((author, text) => notes.push(`${author}:${text}`));
        const heard = emission(there.posted, ([author, text]) => author === alice && text === 'hello', 'the note on the other instance');
        assert.equal(await call(here, 'post', 'hello'), true);
        assert.deepEqual(notes, [`${alice}:hello`], 'its own instance got it before the answer, once');
        await heard;

        // One sender's notes arrive in order on the other instance.
        const count = 20;
        const all = emission(here.posted, ([author, text]) => author === bob && text === `note ${count - 1}`, 'bob\'s last note');
        const answers = [];
        for (let n = 0; n < count; n += 1) {
            answers.push(call(there, 'post', `note ${n}`));
        }
        assert.deepEqual(await Promise.all(answers), Array(count).fill(true));
        await all;
        const fromBob = notes.filter((note) => note.startsWith(`${bob}:`));
        assert.deepEqual(fromBob, Array.from({ length: count }, (_, n) => `${bob}:note ${n}`));
    });
}

test('a client that leaves frees its name on every instance', async (t) => {
    const { channel: watcher } = await open(t, otherUrl, 'npm');
    const board = watcher.objects.board;
    const carol = uniqueName('carol');
    // `open` hands its closing to `after`: keep it, to close the connection mid-test.
    const closers = [];
    const { channel: leaving } = await open({ after: (close) => closers.push(close) }, serverUrl, 'npm');
    assert.equal(await call(leaving.objects.board, 'join', carol), true);
    await until(board.membersChanged, () => board.members.includes(carol), 'carol listed');
    await Promise.all(closers.map((close) => close()));
    await until(board.membersChanged, () => !board.members.includes(carol), 'carol gone');
    assert.equal(await call(board, 'join', carol), true, 'the name is free again');
});
