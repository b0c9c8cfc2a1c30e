// Drives one instance of Qt's QML ChatClient example (qmlchatclient.qml), unchanged, the way
// a person would: wait for the login window, type a name, press Login, read the user list,
// type a message, read the chat. It loads the client from where Qt installs it (the client
// is Qt's code, not ours) and finds the client's parts by the properties they expose.
//
// Run it with qmlscene; everything after this file's name is an option of the harness:
//
//   QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
//     qmlscene chat_client_harness.qml --user=alice --say=hello --expect-user=bob \
//     --expect-message=bob:hi
//
//   --client=URL             the client to drive (default: Debian's qtwebchannel5-examples copy)
//   --user=NAME              the name to log in with (required), as the user list shows it
//   --type=TEXT              what to type into the name field instead of NAME (a name the
//                            server shows as NAME, such as NAME with spaces around it)
//   --say=TEXT               a message to send once every expected user is in the user list
//   --expect-user=NAME       a user that must appear in the user list (repeatable)
//   --expect-message=NAME:TEXT  a line `[HH:mm:ss] NAME: TEXT` that must appear in the chat
//                            (repeatable; NAME ends at the first colon)
//   --expect-name-in-use     the login must be refused with "Name already in use" instead
//   --timeout-ms=N           give up after N ms (default 20000)
//   --stay                   keep the client connected after success, until killed
//
// The outcome is one line on stderr (where qmlscene sends console output):
//   HARNESS-RESULT ok {json}   or   HARNESS-RESULT fail {json}
// and the exit code: 0 on success, 1 on failure or timeout, 2 on bad options. Progress goes
// to stderr as `harness: ...` lines.

import QtQml 2.12

