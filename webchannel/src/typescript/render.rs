//! The text of the declarations: one interface per published type, what their signatures
//! need, and the channel's objects by name.

use std::fmt::Write as _;

use crate::object::meta::{
    Declarations, MethodMeta, ObjectMeta, ParamMeta, PropertyMeta, SignalMeta,
};

/// What every file starts with: where it comes from and the signal shape.
const PREAMBLE: &str = "\
// TypeScript declarations of the objects of a webchannel `Channel`, generated from their
// Rust definitions. Do not edit; generate them again instead.

/** A signal of a published object: `connect` a callback to receive its arguments. */
export interface Signal<Args extends unknown[]> {
    connect(callback: (...args: Args) => void): void;
    disconnect(callback: (...args: Args) => void): void;
}
";

/// The whole file for the objects `registered` under their names.
pub(crate) fn file(registered: &[(String, &'static ObjectMeta)]) -> String {
    let mut declarations = Declarations::default();
    for (_, meta) in registered {
        declarations.object(meta);
    }
    // Rendering an interface may meet further objects (as values); render until none is new.
    let mut interfaces = Vec::new();
    while let Some(meta) = declarations.objects().get(interfaces.len()).copied() {
        interfaces.push(interface(meta, &mut declarations));
    }

    let mut out = String::from(PREAMBLE);
    for declaration in declarations.types() {
        out.push('\n');
        out.push_str(declaration);
        out.push('\n');
    }
    for interface in interfaces {
        out.push('\n');
        out.push_str(&interface);
    }
    out.push_str("\n/** The objects of the channel by name, as `channel.objects` holds them. */\n");
    out.push_str("export interface ChannelObjects {\n");
    for (name, meta) in registered {
        let _ = writeln!(out, "    {}: {};", member_name(name), meta.type_name);
    }
    out.push_str("}\n\n/** The `channel` a `QWebChannel` hands to its callback. */\n");
    out.push_str("export interface WebChannel {\n    readonly objects: ChannelObjects;\n}\n");
    out
}

/// `export interface Counter { ... }`.
fn interface(meta: &'static ObjectMeta, declarations: &mut Declarations) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/** The published Rust type `{}`. */\nexport interface {} {{",
        meta.type_name, meta.type_name
    );
    for enumeration in meta.enums {
        declarations.published_enum(enumeration);
        let keys: Vec<String> = enumeration
            .values
            .iter()
            .map(|(key, value)| format!("readonly {}: {value}", member_name(key)))
            .collect();
        let _ = writeln!(
            out,
            "    /** The keys of enum `{}`. */\n    readonly {}: {{ {} }};",
            enumeration.name,
            member_name(enumeration.name),
            keys.join("; ")
        );
    }
    for property in meta.properties {
        write_property(&mut out, property, declarations);
    }
    for method in meta.methods {
        write_method(&mut out, method, declarations);
    }
    out.push_str("    /** Emitted when the object is gone. */\n");
    out.push_str("    readonly destroyed: Signal<[]>;\n");
    for signal in meta.signals {
        write_signal(&mut out, signal, declarations);
    }
    out.push_str("}\n");
    out
}

fn write_property(out: &mut String, property: &PropertyMeta, declarations: &mut Declarations) {
    write_docs(out, property.docs);
    let readonly = if property.writable { "" } else { "readonly " };
    let _ = writeln!(
        out,
        "    {readonly}{}: {};",
        member_name(property.name),
        (property.ty.ts)(declarations)
    );
}

fn write_method(out: &mut String, method: &MethodMeta, declarations: &mut Declarations) {
    write_docs(out, method.docs);
    let params = params(method.params, declarations);
    let returns = match (method.returns.ts)(declarations) {
        // `()`: the call answers `null`, and nothing is there to use.
        nothing if nothing == "null" => "void".to_owned(),
        returns => returns,
    };
    let _ = writeln!(
        out,
        "    {}({}): Promise<{returns}>;",
        member_name(method.name),
        params.join(", ")
    );
}

fn write_signal(out: &mut String, signal: &SignalMeta, declarations: &mut Declarations) {
    write_docs(out, signal.docs);
    let _ = writeln!(
        out,
        "    readonly {}: Signal<[{}]>;",
        member_name(signal.name),
        params(signal.params, declarations).join(", ")
    );
}

/// `name: type` for each parameter.
fn params(params: &[ParamMeta], declarations: &mut Declarations) -> Vec<String> {
    params
        .iter()
        .map(|param| {
            format!(
                "{}: {}",
                parameter_name(param.name),
                (param.ty.ts)(declarations)
            )
        })
        .collect()
}

/// A Rust doc comment as JSDoc.
fn write_docs(out: &mut String, docs: &str) {
    if docs.trim().is_empty() {
        return;
    }
    let docs = docs.replace("*/", "*\\/");
    let mut lines = docs.lines();
    match (lines.next(), lines.next()) {
        (Some(only), None) => {
            let _ = writeln!(out, "    /** {only} */");
        }
        _ => {
            out.push_str("    /**\n");
            for line in docs.lines() {
                if line.is_empty() {
                    out.push_str("     *\n");
                } else {
                    let _ = writeln!(out, "     * {line}");
                }
            }
            out.push_str("     */\n");
        }
    }
}

/// A member name as written in an interface: quoted unless it is an identifier.
fn member_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

/// A parameter name: a word JavaScript reserves gets a `_` (`new` → `new_`).
fn parameter_name(name: &str) -> String {
    if RESERVED.contains(&name) || !is_identifier(name) {
        format!(
            "{}_",
            name.replace(|ch: char| !ch.is_ascii_alphanumeric(), "_")
        )
    } else {
        name.to_owned()
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')
}

/// Words that cannot name a parameter in strict-mode TypeScript.
const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "await",
    "arguments",
    "eval",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_typescript() {
        assert_eq!(member_name("userList"), "userList");
        assert_eq!(member_name("my-object"), "\"my-object\"");
        assert_eq!(parameter_name("new"), "new_");
        assert_eq!(parameter_name("userName"), "userName");
        assert_eq!(parameter_name("arg0"), "arg0");
    }

    #[test]
    fn docs_become_jsdoc() {
        let mut out = String::new();
        write_docs(&mut out, "One line.");
        write_docs(&mut out, "");
        write_docs(&mut out, "First.\n\nEnds a comment */ here.");
        assert_eq!(
            out,
            "    /** One line. */\n    /**\n     * First.\n     *\n     * Ends a comment *\\/ here.\n     */\n"
        );
    }
}
