// User names with the official qwebchannel.js clients, against our server's name rules:
// names that look like one in use, padded copies, invisible names and names with direction
// controls are refused (login answers false) while the name's owner goes on chatting; a name
// typed with spaces around it is shown trimmed, and a client that keeps sending it as typed
// (Qt's clients do, on every call) still speaks and answers keep-alives as that user.
//
// The keep-alive part needs WEBCHANNEL_KEEPALIVE_INTERVAL_MS (and _GRACE_MS), the server's
// timing; our server only, since Qt's ChatServer keeps every name as typed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectForTest } from './lib/client.mjs';
import { clientFlavours, onlyOurs, positiveNumber, serverUrl, uniqueName, waitMs } from './lib/environment.mjs';
import { assertNoClientErrors, openRoom } from './lib/room.mjs';

const intervalMs = positiveNumber('WEBCHANNEL_KEEPALIVE_INTERVAL_MS', 10000);
const graceMs = positiveNumber('WEBCHANNEL_KEEPALIVE_GRACE_MS', 2000);
/** A user logged in during a round is kept for it; two rounds and a margin see it dropped. */
const dropWithinMs = 2 * (intervalMs + graceMs) + waitMs;

/** Names that must not be taken while `name` (lower case, starting with `a`) is in use. */
function impostorsOf(name) {
    return {
        'a Cyrillic а': `\u0430${name.slice(1)}`,
        'upper case': name.toUpperCase(),
        'a digit one for the l': name.replace('l', '1'),
        'full-width letters': name.replace('a', '\uff41'),
        'a trailing space': `${name} `,
        'a leading space': ` ${name}`,
        'a no-break space': `${name}\u00a0`,
        'a zero-width space inside': `${name.slice(0, 2)}\u200b${name.slice(2)}`,
        'é decomposed': name.normalize('NFD'),
        'a right-to-left override': `\u202e${name}`,
        'only U+200B': '\u200b',
        'only U+2060': '\u2060',
        'only U+FEFF': '\ufeff',
        'only U+3164': '\u3164',
        'only invisible characters': '\u200b\u2060\ufeff\u3164',
        'only spaces': ' \u00a0\u3000',
    };
}

for (const flavour of clientFlavours) {
    describe(`user names with the ${flavour} qwebchannel.js`, { skip: onlyOurs }, () => {
        test('look-alike, padded, invisible and direction-changing names are refused while the owner chats', async (t) => {
            const [owner, watcher] = await openRoom(t, flavour, ['alicé', 'watcher']);
            const name = owner.userName;
            assert.equal(name, name.normalize('NFC'), 'the owner logs in precomposed');
            const attacker = await connectForTest(t, serverUrl, flavour);
            let said = 0;
            for (const [how, impostor] of Object.entries(impostorsOf(name))) {
                assert.equal(await attacker.call('login', impostor), false, `a name with ${how} (${JSON.stringify(impostor)}) was accepted`);
                assert.equal(await owner.call('sendMessage', name, `still here after ${how}`), true);
                said += 1;
            }
            const heard = await watcher.waitForMessagesFrom(name, said);
            assert.deepEqual(heard.map((message) => message.msg), Object.keys(impostorsOf(name)).map((how) => `still here after ${how}`));
            const list = watcher.chat.userList;
            assert.deepEqual(list.filter((user) => user === name), [name], JSON.stringify(list));
            for (const impostor of Object.values(impostorsOf(name))) {
                assert.ok(!list.includes(impostor), `${JSON.stringify(impostor)} is listed: ${JSON.stringify(list)}`);
            }
            // The attacker's connection can still take a name of its own.
            const own = uniqueName('mallory');
            assert.equal(await attacker.login(own), true);
            await watcher.waitForUserList((names) => names.includes(own), `include ${own}`);
            assertNoClientErrors(owner, watcher, attacker);
        });

        test('a name typed with spaces is shown trimmed and still works as typed, keep-alives included', async (t) => {
            const [watcher] = await openRoom(t, flavour, ['watcher']);
            const shown = uniqueName('carol');
            const typed = `  ${shown}\u00a0`;
            const carol = await connectForTest(t, serverUrl, flavour);
            // `login` makes the client answer keep-alives with the name as typed, as Qt's do.
            assert.equal(await carol.login(typed), true);
            assert.equal(carol.userName, typed);
            await watcher.waitForUserList((names) => names.includes(shown), `include ${shown}`);
            assert.ok(!watcher.chat.userList.includes(typed), JSON.stringify(watcher.chat.userList));

            assert.equal(await carol.callWithCallback('sendMessage', typed, 'as typed'), true);
            const [message] = await watcher.waitForMessagesFrom(shown, 1);
            assert.equal(message.msg, 'as typed');
            // Another connection cannot use either form.
            assert.equal(await watcher.call('sendMessage', typed, 'forged'), false);
            assert.equal(await watcher.call('sendMessage', shown, 'forged'), false);

            // A keep-alive check: a silent user is dropped, carol, answering as typed, stays.
            const silent = await connectForTest(t, serverUrl, flavour, { keepAlive: 'ignore' });
            const silentName = uniqueName('silent');
            assert.equal(await silent.login(silentName), true);
            await watcher.waitForUserList((names) => names.includes(silentName), `include ${silentName}`);
            await watcher.userListChanges.until(
                () => !watcher.chat.userList.includes(silentName),
                () => `the keep-alive check to drop ${silentName}; the list is ${JSON.stringify(watcher.chat.userList)}`,
                dropWithinMs,
            );
            assert.ok(watcher.chat.userList.includes(shown), `carol was dropped: ${JSON.stringify(watcher.chat.userList)}`);
            assert.equal(await carol.call('sendMessage', typed, 'after the check'), true);
            assert.equal(await carol.call('logout', typed), true);
            await watcher.waitForUserList((names) => !names.includes(shown), `lose ${shown}`);
            assertNoClientErrors(watcher, carol, silent);
        });
    });
}
