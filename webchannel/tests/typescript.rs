//! TypeScript declarations generated from the objects of a channel: every kind of member,
//! enums, serde structs that derive `ts_rs::TS`, types without a TypeScript type, and
//! objects as values.

use serde::{Deserialize, Serialize};
use webchannel::{AnyHandle, Channel, Context, Handle, Variant};

/// A priority: travels as its number.
#[derive(Debug, Clone, Copy, webchannel::Enum)]
pub enum Priority {
    /// 0.
    Low,
    /// 1.
    High,
    /// 10.
    Urgent = 10,
}

/// What a client sends to add an entry.
#[derive(Serialize, Deserialize, ts_rs::TS)]
pub struct Draft {
    title: String,
    tags: Vec<String>,
    due: Option<u64>,
}

/// Has no TypeScript type.
#[derive(Serialize, Deserialize)]
pub struct Opaque {
    bytes: Vec<u8>,
}

/// One entry, published as a value.
pub struct Entry {
    title: String,
}

#[webchannel::object]
impl Entry {
    /// The title.
    #[webchannel(property, constant)]
    pub fn title(&self) -> String {
        self.title.clone()
    }
}

/// The list.
#[derive(Default)]
pub struct Board {
    entries: Vec<Handle<Entry>>,
    name: String,
}

#[webchannel::object(enums(Priority))]
impl Board {
    /// The board's name.
    #[webchannel(property, notify = renamed)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Renames the board.
    pub fn set_name(&mut self, name: String, cx: &Context<Self>) {
        self.name = name;
        cx.renamed();
    }

    /// Every entry.
    #[webchannel(property, notify = changed)]
    pub fn entries(&self) -> Vec<Handle<Entry>> {
        self.entries.clone()
    }

    /// Adds an entry.
    ///
    /// Returns it.
    pub fn add(&mut self, draft: Draft, priority: Priority, cx: &Context<Self>) -> Handle<Entry> {
        let _ = priority;
        let entry = Handle::new(Entry { title: draft.title });
        self.entries.push(entry.clone());
        cx.changed();
        entry
    }

    /// Finds an entry by title.
    #[webchannel(name = "find")]
    pub fn find_by_title(&self, title: String) -> Option<Handle<Entry>> {
        let _ = title;
        None
    }

    /// Finds an entry by position.
    #[webchannel(name = "find")]
    pub fn find_at(&self, new: usize) -> Option<Handle<Entry>> {
        self.entries.get(new).cloned()
    }

    /// Takes and returns what TypeScript cannot name.
    pub fn raw(&self, data: Opaque) -> Opaque {
        data
    }

    /// Fails or counts.
    pub async fn count(&self) -> Result<u32, String> {
        Ok(0)
    }

    /// Any object, back.
    pub fn same(&self, object: AnyHandle) -> Option<AnyHandle> {
        Some(object)
    }

