//! What a rejected impl block expands to besides its errors: the pieces that keep the
//! rest of the crate compiling. That they compile without further errors is proven by
//! the UI tests; these tests pin which pieces are there.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{ImplItem, Item, ItemImpl};

/// The items emitted for a rejected `item`, with the `compile_error!`s left out.
fn fallback_items(args: TokenStream, item: TokenStream) -> Vec<Item> {
    let Err(rejected) = crate::expand(args, item) else {
        panic!("expected errors");
    };
    let file: syn::File = syn::parse2(rejected.into_tokens()).expect("the output parses");
    file.items
        .into_iter()
        .filter(|item| !matches!(item, Item::Macro(_)))
        .collect()
}

/// The impl blocks among `items` whose self type is written `self_ty`, anywhere (inside
/// `const _: () = { ... };` too), as text.
fn impls_of(items: &[Item], self_ty: &str) -> Vec<String> {
    let mut found = Vec::new();
    for item in items {
        match item {
            Item::Impl(block) if text(&block.self_ty) == self_ty => found.push(text(block)),
            Item::Const(constant) => {
                let block = constant.expr.to_token_stream();
                let inner: syn::Block = syn::parse2(block).expect("a block");
                let nested: Vec<Item> = inner
                    .stmts
                    .into_iter()
                    .filter_map(|stmt| match stmt {
                        syn::Stmt::Item(item) => Some(item),
                        _ => None,
                    })
                    .collect();
                found.extend(impls_of(&nested, self_ty));
            }
            _ => {}
        }
    }
    found
}

fn text(tokens: impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

/// The fn names of the one impl block of `self_ty` that is no trait impl, outside the
/// `const _`.
fn inherent_fns(items: &[Item], self_ty: &str) -> Vec<String> {
    let blocks: Vec<&ItemImpl> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() && text(&block.self_ty) == self_ty => {
                Some(block)
            }
            _ => None,
        })
        .collect();
    assert_eq!(blocks.len(), 1, "one inherent impl of {self_ty}");
    blocks[0]
        .items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_impl_block_is_kept_without_the_macros_attributes() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl T {
                #[webchannel(bogus)]
                pub fn a(&self) {}
                pub fn b(&self) {}
                #[webchannel(signal)]
                fn changed();
            }
        },
    );
    assert_eq!(inherent_fns(&items, "T"), ["a", "b"]);
    let all = text(quote!(#(#items)*));
    assert!(!all.contains("bogus"), "the attribute is gone: {all}");
}

#[test]
fn the_type_is_an_object_with_empty_tables() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl T {
                pub fn a(&self, text: &str) {}
                #[webchannel(property, constant)]
                pub fn b(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn changed();
            }
        },
    );
    let impls = impls_of(&items, "T");
    let object = impls
        .iter()
        .find(|block| block.contains("Object for T"))
        .expect("an Object impl");
    assert!(object.contains("type Signals = TSignals"), "{object}");
    for table in ["methods", "properties", "signals", "enums"] {
        assert!(
            object.contains(&format!("{table} : & []")),
            "{table}: {object}"
        );
    }
}

#[test]
fn every_signal_the_code_may_emit_has_an_emitter() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl T {
                #[webchannel(property, notify = level_changd)]
                pub fn level(&self) -> u32 { 1 }
                pub fn fill(&mut self, cx: &Context<Self>) { cx.level_changd(2, 3); }
                #[webchannel(signal)]
                fn with_receiver(&self, a: u8);
                #[webchannel(signal)]
                fn opaque(value: impl Serialize, (x, y): (u8, u8));
                #[webchannel(signal)]
                fn generic<V: Serialize>(value: V) -> u8;
                fn unmarked(times: u32);
                #[webchannel(signal)]
                fn unmarked(other: u64);
            }
        },
    );
    let signals = text(
        impls_of(&items, "TSignals")
            .first()
            .expect("the signals' impl"),
    );
    for emitter in [
        "pub fn level_changd (& self , _ : impl :: core :: marker :: Sized , _ : impl :: core :: marker :: Sized)",
        "pub fn with_receiver (& self , _ : u8)",
        "pub fn opaque (& self , _ : impl Serialize , _ : (u8 , u8))",
        "pub fn generic < V : Serialize > (& self , _ : V)",
        "pub fn unmarked (& self , _ : u32)",
    ] {
        assert!(signals.contains(emitter), "{emitter} in {signals}");
    }
    assert_eq!(signals.matches("fn unmarked").count(), 1, "{signals}");
}

