// Must not type-check: `userList` has no setter on the server, so it is read-only.
import type { WebChannel } from "./chatserver";

export function wrong(channel: WebChannel): void {
    channel.objects.chatserver.userList = [];
}
