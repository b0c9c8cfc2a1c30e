//! Tokens → [`Input`]: reads the macro arguments, the impl block and every
//! `#[webchannel(...)]` attribute, and removes from the impl block what must not be
//! re-emitted (those attributes and the signal declarations). Only syntax is checked
//! here; what the items mean is `check`'s business.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    Attribute, Expr, ExprLit, ForeignItemFn, Ident, ImplItem, Item, ItemImpl, Lit, LitStr, Meta,
    Path, PathSegment, Token,
};

use crate::attr::{
    ACCEPTED_KEYS, BINDABLE, CFG, CLUSTER, CONSTANT, CRATE, CRATE_USAGE, DOC, ENUMS, KEYS, NAME,
    NOTIFY, ON_DISCONNECT, PROPERTY, SIGNAL, SKIP, WEBCHANNEL,
};
use crate::display::type_text;
use crate::errors::Errors;
use crate::model::{CopiedAttrs, FnInput, Input, Options};
use crate::naming::closest;

/// Reads `#[webchannel::object(args)] item`. `None` when `item` is not an impl block at
/// all (the error is in `errors`).
pub(crate) fn parse(args: TokenStream, item: TokenStream, errors: &mut Errors) -> Option<Input> {
    let Args { krate, enums } = parse_args(args, errors);
    let mut item = match syn::parse2::<Item>(item) {
        Ok(Item::Impl(item)) => item,
        Ok(other) => {
            let (span, what) = describe(&other);
            errors.at(
                span,
                format_args!(
                    "#[webchannel::object] goes on an inherent impl block \
                     (`impl MyType {{ ... }}`), not on {what}"
                ),
            );
            return None;
        }
        Err(error) => {
            errors.push(error);
            return None;
        }
    };

    let fns = read_fns(&mut item, errors);
    Some(Input {
        krate,
        enums,
        item,
        fns,
    })
}

/// Reads every fn of the impl block, and leaves in it what is re-emitted: the items
/// without their `#[webchannel(...)]` attributes, and no signal declarations.
fn read_fns(item: &mut ItemImpl, errors: &mut Errors) -> Vec<FnInput> {
    let mut fns = Vec::new();
    let mut kept = Vec::with_capacity(item.items.len());
    for impl_item in std::mem::take(&mut item.items) {
        errors.about_fn(fns.len());
        match impl_item {
            ImplItem::Fn(mut function) => {
                let options = take_options(&mut function.attrs, errors);
                fns.push(FnInput {
                    options,
                    copied: copied_attrs(&function.attrs),
                    vis: function.vis.clone(),
                    sig: function.sig.clone(),
                    body: Some(function.block.brace_token.span.open()),
                });
                kept.push(ImplItem::Fn(function));
            }
            // `fn name(...);` is not valid in an impl, so syn leaves it as tokens. A
            // declaration becomes a signal (or an error) and is not re-emitted.
            ImplItem::Verbatim(tokens) => match syn::parse2::<ForeignItemFn>(tokens.clone()) {
                Ok(declaration) => fns.push(read_declaration(declaration, errors)),
                Err(_) => kept.push(ImplItem::Verbatim(tokens)),
            },
            mut other => {
                if let Some(attrs) = other_attrs(&mut other) {
                    reject_options(attrs, errors);
                }
                kept.push(other);
            }
        }
    }
    item.items = kept;
    fns
}

/// A bodiless `fn name(...);`.
fn read_declaration(mut declaration: ForeignItemFn, errors: &mut Errors) -> FnInput {
    let options = take_options(&mut declaration.attrs, errors);
    FnInput {
        options,
        copied: copied_attrs(&declaration.attrs),
        vis: declaration.vis,
        sig: declaration.sig,
        body: None,
    }
}

/// The macro arguments: `crate = "path"` and `enums(A, B)`.
fn parse_args(args: TokenStream, errors: &mut Errors) -> Args {
    let mut krate: Option<Path> = None;
    let mut enums: Option<Vec<Path>> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident(ENUMS) {
            let usage = |error: syn::Error| syn::Error::new(error.span(), ENUMS_USAGE);
            let parenthesized = || {
                let content;
                syn::parenthesized!(content in meta.input);
                Ok(content)
            };
            let content = parenthesized().map_err(usage)?;
            let listed: Vec<Path> = Punctuated::<Path, Token![,]>::parse_terminated(&content)
                .map_err(usage)?
                .into_iter()
                .collect();
            if enums.replace(listed).is_some() {
                return Err(
                    meta.error("`enums` is given twice; list every enum in one `enums(...)`")
                );
            }
            return Ok(());
        }
        if !meta.path.is_ident(CRATE) {
            return Err(meta.error(format_args!(
                "unknown argument `{}` to #[webchannel::object]; the accepted arguments are \
                 `crate = \"path::to::webchannel\"` and `enums(MyEnum, ...)`",
                type_text(&meta.path)
            )));
        }
        crate_value(&meta, &mut krate)
    });
    if let Err(error) = parser.parse2(args) {
        errors.push(error);
    }
    Args {
        krate: krate.unwrap_or_else(default_crate),
        enums: enums.unwrap_or_default(),
    }
}

/// The `"path"` of `crate = "path"` (the key already read), into `krate`.
pub(crate) fn crate_value(meta: &ParseNestedMeta<'_>, krate: &mut Option<Path>) -> syn::Result<()> {
    let literal: LitStr = meta
        .value()?
        .parse()
        .map_err(|error| syn::Error::new(error.span(), CRATE_USAGE))?;
    let path = literal
        .parse::<Path>()
        .map_err(|_| syn::Error::new(literal.span(), CRATE_USAGE))?;
    if krate.replace(path).is_some() {
        return Err(syn::Error::new(literal.span(), "`crate` is given twice"));
    }
    Ok(())
}

