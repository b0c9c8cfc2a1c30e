//! Which object and method an `invokeMethod` names. A call by name picks among
//! overloads the way Qt scores them: every argument is rated by how well its JSON type fits
//! the parameter (an exact match beats a conversion, a mismatch rules the method out in
//! favour of any that fits), and ties go to the first declared.

use std::sync::Arc;

use serde_json::value::RawValue;

use crate::channel::Channel;
use crate::error::{InvokeError, InvokeErrorKind};
use crate::ids::SessionId;
use crate::object::call::{arity_error, overload_error};
use crate::object::erased::ErasedObject;
use crate::object::meta::{MethodMeta, ObjectMeta, TypeMeta};
use crate::protocol::message::{self, Invoke, MethodRef};

/// The object and the method position an `invokeMethod` names, with the argument count
/// checked.
pub(super) fn method(
    channel: &Channel,
    session: SessionId,
    invoke: &Invoke<'_>,
) -> Result<(Arc<dyn ErasedObject>, usize), InvokeError> {
    let object = channel.object_for(session, &invoke.object).ok_or_else(|| {
        InvokeError::new(
            InvokeErrorKind::UnknownObject,
            format!("no object named {:?}", message::abbreviate(&invoke.object)),
        )
    })?;
    let meta = object.core().meta();
    let name = object.core().name();
    let position = match &invoke.method {
        MethodRef::Index(index) => meta.method_position(*index).ok_or_else(|| {
            InvokeError::new(
                InvokeErrorKind::UnknownMethod,
                format!("{name} has no method with index {index}"),
            )
        })?,
        MethodRef::Name(method) => {
            let (position, fit) = best_overload(meta, method, &invoke.args).ok_or_else(|| {
                InvokeError::new(
                    InvokeErrorKind::UnknownMethod,
                    format!(
                        "{name} has no method named {:?}",
                        message::abbreviate(method)
                    ),
                )
            })?;
            // Overloads that all refuse the arguments: say what each takes. (A single
            // method's own errors say which argument is wrong.)
            if fit >= MISMATCH && meta.methods_named(method).nth(1).is_some() {
                let overloads = meta.methods_named(method).map(|at| &meta.methods[at]);
                return Err(overload_error(name, method, overloads, &invoke.args));
            }
            position
        }
    };
    let method = &meta.methods[position];
    if invoke.args.len() > method.params.len() {
        return Err(arity_error(name, method, invoke.args.len()));
    }
    Ok((object, position))
}

/// The method named `name` that the arguments fit best (the first declared among
/// equals), with how badly they fit it: [`MISMATCH`] or more when they do not.
fn best_overload(meta: &ObjectMeta, name: &str, args: &[&RawValue]) -> Option<(usize, u32)> {
    meta.methods_named(name)
        .map(|position| (position, score(&meta.methods[position], args)))
        .min_by_key(|&(position, score)| (score, position))
}

/// How badly `args` fit `method`: 0 is a perfect fit.
fn score(method: &MethodMeta, args: &[&RawValue]) -> u32 {
    let extra = args.len().saturating_sub(method.params.len());
    let extra = u32::try_from(extra).unwrap_or(u32::MAX);
    method
        .params
        .iter()
        .enumerate()
        .map(|(position, param)| match args.get(position) {
            Some(arg) => fit(&param.ty, Kind::of(arg)),
            // A missing trailing argument reads as null.
            None => fit(&param.ty, Kind::Null),
        })
        .fold(extra.saturating_mul(MISMATCH), u32::saturating_add)
}

const EXACT: u32 = 0;
const CONVERSION: u32 = 1;
const LOOSE: u32 = 2;
const MISMATCH: u32 = 1_000;

/// The JSON type of an argument.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Integer,
    Float,
    String,
    Array,
    Object,
}

impl Kind {
    fn of(arg: &RawValue) -> Self {
        let json = arg.get();
        match json.as_bytes().first() {
            Some(b'n') => Self::Null,
            Some(b't' | b'f') => Self::Bool,
            Some(b'"') => Self::String,
            Some(b'[') => Self::Array,
            Some(b'{') => Self::Object,
            _ if json.contains(['.', 'e', 'E']) => Self::Float,
            _ => Self::Integer,
        }
    }
}

fn is_optional(ty: &TypeMeta) -> bool {
    ty.rust.starts_with("Option<")
}

/// How well a value of `kind` fits a parameter of type `ty`.
fn fit(ty: &TypeMeta, kind: Kind) -> u32 {
    if kind == Kind::Null {
        return if is_optional(ty) {
            EXACT
        } else if matches!(ty.qt, "QVariant" | "QJsonValue") {
            CONVERSION
        } else {
            MISMATCH
        };
    }
    match (ty.qt, kind) {
        ("QString", Kind::String)
        | ("bool", Kind::Bool)
        | ("int" | "uint" | "qlonglong" | "qulonglong", Kind::Integer)
        | ("double" | "float", Kind::Float)
        | ("QStringList" | "QVariantList", Kind::Array)
        | ("QVariantMap" | "QObject*", Kind::Object) => EXACT,
        ("double" | "float", Kind::Integer) | ("QChar", Kind::String) => CONVERSION,
        ("QJsonValue", _) => CONVERSION,
        // A user type: most likely a struct, sent as a JSON object.
        ("QVariant", Kind::Object) => CONVERSION,
        ("QVariant", _) => LOOSE,
        // Enums travel as numbers; their Qt name is their own.
        (qt, Kind::Integer) if !is_builtin(qt) => EXACT,
        _ => MISMATCH,
    }
}