    /// Free-form data with objects inside, back.
    pub fn echo(&self, data: Variant) -> Variant {
        data
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    #[webchannel(signal)]
    fn renamed();

    #[webchannel(signal)]
    fn changed();

    /// A note with its author.
    #[webchannel(signal)]
    fn noted(author: &str, text: String, priority: Priority);
}

const EXPECTED: &str = r#"// TypeScript declarations of the objects of a webchannel `Channel`, generated from their
// Rust definitions. Do not edit; generate them again instead.

/** A signal of a published object: `connect` a callback to receive its arguments. */
export interface Signal<Args extends unknown[]> {
    connect(callback: (...args: Args) => void): void;
    disconnect(callback: (...args: Args) => void): void;
}

export type Priority = 0 | 1 | 10;

/**
 * What a client sends to add an entry.
 */
export type Draft = { title: string, tags: Array<string>, due: number | null, };

/** Any published object (Qt's `QObject*`). */
export interface PublishedObject {
    /** Emitted when the object is gone. */
    readonly destroyed: Signal<[]>;
}

/** Any JSON value, whose nodes may be published objects. */
export type Variant = null | boolean | number | string | Array<Variant> | { [key in string]?: Variant } | PublishedObject;

/** The published Rust type `Board`. */
export interface Board {
    /** The keys of enum `Priority`. */
    readonly Priority: { readonly Low: 0; readonly High: 1; readonly Urgent: 10 };
    /** The board's name. */
    name: string;
    /** Every entry. */
    readonly entries: Array<Entry>;
    /**
     * Adds an entry.
     *
     * Returns it.
     */
    add(draft: Draft, priority: Priority): Promise<Entry>;
    /** Finds an entry by title. */
    find(title: string): Promise<Entry | null>;
    /** Finds an entry by position. */
    find(new_: number): Promise<Entry | null>;
    /** Takes and returns what TypeScript cannot name. */
    raw(data: unknown): Promise<unknown>;
    /** Fails or counts. */
    count(): Promise<number>;
    /** Any object, back. */
    same(object: PublishedObject): Promise<PublishedObject | null>;
    /** Free-form data with objects inside, back. */
    echo(data: Variant): Promise<Variant>;
    /** Forgets everything. */
    clear(): Promise<void>;
    /** Emitted when the object is gone. */
    readonly destroyed: Signal<[]>;
    readonly renamed: Signal<[]>;
    readonly changed: Signal<[]>;
    /** A note with its author. */
    readonly noted: Signal<[author: string, text: string, priority: Priority]>;
}

/** The published Rust type `Entry`. */
export interface Entry {
    /** The title. */
    readonly title: string;
    /** Emitted when the object is gone. */
    readonly destroyed: Signal<[]>;
}

/** The objects of the channel by name, as `channel.objects` holds them. */
export interface ChannelObjects {
    board: Board;
}

/** The `channel` a `QWebChannel` hands to its callback. */
export interface WebChannel {
    readonly objects: ChannelObjects;
}
"#;

#[test]
fn declarations_describe_every_member() {
    let channel = Channel::new();
    channel
        .register("board", Board::default())
        .expect("a fresh name");
    assert_eq!(channel.typescript(), EXPECTED);
    assert_eq!(webchannel::typescript::declarations(&channel), EXPECTED);
}

#[test]
fn objects_by_name_and_types_once() {
    let channel = Channel::new();
    channel
        .register("second-board", Board::default())
        .expect("a fresh name");
    channel
        .register("entry", Entry { title: "x".into() })
        .expect("a fresh name");
    channel
        .register("board", Board::default())
        .expect("a fresh name");
    let declarations = channel.typescript();
    assert!(
        declarations.contains(
            "export interface ChannelObjects {\n    board: Board;\n    entry: Entry;\n    \
             \"second-board\": Board;\n}"
        ),
        "{declarations}"
    );
    for once in [
        "export interface Board ",
        "export interface Entry ",
        "export type Draft ",
        "export type Priority ",
    ] {
        assert_eq!(declarations.matches(once).count(), 1, "{once}");
    }
}

#[test]
fn an_empty_channel_declares_no_objects() {
    let declarations = Channel::new().typescript();
    assert!(declarations.contains("export interface ChannelObjects {\n}"));
    assert!(!declarations.contains("export type"));
}

/// A client of the board: objects of any type and free-form data with objects inside.
const CLIENT: &str = r#"import type { PublishedObject, Variant, WebChannel } from "./board";

export async function use(channel: WebChannel): Promise<string> {
    const board = channel.objects.board;
    const entry = await board.add({ title: "x", tags: [], due: null }, board.Priority.High);
    const same: PublishedObject | null = await board.same(entry);
    const data: Variant = { entry, list: [entry, 1, "a", null, true], nested: { board } };
    const back = await board.echo(data);
    return `${entry.title} ${same !== null} ${JSON.stringify(back)}`;
}
"#;

/// Must not type-check: a number is no object.
const WRONG: &str = r#"import type { WebChannel } from "./board";

export async function wrong(channel: WebChannel): Promise<unknown> {
    return channel.objects.board.same(42);
}
"#;

/// `tsc --strict --noEmit` on `file` in `dir`: (success, output).
fn tsc(dir: &std::path::Path, file: &str) -> (bool, String) {
    let js = webchannel_tests::ensure_node_modules();
    let mut command = std::process::Command::new("node");
    command
        .arg(js.join("node_modules/typescript/bin/tsc"))
        .args(["--strict", "--noEmit", "--pretty", "false"])
        .args([
            "--target", "es2022", "--module", "nodenext", "--lib", "es2022",
        ])
        .arg(file)
        .current_dir(dir);
    let mut tsc = webchannel_tests::Process::spawn(&format!("tsc {file}"), &mut command);
    let timeout = std::time::Duration::from_secs(120);
    match tsc.wait_for_exit(timeout) {
        Some(status) => (status.success(), tsc.log()),
        None => tsc.fail(&format!("did not finish within {timeout:?}")),
    }
}

#[test]
fn objects_of_any_type_and_variants_type_check_with_tsc() {
    let dir = std::env::temp_dir().join(format!("webchannel-typescript-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("board.d.ts"), EXPECTED).expect("writable");
    std::fs::write(dir.join("client.ts"), CLIENT).expect("writable");
    std::fs::write(dir.join("wrong.ts"), WRONG).expect("writable");

    let (ok, output) = tsc(&dir, "client.ts");
    assert!(ok, "the client must type-check:\n{output}");
    let (ok, output) = tsc(&dir, "wrong.ts");
    assert!(!ok, "a number for an object must not type-check");
    assert!(
        output.contains("is not assignable to parameter of type 'PublishedObject'"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