/// What the macro arguments say.
struct Args {
    krate: Path,
    enums: Vec<Path>,
}

/// How `enums(...)` is written, for its error messages.
const ENUMS_USAGE: &str = "`enums` lists the published enums by type: `enums(Mode, fan::Speed)`, \
     each deriving `webchannel::Enum`";

/// `::webchannel`.
pub(crate) fn default_crate() -> Path {
    let name = crate::attr::DEFAULT_CRATE.trim_start_matches("::");
    let mut path = Path::from(PathSegment::from(Ident::new(name, Span::call_site())));
    path.leading_colon = Some(Default::default());
    path
}

/// Removes every `#[webchannel(...)]` from `attrs` and reads what they say.
fn take_options(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    attrs.retain(|attr| {
        if !attr.path().is_ident(WEBCHANNEL) {
            return true;
        }
        if let Err(error) = read_options(attr, &mut options) {
            options.malformed = true;
            errors.push(error);
        }
        false
    });
    options
}

/// Removes `#[webchannel(...)]` from an impl item that cannot carry one, with an error.
fn reject_options(attrs: &mut Vec<Attribute>, errors: &mut Errors) {
    attrs.retain(|attr| {
        if !attr.path().is_ident(WEBCHANNEL) {
            return true;
        }
        errors.over(
            attr,
            "#[webchannel(...)] goes on fns only: methods, property getters and signals",
        );
        false
    });
}

/// Reads one `#[webchannel(...)]` into `options`.
fn read_options(attr: &Attribute, options: &mut Options) -> syn::Result<()> {
    attr.parse_nested_meta(|meta| {
        let key_span = meta.path.span();
        let flags = [
            (PROPERTY, &mut options.property),
            (SIGNAL, &mut options.signal),
            (CLUSTER, &mut options.cluster),
            (SKIP, &mut options.skip),
            (CONSTANT, &mut options.constant),
            (BINDABLE, &mut options.bindable),
            (ON_DISCONNECT, &mut options.on_disconnect),
        ];
        if let Some((key, slot)) = flags.into_iter().find(|(key, _)| meta.path.is_ident(key)) {
            return set_once(slot, key_span, key_span, key);
        }
        if meta.path.is_ident(NAME) {
            let name = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "`name` takes the published name as a string: `name = \"reset\"`",
                )
            })?;
            return set_once(&mut options.name, name, key_span, NAME);
        }
        if meta.path.is_ident(NOTIFY) {
            let signal = meta.value()?.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "`notify` takes the Rust name of a signal declared in this impl: \
                     `notify = value_changed`",
                )
            })?;
            return set_once(&mut options.notify, signal, key_span, NOTIFY);
        }
        let given = type_text(&meta.path);
        let meant = closest(&given, KEYS)
            .map(|key| format!("did you mean `{key}`? Expected"))
            .unwrap_or_else(|| "expected".to_owned());
        Err(meta.error(format_args!(
            "unknown webchannel option `{given}`; {meant} one of: {ACCEPTED_KEYS}"
        )))
    })
}

/// Fills `slot` with `value` for `key`, written at `span`; a key given twice is an error
/// there.
fn set_once<T>(slot: &mut Option<T>, value: T, span: Span, key: &str) -> syn::Result<()> {
    if slot.replace(value).is_some() {
        return Err(syn::Error::new(
            span,
            format_args!("`{key}` is given twice"),
        ));
    }
    Ok(())
}

/// The docs and cfgs of an item, which everything generated from it carries too.
fn copied_attrs(attrs: &[Attribute]) -> CopiedAttrs {
    let mut copied = CopiedAttrs::default();
    let mut lines = Vec::new();
    for attr in attrs {
        if attr.path().is_ident(DOC) {
            copied.docs.push(attr.clone());
            if let Meta::NameValue(name_value) = &attr.meta
                && let Expr::Lit(ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) = &name_value.value
            {
                let text = text.value();
                lines.extend(
                    text.split('\n')
                        .map(|line| line.strip_prefix(' ').unwrap_or(line).to_owned()),
                );
            }
        } else if attr.path().is_ident(CFG) {
            copied.cfgs.push(attr.clone());
        }
    }
    copied.doc_text = lines.join("\n");
    copied
}

/// The attributes of an impl item other than a fn.
fn other_attrs(item: &mut ImplItem) -> Option<&mut Vec<Attribute>> {
    match item {
        ImplItem::Const(item) => Some(&mut item.attrs),
        ImplItem::Type(item) => Some(&mut item.attrs),
        ImplItem::Macro(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// Where to point, and what to call an item that is not an impl block.
fn describe(item: &Item) -> (Span, &'static str) {
    match item {
        Item::Struct(item) => (item.struct_token.span, "a struct"),
        Item::Enum(item) => (item.enum_token.span, "an enum"),
        Item::Union(item) => (item.union_token.span, "a union"),
        Item::Fn(item) => (item.sig.fn_token.span, "a fn"),
        Item::Trait(item) => (item.trait_token.span, "a trait"),
        Item::Mod(item) => (item.mod_token.span, "a module"),
        Item::Const(item) => (item.const_token.span, "a const"),
        Item::Static(item) => (item.static_token.span, "a static"),
        Item::Type(item) => (item.type_token.span, "a type alias"),
        Item::Use(item) => (item.use_token.span, "a use declaration"),
        _ => (Span::call_site(), "this item"),
    }
}
