// The built-in chat page (GET / of our chatserver) in headless Chromium: people log in and
// chat, text stays text, refusals show, keep-alives are answered (and a page the server
// dropped for answering late logs in again), a closed tab leaves the user list, the page
// reconnects after the server restarts, it works at phone width with the keyboard alone,
// user names (right-to-left ones, or ones with direction controls that a server without our
// name rules lets through) never reorder the rest of their line, and neither a page of
// another origin nor a sandboxed frame (Origin null) can open the chat's WebSocket.
//
// The test runs the chatserver itself ($CHATSERVER_BIN), since it stops and restarts it
// on the same address, with a short keep-alive so that a user whose tab closed is gone
// within seconds even where the server only notices at the keep-alive check. Screenshots
// go to $WEBCHANNEL_ARTIFACTS_DIR (cargo test: target/artifacts).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import WebSocket from 'ws';

import {
    artifactPath, isolatedUsersOf, launchChromium, lineLayout, logIn, messagesOf, notesOf,
    openChatPage, parts, usersOf, waitFor, waitForConnection, waitForMessage, waitForUsers,
} from './lib/browser.mjs';
import { ChatserverProcess, chatserverBinary } from './lib/chatserver-process.mjs';
import { connect } from '../../webchannel/js/webchannel.js';

const KEEP_ALIVE_INTERVAL_MS = 1000;
const KEEP_ALIVE_GRACE_MS = 500;
const SERVER_ARGS = ['--keep-alive-interval', `${KEEP_ALIVE_INTERVAL_MS}ms`, '--keep-alive-grace', `${KEEP_ALIVE_GRACE_MS}ms`];
/** A user whose tab closed is gone by the second keep-alive check at the latest. */
const LEAVE_WITHIN_MS = 2 * (KEEP_ALIVE_INTERVAL_MS + KEEP_ALIVE_GRACE_MS) + 5000;
const TIME_OF_DAY = /^\d\d:\d\d:\d\d$/;
/** What the server logs when it drops users that did not answer a keep-alive. */
const DROP_LOG = 'did not answer the keep-alive';

const XSS = '<img src=x onerror="window.__injected = true; document.title = \'injected\'">';

let server;
let browser;

before(async () => {
    server = await ChatserverProcess.start(chatserverBinary(), '127.0.0.1:0', SERVER_ARGS);
    browser = await launchChromium();
});

after(async () => {
    await browser?.close();
    server?.kill();
});

/** Tries to open a WebSocket to `url` from `page`; resolves with 'opened' or 'refused'. */
function openFromPage(page, url) {
    return page.evaluate((url) => new Promise((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => {
            socket.close();
            resolve('opened');
        };
        socket.onerror = () => resolve('refused');
    }), url);
}

/**
 * Tries the same from a frame inside `page` sandboxed as any site can sandbox one (scripts
 * allowed, an opaque origin: its requests say `Origin: null`).
 */
function openFromSandboxedFrame(page, url) {
    return page.evaluate((url) => new Promise((resolve) => {
        const frame = document.createElement('iframe');
        frame.sandbox = 'allow-scripts';
        window.addEventListener('message', (event) => {
            if (event.source === frame.contentWindow) {
                resolve(event.data);
            }
        });
        frame.srcdoc = `<script>
            const socket = new WebSocket(${JSON.stringify(url)});
            socket.onopen = () => { socket.close(); parent.postMessage('opened', '*'); };
            socket.onerror = () => parent.postMessage('refused', '*');
        <\/script>`;
        document.body.append(frame);
    }), url);
}

/** The keep-alive drops the server logged for `name`. */
function dropsOf(name) {
    return server.log.split('\n').filter((line) => line.includes(DROP_LOG) && line.includes(`"${name}"`));
}

