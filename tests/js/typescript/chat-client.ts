// A typed chat client, checked by `tsc --strict` against the declarations that
// `chatserver --emit-typescript` prints (copied beside this file as `chatserver.d.ts`).
import type { ChatServer, WebChannel } from "./chatserver";

/** Logs in as `name`, says hello, and returns who is there. */
export async function chat(channel: WebChannel, name: string): Promise<string[]> {
    const server: ChatServer = channel.objects.chatserver;
    server.newMessage.connect((time, user, msg) => {
        const line: string = `[${time}] ${user}: ${msg}`;
        console.log(line);
    });
    const answer = (): void => {
        void server.keepAliveResponse(name);
    };
    server.keepAlive.connect(answer);
    server.userListChanged.connect(() => console.log(server.userList.join(", ")));
    if (!(await server.login(name))) {
        throw new Error(`${name} is taken`);
    }
    const sent: boolean = await server.sendMessage(name, "hello");
    console.log(sent ? "sent" : "refused");
    server.keepAlive.disconnect(answer);
    const done: void = await server.keepAliveResponse(name);
    console.log(done);
    const everyone: string[] = [...server.userList];
    await server.logout(name);
    return everyone;
}