QtObject {
    id: harness

    readonly property string defaultClient:
        "file:///usr/lib/x86_64-linux-gnu/qt5/examples/webchannel/chatclient-qml/qmlchatclient.qml"
    readonly property string resultMarker: "HARNESS-RESULT"

    property var options
    // The client's root (its ApplicationWindow) and the parts of it the harness works.
    property var client
    property var parts
    // Where the harness is: connect, login, logged-in, chat, done.
    property string phase: "start"
    property double startedAt: Date.now()

    property Timer poll: Timer {
        interval: 50
        repeat: true
        onTriggered: harness.step()
    }

    Component.onCompleted: {
        try {
            options = parseOptions(Qt.application.arguments);
        } catch (error) {
            finish(false, "bad options: " + error.message, 2);
            return;
        }
        var component = Qt.createComponent(options.client);
        if (component.status !== Component.Ready) {
            finish(false, "cannot load " + options.client + ": " + component.errorString(), 1);
            return;
        }
        client = component.createObject(null);
        if (!client) {
            finish(false, "cannot create " + options.client + ": " + component.errorString(), 1);
            return;
        }
        parts = findParts(client);
        var missing = ["loginWindow", "loginForm", "mainForm", "errorDialog"].filter(function (name) {
            return !parts[name];
        });
        if (missing.length) {
            finish(false, "the client has changed: cannot find its " + missing.join(", "), 1);
            return;
        }
        enter("connect");
        poll.start();
    }

    // Options: everything after the first argument naming a .qml file (qmlscene's own
    // options come before it).
    function parseOptions(args) {
        var parsed = {
            client: defaultClient,
            user: "",
            typed: "",
            say: "",
            expectUsers: [],
            expectMessages: [],
            expectNameInUse: false,
            timeoutMs: 20000,
            stay: false
        };
        var flags = ["--expect-name-in-use", "--stay"];
        var valued = ["--client", "--user", "--type", "--say", "--expect-user", "--expect-message", "--timeout-ms"];
        var first = 0;
        while (first < args.length && !/\.qml$/.test(args[first]))
            ++first;
        for (var i = first + 1; i < args.length; ++i) {
            var arg = args[i];
            var eq = arg.indexOf("=");
            var key = eq < 0 ? arg : arg.slice(0, eq);
            var value = eq < 0 ? null : arg.slice(eq + 1);
            var isFlag = flags.indexOf(key) >= 0;
            if (!isFlag && valued.indexOf(key) < 0)
                throw new Error("unknown option " + arg);
            if (isFlag === (value !== null))
                throw new Error(isFlag ? key + " takes no value" : key + " needs a value");
            switch (key) {
            case "--client": parsed.client = value; break;
            case "--user": parsed.user = value; break;
            case "--type": parsed.typed = value; break;
            case "--say": parsed.say = value; break;
            case "--expect-user": parsed.expectUsers.push(value); break;
            case "--expect-message":
                var colon = value.indexOf(":");
                if (colon < 1)
                    throw new Error("--expect-message needs NAME:TEXT, got " + value);
                parsed.expectMessages.push({ user: value.slice(0, colon), text: value.slice(colon + 1) });
                break;
            case "--expect-name-in-use": parsed.expectNameInUse = true; break;
            case "--timeout-ms":
                parsed.timeoutMs = parseInt(value, 10);
                if (!(parsed.timeoutMs > 0))
                    throw new Error("--timeout-ms needs a positive number, got " + value);
                break;
            case "--stay": parsed.stay = true; break;
            }
        }
        if (!parsed.user)
            throw new Error("--user=NAME is required");
        if (parsed.expectNameInUse && (parsed.say || parsed.expectUsers.length || parsed.expectMessages.length))
            throw new Error("--expect-name-in-use cannot be combined with --say or --expect-*");
        return parsed;
    }

    // Walks the client's object tree (a window's data, contentItem and children) and picks
    // out its parts by the aliases and properties Qt's forms declare.
    function findParts(root) {
        var found = {};
        var seen = [];
        function isWindow(object) {
            return object.contentItem !== undefined && object.visibility !== undefined;
        }
        function visit(object, window, depth) {
            if (!object || depth > 16 || seen.indexOf(object) >= 0)
                return;
            seen.push(object);
            if (object !== root && isWindow(object))
                window = object;
            if (object.userName !== undefined && object.loginButton !== undefined
                    && object.nameInUseError !== undefined) {
                found.loginForm = object;
                found.loginWindow = window;
            } else if (object.chat !== undefined && object.userlist !== undefined
                       && object.message !== undefined) {
                found.mainForm = object;
            } else if (object.standardButtons !== undefined && object.text !== undefined) {
                found.errorDialog = object;
            }
            var children = [];
            if (object.data)
                for (var i = 0; i < object.data.length; ++i)
                    children.push(object.data[i]);
            if (object.contentItem)
                children.push(object.contentItem);
            if (object.children)
                for (var j = 0; j < object.children.length; ++j)
                    children.push(object.children[j]);
            children.forEach(function (child) { visit(child, window, depth + 1); });
        }
        visit(root, null, 0);
        return found;
    }

    function userList() {
        return parts.mainForm.userlist.text.split("\n").filter(function (line) { return line.length; });
    }

    function chatLines() {
        return parts.mainForm.chat.text.split("\n").filter(function (line) { return line.length; });
    }

    function escapeRegExp(text) {
        return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }

    // Whether the chat shows `[HH:mm:ss] user: text`, as the client formats newMessage.
    function chatShows(user, text) {
        var line = new RegExp("^\\[\\d\\d:\\d\\d:\\d\\d\\] " + escapeRegExp(user) + ": "
                              + escapeRegExp(text) + "$");
        return chatLines().some(function (shown) { return line.test(shown); });
    }

    function expectedMessages() {
        var messages = options.expectMessages.slice();
        if (options.say)
            messages.push({ user: options.user, text: options.say });
        return messages;
    }

    function enter(next) {
        phase = next;
        console.log("harness: " + options.user + ": " + next + " after " + (Date.now() - startedAt) + " ms");
    }

    function step() {
        if (phase === "done")
            return;
        if (parts.errorDialog.visible) {
            finish(false, "the client shows an error: " + parts.errorDialog.text, 1);
            return;
        }
        if (Date.now() - startedAt > options.timeoutMs) {
            finish(false, "timed out after " + options.timeoutMs + " ms in phase " + phase, 1);
            return;
        }
        switch (phase) {
        case "connect":
            // The client opens the login window when the socket opens, and sets `channel`
            // once the server has described its objects; only then can Login work.
            if (client.channel && parts.loginWindow.visible) {
                parts.loginForm.userName.text = options.typed || options.user;
                parts.loginForm.loginButton.clicked();
                enter("login");
            }
            break;
        case "login":
            if (parts.loginForm.nameInUseError.visible) {
                if (options.expectNameInUse)
                    finish(true, "the login was refused: name already in use", 0);
                else
                    finish(false, "the login was refused: name already in use", 1);
            } else if (!parts.loginWindow.visible) {
                if (options.expectNameInUse)
                    finish(false, "the login succeeded, but the name should have been in use", 1);
                else
                    enter("logged-in");
            }
            break;
        case "logged-in":
            var users = userList();
            var wanted = [options.user].concat(options.expectUsers);
            if (wanted.every(function (user) { return users.indexOf(user) >= 0; })) {
                if (options.say) {
                    parts.mainForm.message.text = options.say;
                    parts.mainForm.message.editingFinished();
                }
                enter("chat");
            }
            break;
        case "chat":
            if (expectedMessages().every(function (message) { return chatShows(message.user, message.text); }))
                finish(true, "saw every expected user and message", 0);
            break;
        }
    }

    function finish(ok, reason, exitCode) {
        var failedIn = phase;
        phase = "done";
        var report = {
            user: options ? options.user : null,
            reason: reason,
            phase: failedIn,
            elapsedMs: Date.now() - startedAt,
            userList: parts && parts.mainForm ? userList() : [],
            chat: parts && parts.mainForm ? chatLines() : []
        };
        console.log(resultMarker + " " + (ok ? "ok " : "fail ") + JSON.stringify(report));
        poll.stop();
        if (ok && options.stay)
            return;
        // Qt.exit only works once the event loop runs; the harness may finish before it does.
        Qt.callLater(function () { Qt.exit(exitCode); });
    }
}
