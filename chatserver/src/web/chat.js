// The chat page's behaviour: connects to the server that served it (through the
// runtime's webchannel.js), logs in, shows users and messages, answers keep-alives, and
// reconnects and logs in again after the connection drops. Every text from the network
// goes into the page as text (textContent), never as markup, and every user name is
// isolated from the text around it (a <bdi>, or U+2068…U+2069 inside a sentence), so a
// right-to-left name, or a direction control a server let through, cannot reorder the
// rest of its line.

import { connect } from '/webchannel.js';

/** The first wait before a reconnection attempt, doubled after each failure up to the cap. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
/** The most messages kept on the page; older ones are removed. */
const MAX_MESSAGES = 1000;
/** How close to the bottom (in pixels) the log counts as scrolled to the end. */
const STICK_TO_BOTTOM_PX = 40;
/** Characters a name may not contain (the server refuses them too; messages may have them). */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
/** Invisible characters and direction controls, which the server refuses in names too. */
const INVISIBLE_CHARACTERS = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Cf}]/u;

const page = {
    connection: byId('connection'),
    notice: byId('notice'),
    loginForm: byId('login'),
    name: byId('name'),
    room: byId('room'),
    users: byId('users'),
    messages: byId('messages'),
    sendForm: byId('send'),
    message: byId('message'),
};

/** What the page knows: the open channel (or none) and who the user is. */
const state = {
    /** The `chatserver` proxy while connected, else `undefined`. */
    chat: undefined,
    /** The name the user chose; kept across reconnections to log in again. */
    name: undefined,
    /** Whether the server currently has `name` logged in for this page. */
    loggedIn: false,
    /** Whether this page has been in the room under `name`: a login is then a return. */
    wasInRoom: false,
};

function byId(id) {
    const element = document.getElementById(id);
    if (element === null) {
        throw new Error(`the page has no #${id}`);
    }
    return element;
}

