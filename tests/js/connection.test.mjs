// The WebSocket connection itself, below qwebchannel.js: a client that says goodbye gets
// the closing handshake RFC 6455 asks for, as Qt's server gives it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { serverUrl } from './lib/environment.mjs';
import { RawSocket } from './lib/raw-socket.mjs';

test('a client\'s close frame is answered with a close frame', async (t) => {
    const socket = await RawSocket.open(serverUrl);
    t.after(() => socket.close());
    const init = await socket.request({ type: 3, id: 0 });
    assert.ok(init.data?.chatserver !== undefined, JSON.stringify(init));
    await socket.close();
    // `ws` reports 1006 when the connection ended without the server's Close frame.
    const { code } = await socket.closed;
    assert.equal(code, 1000);
});
