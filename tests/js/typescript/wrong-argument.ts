// Must not type-check: `login` takes the user name as a string.
import type { WebChannel } from "./chatserver";

export async function wrong(channel: WebChannel): Promise<boolean> {
    return channel.objects.chatserver.login(42);
}