fn is_builtin(qt: &str) -> bool {
    matches!(
        qt,
        "QString"
            | "QChar"
            | "bool"
            | "int"
            | "uint"
            | "qlonglong"
            | "qulonglong"
            | "double"
            | "float"
            | "QStringList"
            | "QVariantList"
            | "QVariantMap"
            | "QObject*"
            | "QJsonValue"
            | "QVariant"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::meta::{MethodMeta, ObjectMeta, ParamMeta, TypeMeta};

    const fn ty(rust: &'static str, qt: &'static str) -> TypeMeta {
        TypeMeta {
            rust,
            qt,
            ts: crate::object::ts_probe::ts_unknown,
        }
    }

    const fn method(params: &'static [ParamMeta]) -> MethodMeta {
        MethodMeta {
            name: "add",
            signature: "add(...)",
            params,
            returns: ty("()", "void"),
            is_async: false,
            docs: "",
        }
    }

    static META: ObjectMeta = ObjectMeta {
        type_name: "Calculator",
        methods: &[
            method(&[
                ParamMeta {
                    name: "a",
                    ty: ty("i64", "qlonglong"),
                },
                ParamMeta {
                    name: "b",
                    ty: ty("i64", "qlonglong"),
                },
            ]),
            method(&[
                ParamMeta {
                    name: "a",
                    ty: ty("f64", "double"),
                },
                ParamMeta {
                    name: "b",
                    ty: ty("f64", "double"),
                },
            ]),
            method(&[
                ParamMeta {
                    name: "a",
                    ty: ty("String", "QString"),
                },
                ParamMeta {
                    name: "b",
                    ty: ty("String", "QString"),
                },
            ]),
            method(&[ParamMeta {
                name: "values",
                ty: ty("Vec<i64>", "QVariantList"),
            }]),
            method(&[
                ParamMeta {
                    name: "value",
                    ty: ty("serde_json::Value", "QJsonValue"),
                },
                ParamMeta {
                    name: "note",
                    ty: ty("Option<String>", "QString"),
                },
            ]),
        ],
        properties: &[],
        signals: &[],
        enums: &[],
    };

    fn pick(args: &str) -> Option<usize> {
        let args: Vec<&RawValue> = serde_json::from_str(args).expect("test arguments are JSON");
        best_overload(&META, "add", &args).map(|(position, _)| position)
    }

    #[test]
    fn exact_types_win() {
        assert_eq!(pick("[1, 2]"), Some(0));
        assert_eq!(pick("[1.5, 2.5]"), Some(1));
        assert_eq!(pick(r#"["a", "b"]"#), Some(2));
        assert_eq!(pick("[[1, 2]]"), Some(3));
    }

    #[test]
    fn a_conversion_beats_a_mismatch() {
        // 1.5 cannot be an integer; 2 converts to a float.
        assert_eq!(pick("[1.5, 2]"), Some(1));
    }

    #[test]
    fn a_missing_optional_argument_still_fits() {
        assert_eq!(pick(r#"[{"x": 1}]"#), Some(4));
    }

    #[test]
    fn nothing_fitting_falls_back_deterministically() {
        assert_eq!(
            pick(r#"[true, false, true]"#),
            pick(r#"[true, false, true]"#)
        );
        assert_eq!(pick("[]"), Some(4));
    }

    #[test]
    fn a_call_that_fits_no_overload_is_told_every_one() {
        let error = |args: &str| {
            let args: Vec<&RawValue> = serde_json::from_str(args).expect("test arguments are JSON");
            let overloads = META.methods_named("add").map(|at| &META.methods[at]);
            let error = overload_error("calc", "add", overloads, &args);
            (error.kind(), error.message().to_owned())
        };
        let takes = "calc.add takes (a: integer, b: integer), (a: number, b: number), \
                     (a: string, b: string), (values: array) or (value: any, note: string | null)";
        assert_eq!(
            error("[1, 2, 3]"),
            (
                InvokeErrorKind::ArgumentCount,
                format!("{takes}; got 3 arguments")
            )
        );
        assert_eq!(
            error(r#"[true, "x"]"#),
            (
                InvokeErrorKind::ArgumentType,
                format!("{takes}; got (boolean, string)")
            )
        );
    }

    #[test]
    fn unknown_names_have_no_candidate() {
        assert_eq!(best_overload(&META, "subtract", &[]), None);
    }
}
