// Instances of one chat behind a load balancer: WEBCHANNEL_URL is the balancer, which
// sends each new connection to the next instance. Clients that all connect to it share
// one user list and every message, whichever instance they landed on.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { logInEverywhere } from './lib/cluster.mjs';
import { serverUrl, uniqueName } from './lib/environment.mjs';

test('four clients through one balancer share one list and every message', async (t) => {
    const names = [0, 1, 2, 3].map((n) => uniqueName(`balanced${n}`));
    const clients = await logInEverywhere(t, names.map(() => serverUrl), names);
    for (const [n, client] of clients.entries()) {
        assert.equal(await client.call('sendMessage', names[n], `hello from ${n}`), true);
    }
    for (const client of clients) {
        for (const [n, name] of names.entries()) {
            const [received] = await client.waitForMessagesFrom(name, 1);
            assert.equal(received.msg, `hello from ${n}`);
        }
    }
});