#[test]
fn every_bindable_getter_keeps_its_marking_method() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl T {
                #[webchannel(property, bindable, constant)]
                pub fn level(&self) -> u32 { 1 }
                #[cfg(feature = "speed")]
                #[webchannel(property, bindable)]
                pub fn speed(&self) -> u32 { 1 }
                #[webchannel(signal)]
                fn mark_speed_changed();
            }
        },
    );
    let signals = text(
        impls_of(&items, "TSignals")
            .first()
            .expect("the signals' impl"),
    );
    assert!(
        signals.contains("pub fn mark_level_changed (& self) { }"),
        "{signals}"
    );
    assert_eq!(
        signals.matches("fn mark_speed_changed").count(),
        1,
        "{signals}"
    );
}

#[test]
fn bodiless_fns_taking_self_get_stubs() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl T {
                #[webchannel(signal)]
                fn rang(&self, times: u32);
                pub fn value(&self) -> i64;
                #[webchannel(signal)]
                fn kept_as_emitter_only(times: u32);
            }
        },
    );
    assert_eq!(inherent_fns(&items, "T"), ["rang", "value"]);
    let block = text(&items[0]);
    assert!(
        block.contains("fn rang (& self , _ : u32) { loop { } }"),
        "{block}"
    );
}

#[test]
fn a_generic_impl_keeps_its_generics_bounded_for_object() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl<T: Clone> Store<T> {
                pub fn len(&self) -> usize { 0 }
            }
        },
    );
    let impls = impls_of(&items, "Store < T >");
    let object = impls
        .iter()
        .find(|block| block.contains("Object for Store < T >"))
        .expect("an Object impl");
    assert!(
        object.contains(
            "impl < T : Clone > :: webchannel :: __private :: Object for Store < T > where \
             Store < T > : :: core :: marker :: Send + :: core :: marker :: Sync + 'static"
        ),
        "{object}"
    );
    assert!(object.contains("type Signals = StoreSignals"), "{object}");
}

#[test]
fn an_unsafe_inherent_impl_is_kept_without_unsafe() {
    let items = fallback_items(TokenStream::new(), quote!(unsafe impl T {}));
    let Item::Impl(block) = &items[0] else {
        panic!("the impl block first");
    };
    assert!(block.unsafety.is_none());
}

#[test]
fn a_trait_impl_is_kept_and_its_type_is_an_object() {
    let items = fallback_items(
        TokenStream::new(),
        quote! {
            impl Clone for Thing {
                fn clone(&self) -> Self { Thing }
            }
        },
    );
    let impls = impls_of(&items, "Thing");
    assert!(impls[0].starts_with("impl Clone for Thing"), "{impls:?}");
    assert!(
        impls.iter().any(|block| block.contains("Object for Thing")),
        "{impls:?}"
    );
}

#[test]
fn other_items_are_kept_as_written() {
    let item = quote! {
        #[derive(Default)]
        pub struct Thing { value: u32 }
    };
    let items = fallback_items(TokenStream::new(), item.clone());
    assert_eq!(text(quote!(#(#items)*)), item.to_string());
}

#[test]
fn a_type_that_cannot_be_an_object_gets_no_object_impl() {
    let items = fallback_items(TokenStream::new(), quote!(impl dyn Trait { fn f(); }));
    assert_eq!(items.len(), 1, "the impl block alone");
}

#[test]
fn the_runtime_path_of_the_crate_argument_is_used() {
    let items = fallback_items(quote!(crate = "my::wc"), quote!(impl T { fn f(); }));
    let all = text(quote!(#(#items)*));
    assert!(
        all.contains("my :: wc :: __private :: Object for T"),
        "{all}"
    );
}