/** The WebSocket address of the server that served this page (same host, same path `/`). */
function serverUrl() {
    const url = new URL('/', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
}

function setConnection(stateName, text) {
    page.connection.dataset.state = stateName;
    page.connection.textContent = text;
}

function showNotice(text) {
    page.notice.textContent = text;
    page.notice.hidden = false;
}

function clearNotice() {
    page.notice.textContent = '';
    page.notice.hidden = true;
}

function showLogin() {
    state.loggedIn = false;
    page.room.hidden = true;
    page.loginForm.hidden = false;
    page.name.focus();
}

function showRoom() {
    page.loginForm.hidden = true;
    page.room.hidden = false;
    renderUsers();
    page.message.focus();
}

/** `name` as an element of its own, isolated from the direction of the text around it. */
function nameElement(name) {
    const element = document.createElement('bdi');
    element.textContent = String(name);
    return element;
}

/** `name` isolated for use inside a sentence (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE). */
function isolated(name) {
    return `\u2068${name}\u2069`;
}

/**
 * The name the server shows for a typed `name`, as the server normalizes it: NFKC, runs of
 * white space as one space, none at either end.
 */
function shownName(name) {
    return name.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

function renderUsers() {
    const users = Array.isArray(state.chat?.userList) ? state.chat.userList : [];
    const items = users.map((user) => {
        const item = document.createElement('li');
        item.append(nameElement(user));
        if (state.loggedIn && user === state.name) {
            item.classList.add('me');
            item.setAttribute('aria-current', 'true');
        }
        return item;
    });
    page.users.replaceChildren(...items);
}

function appendMessage(time, user, text) {
    const line = document.createElement('p');
    line.className = 'line';
    const timeElement = document.createElement('time');
    timeElement.textContent = String(time);
    // The colon after the name (CSS) stays outside the isolated name.
    const userElement = document.createElement('span');
    userElement.className = 'user';
    userElement.append(nameElement(user));
    const textElement = document.createElement('span');
    textElement.className = 'text';
    textElement.textContent = String(text);
    line.append(timeElement, ' ', userElement, ' ', textElement);
    if (state.loggedIn && user === state.name) {
        line.classList.add('mine');
    }
    appendToLog(line);
}

/** A line from the page itself in the log, where it tells what happened between messages. */
function appendNote(text) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = text;
    appendToLog(note);
}

function appendToLog(element) {
    const log = page.messages;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < STICK_TO_BOTTOM_PX;
    log.append(element);
    while (log.childElementCount > MAX_MESSAGES) {
        log.firstElementChild.remove();
    }
    if (atBottom) {
        log.scrollTop = log.scrollHeight;
    }
}

/** Why `name` cannot be a name, checked before asking the server; `undefined` if it can. */
function nameProblem(name) {
    if (name.trim() === '') {
        return 'Enter a name to log in.';
    }
    if (CONTROL_CHARACTERS.test(name)) {
        return 'A name cannot contain control characters or line breaks.';
    }
    if (INVISIBLE_CHARACTERS.test(name)) {
        return 'A name cannot contain invisible characters or characters that change the direction of text.';
    }
    return undefined;
}

/** Logs in as `state.name` on the current connection and shows the outcome. */
async function logIn() {
    const chat = state.chat;
    const name = state.name;
    if (chat === undefined || name === undefined) {
        return;
    }
    // Asked before the call: after a refusal the list cannot tell why.
    const taken = Array.isArray(chat.userList) && chat.userList.includes(name);
    let accepted;
    try {
        accepted = await chat.login(name);
    } catch (error) {
        if (chat === state.chat) {
            refuse(`The server refused the name “${isolated(name)}”: ${error.reason ?? error.message}`);
        }
        return;
    }
    if (chat !== state.chat) {
        return; // The connection dropped meanwhile; the next one logs in again.
    }
    if (accepted === true) {
        if (state.wasInRoom) {
            appendNote(`Logged in again as ${isolated(name)}.`);
        }
        state.loggedIn = true;
        state.wasInRoom = true;
        clearNotice();
        setConnection('online', `Connected as ${isolated(name)}`);
        showRoom();
    } else {
        refuse(taken
            ? `The name “${isolated(name)}” is already taken. Choose another.`
            : `The server refused the name “${isolated(name)}”: it is invalid, or looks too much like a name in use.`);
    }
}

/** Back to the login form, the refused name still in it but no longer wanted. */
function refuse(why) {
    showNotice(why);
    page.name.value = state.name ?? page.name.value;
    state.name = undefined;
    state.wasInRoom = false;
    showLogin();
}

async function sendMessage(text) {
    const chat = state.chat;
    if (chat === undefined || !state.loggedIn) {
        showNotice('Not connected: the message was not sent.');
        return false;
    }
    try {
        if (await chat.sendMessage(state.name, text) === true) {
            return true;
        }
        showNotice('The server did not accept the message.');
    } catch (error) {
        showNotice(`The message was not sent: ${error.reason ?? error.message}`);
    }
    return false;
}

/** Wires the proxy of a fresh connection to the page. */
function attach(chat) {
    chat.newMessage.connect((time, user, text) => appendMessage(time, user, text));
    chat.userListChanged.connect(() => {
        renderUsers();
        // Dropped by the server (a keep-alive answer came too late): come back.
        if (state.loggedIn && Array.isArray(chat.userList) && !chat.userList.includes(state.name)) {
            state.loggedIn = false;
            appendNote('The server logged you out (no keep-alive answer in time); logging in again.');
            logIn();
        }
    });
    chat.keepAlive.connect(() => {
        if (state.loggedIn) {
            // Nothing to do when it fails: the server then drops us, and we log in again.
            chat.keepAliveResponse(state.name).catch(() => {});
        }
    });
}

function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Connects, and after every drop connects again (with growing pauses), forever. */
async function stayConnected() {
    let retryMs = FIRST_RETRY_MS;
    for (;;) {
        let channel;
        try {
            channel = await connect(serverUrl());
        } catch {
            setConnection('offline', `Cannot reach the server. Trying again in ${Math.ceil(retryMs / 1000)} s…`);
            await delay(retryMs);
            retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
            setConnection('connecting', 'Connecting…');
            continue;
        }
        retryMs = FIRST_RETRY_MS;
        const chat = channel.objects.chatserver;
        if (chat === undefined) {
            setConnection('offline', 'This server publishes no chat.');
            channel.close();
            return;
        }
        state.chat = chat;
        attach(chat);
        renderUsers();
        if (state.name === undefined) {
            setConnection('online', 'Connected');
        } else {
            setConnection('connecting', `Connected; logging in as ${isolated(state.name)}…`);
            logIn();
        }

        await channel.closed;
        if (state.loggedIn) {
            appendNote('Connection lost; reconnecting…');
        }
        state.chat = undefined;
        state.loggedIn = false;
        setConnection('offline', 'Connection lost. Reconnecting…');
        renderUsers();
        await delay(retryMs);
        setConnection('connecting', 'Reconnecting…');
    }
}

page.loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = page.name.value;
    const problem = nameProblem(name);
    if (problem !== undefined) {
        showNotice(problem);
        page.name.focus();
        return;
    }
    // Sent as the server will show it, so the page can find itself in the user list.
    state.name = shownName(name);
    if (state.chat === undefined) {
        showNotice(`Not connected yet; you will be logged in as “${isolated(state.name)}” once connected.`);
        return;
    }
    logIn();
});

page.sendForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = page.message.value;
    if (text.trim() === '') {
        return;
    }
    page.message.value = '';
    if (!await sendMessage(text) && page.message.value === '') {
        page.message.value = text; // Not lost: the user can try again.
    }
});

stayConnected();
