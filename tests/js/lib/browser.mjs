// Headless Chromium (Debian's `chromium`, never a downloaded build) driven by playwright-core,
// and what the browser test does and reads on the chat page, each wait bounded.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

/** How long any single wait in the browser may take. */
export const BROWSER_WAIT_MS = 15_000;

/** The browser binary: `$CHROMIUM`, else Debian's. */
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Chromium's flags for a machine without a display, a sandbox or outside network: without
 * the background-networking ones, its own connections are refused and it stalls.
 */
const CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/** Starts Chromium; playwright gives it a fresh, temporary profile (`--user-data-dir`). */
export function launchChromium() {
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}

/** Where screenshots go: `$WEBCHANNEL_ARTIFACTS_DIR` (cargo test: `target/artifacts`). */
export function artifactPath(name) {
    const dir = process.env.WEBCHANNEL_ARTIFACTS_DIR || join(import.meta.dirname, '..', '..', '..', 'target', 'artifacts');
    mkdirSync(dir, { recursive: true });
    return join(dir, name);
}

/**
 * One browser tab with the chat page of `url` open, in a context of its own (its own
 * storage, as another person's browser), recording what would show a broken page:
 * uncaught exceptions and Content-Security-Policy violations. `prepare(context)`, if
 * given, runs before the page opens (to route its WebSocket, for one).
 */
export async function openChatPage(browser, url, contextOptions = {}, { prepare } = {}) {
    const context = await browser.newContext(contextOptions);
    await prepare?.(context);
    const page = await context.newPage();
    page.setDefaultTimeout(BROWSER_WAIT_MS);
    const problems = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) {
            problems.push(`CSP: ${message.text()}`);
        }
    });
    const response = await page.goto(url);
    return { context, page, response, problems };
}

/** The page's parts, found the way a person (or a screen reader) finds them. */
export function parts(page) {
    return {
        name: page.getByLabel('Name', { exact: true }),
        message: page.getByLabel('Message', { exact: true }),
        users: page.getByRole('list', { name: 'Users' }),
        log: page.getByRole('log'),
        status: page.getByRole('status'),
        alert: page.getByRole('alert'),
    };
}

/** Logs in as `name` through the form and waits until the page shows `name` in its user list. */
export async function logIn(page, name) {
    const { name: nameInput } = parts(page);
    await nameInput.fill(name);
    await nameInput.press('Enter');
    await waitForUsers(page, (users) => users.includes(name), `include ${name}`);
}

/** The names in the page's user list. */
export function usersOf(page) {
    return parts(page).users.getByRole('listitem').allTextContents();
}

/** The lines of the page's message log, as `{ time, user, text }`. */
export function messagesOf(page) {
    return parts(page).log.evaluate((log) => [...log.querySelectorAll('.line')].map((line) => ({
        time: line.querySelector('time')?.textContent,
        user: line.querySelector('.user')?.textContent,
        text: line.querySelector('.text')?.textContent,
    })));
}

/**
 * Where the parts of the log line from `user` (whose text is `text`) are drawn: the boxes of
 * its time, user and text, and of the isolated name inside the user, with the name's
 * computed `unicode-bidi`.
 */
export function lineLayout(page, user, text) {
    return parts(page).log.evaluate((log, [user, text]) => {
        const line = [...log.querySelectorAll('.line')]
            .find((candidate) => candidate.querySelector('.user')?.textContent === user && candidate.querySelector('.text')?.textContent === text);
        if (line === undefined) {
            return undefined;
        }
        const box = (element) => {
            const { left, right } = element.getBoundingClientRect();
            return { left, right };
        };
        const name = line.querySelector('.user bdi');
        return {
            time: box(line.querySelector('time')),
            user: box(line.querySelector('.user')),
            text: box(line.querySelector('.text')),
            name: name === null ? undefined : { text: name.textContent, unicodeBidi: getComputedStyle(name).unicodeBidi },
        };
    }, [user, text]);
}

/** The isolated names (`<bdi>`) of the user list, with their computed `unicode-bidi`. */
export function isolatedUsersOf(page) {
    return parts(page).users.evaluate((list) => [...list.querySelectorAll('li')].map((item) => {
        const name = item.querySelector('bdi');
        return name === null ? { item: item.textContent } : { name: name.textContent, unicodeBidi: getComputedStyle(name).unicodeBidi };
    }));
}

/** The page's own notes in the log (connection lost, logged in again...). */
export function notesOf(page) {
    return parts(page).log.evaluate((log) => [...log.querySelectorAll('.note')].map((note) => note.textContent));
}

/** Polls `read(page)` until `condition` holds; rejects, describing what was seen, after the bound. */
export async function waitFor(page, read, condition, what, ms = BROWSER_WAIT_MS) {
    const deadline = Date.now() + ms;
    let seen;
    while (Date.now() < deadline) {
        seen = await read(page);
        if (condition(seen)) {
            return seen;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}; last seen: ${JSON.stringify(seen)}`);
}

/** Waits until the user list satisfies `condition`. */
export function waitForUsers(page, condition, what, ms) {
    return waitFor(page, usersOf, condition, `the user list to ${what}`, ms);
}

/** Waits until the log holds a line from `user` with exactly `text`; resolves with it. */
export async function waitForMessage(page, user, text) {
    const lines = await waitFor(
        page,
        messagesOf,
        (seen) => seen.some((line) => line.user === user && line.text === text),
        `a message from ${user}: ${JSON.stringify(text)}`,
    );
    return lines.find((line) => line.user === user && line.text === text);
}

/** Waits until the connection status says `state` (`online`, `offline`, `connecting`). */
export function waitForConnection(page, state, ms) {
    return waitFor(
        page,
        async () => ({ state: await parts(page).status.getAttribute('data-state'), text: await parts(page).status.textContent() }),
        (seen) => seen.state === state,
        `the connection status to become ${state}`,
        ms,
    );
}