describe('the built-in chat page in Chromium', () => {
    test('at phone width, with the keyboard alone: log in, send, reach everything', async () => {
        const { context, page, problems } = await openChatPage(browser, server.pageUrl, {
            viewport: { width: 360, height: 740 },
            isMobile: true,
            hasTouch: true,
        });
        try {
            const focused = () => page.evaluate(() => {
                const element = document.activeElement;
                return { id: element?.id, role: element?.getAttribute('role'), text: element?.textContent?.trim(), outline: element ? getComputedStyle(element).outlineStyle : undefined };
            });
            // The name field has the focus from the start (once the page has settled, which
            // a busy machine may delay): type, Enter.
            await waitFor(page, focused, (element) => element.id === 'name', 'the focus in the name field');
            await page.keyboard.type('phone-user');
            await page.keyboard.press('Enter');
            await waitForUsers(page, (users) => users.includes('phone-user'), 'include phone-user');
            // Logged in, the focus moves to the message field: type, Enter.
            await waitFor(page, focused, (element) => element.id === 'message', 'the focus in the message field');
            await page.keyboard.type('typed on a phone');
            await page.keyboard.press('Enter');
            const line = await waitForMessage(page, 'phone-user', 'typed on a phone');
            assert.match(line.time, TIME_OF_DAY);
            assert.equal(await parts(page).message.inputValue(), '', 'the field is emptied after sending');

            // Tab reaches the Send button, with a visible focus ring; Shift+Tab goes back
            // through the message field to the log, which scrolls from the keyboard.
            await page.keyboard.press('Tab');
            assert.deepEqual(await focused(), { id: '', role: null, text: 'Send', outline: 'solid' });
            await page.keyboard.press('Shift+Tab');
            assert.equal((await focused()).id, 'message');
            await page.keyboard.press('Shift+Tab');
            assert.equal((await focused()).role, 'log');

            // Nothing sticks out sideways: no horizontal scrolling, every part within the width.
            const layout = await page.evaluate(() => {
                const box = (selector) => {
                    const rect = document.querySelector(selector).getBoundingClientRect();
                    return { left: rect.left, right: rect.right, width: rect.width };
                };
                return {
                    viewport: window.innerWidth,
                    scrollWidth: document.documentElement.scrollWidth,
                    users: box('#users'),
                    log: box('[role="log"]'),
                    message: box('#message'),
                    send: box('#send button'),
                };
            });
            assert.equal(layout.viewport, 360);
            assert.ok(layout.scrollWidth <= layout.viewport, JSON.stringify(layout));
            for (const part of ['users', 'log', 'message', 'send']) {
                assert.ok(layout[part].left >= 0 && layout[part].right <= layout.viewport, `${part}: ${JSON.stringify(layout)}`);
            }
            assert.ok(layout.message.width >= 150, `the message field is ${layout.message.width} px wide`);
            await page.screenshot({ path: artifactPath('web-client-phone.png') });
            assert.deepEqual(problems, []);
        } finally {
            await context.close();
        }
    });

    test('two people chat; text stays text; refusals show; a drop, a closed tab and a restart are survived', async () => {
        const alice = await openChatPage(browser, server.pageUrl, { viewport: { width: 1000, height: 640 } });
        const bob = await openChatPage(browser, server.pageUrl, { viewport: { width: 1000, height: 640 } });
        const carol = await openChatPage(browser, server.pageUrl);
        try {
            // An empty name never reaches the server.
            await parts(carol.page).name.press('Enter');
            await waitFor(carol.page, () => parts(carol.page).alert.textContent(), (text) => text.includes('Enter a name'), 'the empty-name notice');

            await logIn(alice.page, 'alice');
            await logIn(bob.page, 'bob');
            for (const { page } of [alice, bob]) {
                await waitForUsers(page, (users) => users.includes('alice') && users.includes('bob'), 'include alice and bob');
            }

            // Messages both ways, each line with time, user and text.
            await parts(alice.page).message.fill('Hello Bob! "quotes" & <b>tags</b> 👋');
            await parts(alice.page).message.press('Enter');
            await parts(bob.page).message.fill('Hi Alice, Grüße');
            await parts(bob.page).message.press('Enter');
            for (const { page } of [alice, bob]) {
                const fromAlice = await waitForMessage(page, 'alice', 'Hello Bob! "quotes" & <b>tags</b> 👋');
                const fromBob = await waitForMessage(page, 'bob', 'Hi Alice, Grüße');
                assert.match(fromAlice.time, TIME_OF_DAY);
                assert.match(fromBob.time, TIME_OF_DAY);
            }

            // Markup in a message is shown as the literal text and runs nothing.
            await parts(bob.page).message.fill(XSS);
            await parts(bob.page).message.press('Enter');
            for (const { page } of [alice, bob]) {
                await waitForMessage(page, 'bob', XSS);
                assert.equal(await parts(page).log.locator('img, b').count(), 0, 'markup became elements');
                assert.equal(await page.evaluate(() => window.__injected), undefined, 'the onerror handler ran');
                assert.equal(await page.title(), 'Chat');
            }

            // A name in use is refused, and the page says so.
            await parts(carol.page).name.fill('alice');
            await parts(carol.page).name.press('Enter');
            await waitFor(carol.page, () => parts(carol.page).alert.textContent(), (text) => text.includes('already taken'), 'the name-taken notice');
            assert.ok(await parts(carol.page).name.isVisible(), 'the login form stays');
            assert.deepEqual((await usersOf(alice.page)).filter((name) => name === 'alice'), ['alice']);

            await alice.page.screenshot({ path: artifactPath('web-client.png') });

            // Both pages answer keep-alives: a check that drops a silent client (logged in
            // from here, never answering) passes over them.
            const silent = await connect(`ws://${server.address}/`, { WebSocket });
            try {
                assert.equal(await silent.objects.chatserver.login('silent'), true);
                await waitForUsers(alice.page, (users) => users.includes('silent'), 'include silent');
                await waitForUsers(alice.page, (users) => !users.includes('silent'), 'lose silent at a keep-alive check', LEAVE_WITHIN_MS);
            } finally {
                silent.close();
            }
            assert.notDeepEqual(dropsOf('silent'), [], `the log shows no keep-alive drop:\n${server.log}`);
            assert.deepEqual([...dropsOf('alice'), ...dropsOf('bob')], [], 'a page did not answer a keep-alive');
            assert.ok(await parts(alice.page).alert.isHidden(), 'alice\'s page shows a notice');

            // A page that answers too late (its script paused past a check) is dropped by the
            // server; it says so and logs in again by itself.
            const debug = await alice.context.newCDPSession(alice.page);
            await debug.send('Debugger.enable');
            await debug.send('Debugger.pause');
            await waitForUsers(bob.page, (users) => !users.includes('alice'), 'lose the paused alice', LEAVE_WITHIN_MS);
            await debug.send('Debugger.resume');
            await debug.detach();
            await waitForUsers(bob.page, (users) => users.includes('alice'), 'include alice again');
            await waitForConnection(alice.page, 'online');
            // The page notes the login once its answer is in, which may come after bob's update.
            const afterDrop = await waitFor(alice.page, notesOf, (notes) => notes.some((note) => note.includes('Logged in again as \u2068alice\u2069')), 'the note of the new login');
            assert.ok(afterDrop.some((note) => note.includes('logged you out')), JSON.stringify(afterDrop));

            // Closing bob's tab takes bob out of alice's list.
            await bob.context.close();
            await waitForUsers(alice.page, (users) => !users.includes('bob') && users.includes('alice'), 'lose bob', LEAVE_WITHIN_MS);

            // The server goes away: the page says so; it comes back: the page reconnects
            // and logs alice in again, and chatting goes on.
            const address = server.address;
            assert.equal(await server.stop(), 0, 'the chatserver exits cleanly on SIGINT');
            const lost = await waitForConnection(alice.page, 'offline');
            assert.match(lost.text, /Connection lost|Cannot reach/);
            server = await ChatserverProcess.start(chatserverBinary(), address, SERVER_ARGS);
            await waitForConnection(alice.page, 'online');
            await waitForUsers(alice.page, (users) => users.includes('alice'), 'include alice again');
            const afterRestart = (await notesOf(alice.page)).slice(afterDrop.length);
            assert.deepEqual(afterRestart, ['Connection lost; reconnecting…', 'Logged in again as \u2068alice\u2069.']);
            // carol, refused before, is connected again but did not try that name again.
            await waitForConnection(carol.page, 'online');
            assert.ok(await parts(carol.page).name.isVisible(), 'carol is still at the login form');
            await parts(alice.page).message.fill('back again');
            await parts(alice.page).message.press('Enter');
            await waitForMessage(alice.page, 'alice', 'back again');
            assert.deepEqual(await usersOf(alice.page), ['alice']);

            const messages = await messagesOf(alice.page);
            assert.ok(messages.every((line) => TIME_OF_DAY.test(line.time) && line.user !== '' && line.text !== ''), JSON.stringify(messages));
            for (const { problems } of [alice, bob, carol]) {
                assert.deepEqual(problems, []);
            }
        } finally {
            for (const { context } of [alice, bob, carol]) {
                await context.close();
            }
        }
    });

    test('a page of another origin and a sandboxed frame cannot open the chat\'s WebSocket', async () => {
        // Another origin: a blank page on another port of this machine.
        const elsewhere = createServer((request, response) => {
            response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            response.end('<!DOCTYPE html><title>elsewhere</title><body></body>');
        });
        await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
        // A server that admits pages opened from a file on purpose: there the same frame gets
        // in, so a refusal below is the chat server's doing, not the browser's.
        const filePages = await ChatserverProcess.start(chatserverBinary(), '127.0.0.1:0', [...SERVER_ARGS, '--allow-origin', 'null']);
        const context = await browser.newContext();
        try {
            const chat = `ws://${server.address}/`;
            const own = await context.newPage();
            await own.goto(server.pageUrl);
            assert.equal(await openFromPage(own, chat), 'opened', 'the chat\'s own page');

            const page = await context.newPage();
            await page.goto(`http://127.0.0.1:${elsewhere.address().port}/`);
            assert.equal(await openFromPage(page, chat), 'refused', 'a page of another origin');
            assert.equal(await openFromSandboxedFrame(page, chat), 'refused', 'a sandboxed frame');
            assert.equal(await openFromSandboxedFrame(page, `ws://${filePages.address}/`), 'opened', 'a sandboxed frame where null is allowed');
            await waitFor(page, async () => server.log, (log) => log.includes('Origin null') && log.includes('--allow-origin null'), 'the refusal of Origin null logged with its hint');
        } finally {
            await context.close();
            filePages.kill();
            elsewhere.close();
        }
    });

    test('a user name never reorders the rest of its line, whatever its direction', async () => {
        // A name a server without our rules would let through: the page of `reader` sees
        // this client's name with U+202E RIGHT-TO-LEFT OVERRIDE in front (its frames are
        // rewritten on the way in), which reverses all that follows unless the name is
        // isolated. A right-to-left name our server accepts is sent as it is.
        const marker = `rlo-${process.pid}`;
        const overridden = `\u202E${marker}`;
        const hebrew = 'שרה';
        const reader = await openChatPage(browser, server.pageUrl, { viewport: { width: 1000, height: 640 } }, {
            prepare: (context) => context.routeWebSocket(/.*/, (page) => {
                const upstream = page.connectToServer();
                upstream.onMessage((message) => page.send(typeof message === 'string' ? message.replaceAll(marker, overridden) : message));
            }),
        });
        const writers = [];
        try {
            // Our server and our page refuse the name outright.
            const refused = await connect(`ws://${server.address}/`, { WebSocket });
            writers.push(refused);
            assert.equal(await refused.objects.chatserver.login(overridden), false, 'the server took a U+202E name');
            await parts(reader.page).name.fill(overridden);
            await parts(reader.page).name.press('Enter');
            await waitFor(reader.page, () => parts(reader.page).alert.textContent(), (text) => text.includes('change the direction'), 'the page refusing a U+202E name');

            await logIn(reader.page, 'reader');
            const text = '123 then words';
            for (const name of [marker, hebrew]) {
                const writer = await connect(`ws://${server.address}/`, { WebSocket });
                writers.push(writer);
                assert.equal(await writer.objects.chatserver.login(name), true, `login(${name})`);
                assert.equal(await writer.objects.chatserver.sendMessage(name, text), true);
            }
            for (const shown of [overridden, hebrew]) {
                await waitForMessage(reader.page, shown, text);
                const layout = await lineLayout(reader.page, shown, text);
                assert.deepEqual(layout.name, { text: shown, unicodeBidi: 'isolate' }, JSON.stringify(layout));
                // Time, name, text, left to right as written: nothing after the name moved.
                assert.ok(layout.time.right <= layout.user.left + 0.5, `${JSON.stringify(shown)}: ${JSON.stringify(layout)}`);
                assert.ok(layout.user.right <= layout.text.left + 0.5, `${JSON.stringify(shown)}: ${JSON.stringify(layout)}`);
            }
            await waitForUsers(reader.page, (users) => users.includes(overridden) && users.includes(hebrew), 'include both writers');
            const listed = await isolatedUsersOf(reader.page);
            for (const shown of [overridden, hebrew, 'reader']) {
                assert.ok(listed.some((entry) => entry.name === shown && entry.unicodeBidi === 'isolate'), `${JSON.stringify(shown)} is not isolated: ${JSON.stringify(listed)}`);
            }
            await reader.page.screenshot({ path: artifactPath('web-client-names.png') });
            assert.deepEqual(reader.problems, []);
        } finally {
            for (const writer of writers) {
                writer.close();
            }
            await reader.context.close();
        }
    });
});
