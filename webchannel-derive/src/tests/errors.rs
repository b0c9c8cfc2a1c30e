//! Every mistake the macro detects, with the exact message the user reads.

use proc_macro2::TokenStream;
use quote::quote;

/// The messages of every error `expand` reports, in order.
fn errors_with(args: TokenStream, item: TokenStream) -> Vec<String> {
    match crate::expand(args, item) {
        Ok(tokens) => panic!("expected errors, got an expansion:\n{tokens}"),
        Err(rejected) => rejected
            .errors
            .into_iter()
            .map(|error| error.to_string())
            .collect(),
    }
}

fn errors(item: TokenStream) -> Vec<String> {
    errors_with(TokenStream::new(), item)
}

/// The message of the one error `item` causes.
#[track_caller]
fn error(item: TokenStream) -> String {
    let mut errors = errors(item);
    assert_eq!(errors.len(), 1, "expected exactly one error: {errors:#?}");
    errors.remove(0)
}

#[track_caller]
fn assert_expands(item: TokenStream) {
    if let Err(rejected) = crate::expand(TokenStream::new(), item) {
        let messages: Vec<String> = rejected.errors.into_iter().map(|e| e.to_string()).collect();
        panic!("expected an expansion, got {messages:#?}");
    }
}

#[test]
fn a_correct_object_expands() {
    assert_expands(quote! {
        impl Counter {
            #[webchannel(property, notify = value_changed)]
            pub fn value(&self) -> i64 { self.value }
            pub fn set_value(&mut self, value: i64, cx: &Context<Self>) {}
            #[webchannel(property, constant)]
            pub fn name(&self) -> String { String::new() }
            pub fn increment(&mut self, by: i64, cx: &webchannel::Context<Counter>) -> i64 { by }
            #[webchannel(name = "reset")]
            pub fn reset_to_zero(&mut self) {}
            pub async fn slow(&self) {}
            #[webchannel(skip)]
            pub fn helper(&self, x: &str) {}
            fn private(self) {}
            pub fn new() -> Self { Self::default() }
            #[webchannel(signal)]
            fn value_changed(value: i64);
            #[webchannel(signal)]
            pub fn ping(text: &str);
        }
    });
}

#[test]
fn duplicate_method_names() {
    assert_eq!(
        error(quote! {
            impl T {
                pub fn send_message(&self) {}
                #[webchannel(name = "sendMessage")]
                pub fn other(&self) {}
            }
        }),
        "the published name `sendMessage` is already taken by the method `send_message`; \
         rename one of them with `#[webchannel(name = \"...\")]`, or make them overloads by giving \
         each of them `#[webchannel(name = \"sendMessage\")]`"
    );
}

#[test]
fn names_collide_after_case_conversion() {
    assert_eq!(
        error(quote! {
            impl T {
                pub fn user_list(&self) {}
                #[allow(non_snake_case)]
                pub fn userList(&self) {}
            }
        }),
        "the published name `userList` is already taken by the method `user_list`; \
         rename one of them with `#[webchannel(name = \"...\")]`, or make them overloads by giving \
         each of them `#[webchannel(name = \"userList\")]`"
    );
}

#[test]
fn overloads_each_name_themselves_and_differ_in_parameters() {
    assert_expands(quote! {
        impl T {
            #[webchannel(name = "add")]
            pub fn add_one(&mut self) {}
            #[webchannel(name = "add")]
            pub fn add_number(&mut self, by: i64, cx: &Context<Self>) {}
            #[webchannel(name = "add")]
            pub fn add_text(&mut self, by: String) {}
            #[webchannel(name = "add")]
            pub async fn add_two(&self, a: i64, b: i64) {}
        }
    });
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(name = "add")]
                pub fn add_number(&mut self, by: i64) {}
                #[webchannel(name = "add")]
                pub fn add_other(&mut self, by: isize, cx: &Context<Self>) -> bool { true }
                #[webchannel(name = "add")]
                pub fn add_text(&mut self, text: String) {}
                #[webchannel(name = "add")]
                pub fn add_str(&mut self, text: Box<str>) {}
            }
        }),
        [
            "overload `add(qlonglong)` is ambiguous: `add_number` has the same parameters; \
             overloads differ in the number or the Qt types of their parameters",
            "overload `add(QString)` is ambiguous: `add_text` has the same parameters; \
             overloads differ in the number or the Qt types of their parameters",
        ]
    );
    // An implicit name cannot be overloaded, nor a property or a signal.
    assert_eq!(
        errors(quote! {
            impl T {
                pub fn add(&mut self) {}
                #[webchannel(name = "add")]
                pub fn add_number(&mut self, by: i64) {}
                #[webchannel(property, constant, name = "total")]
                pub fn total(&self) -> i64 { 0 }
                #[webchannel(name = "total")]
                pub fn total_of(&self, group: String) -> i64 { 0 }
            }
        }),
        [
            "the published name `add` is already taken by the method `add`; rename one of \
             them with `#[webchannel(name = \"...\")]`, or make them overloads by giving each \
             of them `#[webchannel(name = \"add\")]`",
            "the published name `total` is already taken by the property `total`; rename one \
             of them with `#[webchannel(name = \"...\")]`",
        ]
    );
}

#[test]
fn enums_are_listed_once_by_plain_paths() {
    assert!(crate::expand(quote!(enums(Mode, fan::Speed)), quote!(impl T {})).is_ok());
    let empty = crate::expand(quote!(enums(), crate = "x"), quote!(impl T {}));
    assert!(
        empty.is_ok(),
        "{:?}",
        empty.err().map(|e| e.errors.to_string())
    );
    let usage = "`enums` lists the published enums by type: `enums(Mode, fan::Speed)`, each \
                 deriving `webchannel::Enum`";
    assert_eq!(
        errors_with(quote!(enums(Mode = 1)), quote!(impl T {})),
        [usage]
    );
    assert_eq!(
        errors_with(quote!(enums("Mode")), quote!(impl T {})),
        [usage]
    );
    assert_eq!(
        errors_with(quote!(enums(Vec<u8>)), quote!(impl T {})),
        [
            "a published enum is named by a plain path (`Mode`, `fan::Speed`), without generic \
          arguments"
        ]
    );
    assert_eq!(
        errors_with(quote!(enums = Mode), quote!(impl T {})),
        [usage]
    );
    assert_eq!(
        errors_with(quote!(enums(Mode, a::Mode)), quote!(impl T {})),
        ["an enum named `Mode` is already listed in `enums(...)`"]
    );
    assert_eq!(
        errors_with(quote!(enums(A), enums(B)), quote!(impl T {})),
        ["`enums` is given twice; list every enum in one `enums(...)`"]
    );
}

#[test]
fn a_method_may_not_take_a_property_name() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, constant)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(name = "value")]
                pub fn get(&self) -> i64 { 1 }
            }
        }),
        "the published name `value` is already taken by the property `value`; \
         rename one of them with `#[webchannel(name = \"...\")]`"
    );
}

#[test]
fn duplicate_property_and_signal_names() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(property, constant)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(property, constant, name = "value")]
                pub fn other(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn changed();
                #[webchannel(signal, name = "changed")]
                fn changed_again();
            }
        }),
        [
            "the published name `value` is already taken by the property `value`; \
             rename one of them with `#[webchannel(name = \"...\")]`",
            "the published name `changed` is already taken by the signal `changed`; \
             rename one of them with `#[webchannel(name = \"...\")]`",
        ]
    );
}

#[test]
fn reserved_names() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(signal)]
                fn destroyed();
                pub fn property_update(&self) {}
            }
        }),
        [
            "`destroyed` cannot be published: every object already has a `destroyed` signal; \
             choose another name with `#[webchannel(name = \"...\")]`",
            "`propertyUpdate` cannot be published: the JavaScript client's object proxy uses \
             this name itself; choose another name with `#[webchannel(name = \"...\")]`",
        ]
    );
}

#[test]
fn names_must_be_identifiers() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(name = "do it")]
                pub fn run(&self) {}
            }
        }),
        "`name` must be a JavaScript identifier: ASCII letters, digits, `_` or `$`, \
         not starting with a digit"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(name = reset)]
                pub fn run(&self) {}
            }
        }),
        "`name` takes the published name as a string: `name = \"reset\"`"
    );
}

#[test]
fn a_property_needs_notify_or_constant() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property)]
                pub fn user_list(&self) -> Vec<String> { Vec::new() }
            }
        }),
        "a property needs a change signal, `bindable` or `constant`: \
         `#[webchannel(property, notify = user_list_changed)]`, \
         `#[webchannel(property, bindable)]` (changes announced with \
         `mark_user_list_changed()`) or `#[webchannel(property, constant)]`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = changed, constant)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn changed();
            }
        }),
        "a property is either `constant` or has a `notify` signal, not both"
    );
}

#[test]
fn bindable_excludes_notify_and_constant_and_names_its_method() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(property, bindable, notify = changed)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(property, bindable, constant)]
                pub fn name(&self) -> String { String::new() }
                #[webchannel(property, bindable)]
                pub fn level(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn changed();
                #[webchannel(signal)]
                fn mark_level_changed();
            }
        }),
        [
            "`bindable` is for a property without a notify signal, and this one has \
             `notify = changed`: keep one of them",
            "a `constant` property never changes, so it is not `bindable`: keep one of them",
            "`mark_level_changed` is the method generated to announce changes of the bindable \
             property `level`; give this signal another name",
        ]
    );
    assert_expands(quote! {
        impl T {
            #[webchannel(property, bindable)]
            pub fn level(&self) -> i64 { 1 }
            pub fn set_level(&mut self, level: i64) {}
        }
    });
}

#[test]
fn notify_must_name_a_signal_of_the_impl() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = value_changed)]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "no signal `value_changed` in this impl: declare it as \
         `#[webchannel(signal)] fn value_changed(...);`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = valeu_changed)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn value_changed(value: i64);
                #[webchannel(signal)]
                fn reset();
            }
        }),
        "no signal `valeu_changed` in this impl; did you mean `value_changed`? Otherwise \
         declare it as `#[webchannel(signal)] fn valeu_changed(...);`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = describe)]
                pub fn value(&self) -> i64 { 1 }
                pub fn describe(&self) -> String { String::new() }
            }
        }),
        "`describe` is not a signal: `notify` names a signal declared in this impl as \
         `#[webchannel(signal)] fn describe(...);`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = "value_changed")]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "`notify` takes the Rust name of a signal declared in this impl: \
         `notify = value_changed`"
    );
}

#[test]
fn a_notify_signal_carries_nothing_or_the_new_value() {
    assert_expands(quote! {
        impl T {
            #[webchannel(property, notify = a_changed)]
            pub fn a(&self) -> String { String::new() }
            #[webchannel(property, notify = b_changed)]
            pub fn b(&self) -> Vec<u8> { Vec::new() }
            #[webchannel(property, notify = c_changed)]
            pub fn c(&self) -> i64 { 1 }
            #[webchannel(signal)]
            fn a_changed(value: &str);
            #[webchannel(signal)]
            fn b_changed(value: &Vec<u8>);
            #[webchannel(signal)]
            fn c_changed();
        }
    });
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(property, notify = changed)]
                pub fn value(&self) -> i64 { 1 }
                #[webchannel(property, notify = moved)]
                pub fn place(&self) -> i64 { 1 }
                #[webchannel(signal)]
                fn changed(value: i32);
                #[webchannel(signal)]
                fn moved(from: i64, to: i64);
            }
        }),
        [
            "the notify signal `changed` carries `(value: i32)`, but a notify signal carries \
             nothing or the property's new value: `fn changed();` or `fn changed(value: i64);`",
            "the notify signal `moved` carries `(from: i64, to: i64)`, but a notify signal \
             carries nothing or the property's new value: `fn moved();` or \
             `fn moved(value: i64);`",
        ]
    );
}

#[test]
fn a_notify_signal_is_compiled_wherever_its_property_is() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = changed)]
                pub fn value(&self) -> i64 { 1 }
                #[cfg(feature = "x")]
                #[webchannel(signal)]
                fn changed();
            }
        }),
        "the notify signal `changed` is compiled only under a `#[cfg]` that property `value` \
         does not have; give the property the same `#[cfg]`"
    );
    assert_expands(quote! {
        impl T {
            #[cfg(feature = "x")]
            #[doc = "docs between cfgs"]
            #[cfg(unix)]
            #[webchannel(property, notify = changed)]
            pub fn value(&self) -> i64 { 1 }
            #[cfg(feature = "x")]
            #[webchannel(signal)]
            fn changed();
        }
    });
}

#[test]
fn property_getters_are_plain_shared_getters() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(property, constant)]
                pub fn a(&mut self) -> i64 { 1 }
                #[webchannel(property, constant)]
                pub fn b(&self, x: i64) -> i64 { x }
                #[webchannel(property, constant)]
                pub fn c(&self) {}
                #[webchannel(property, constant)]
                pub async fn d(&self) -> i64 { 1 }
                #[webchannel(property, constant)]
                fn e(&self) -> i64 { 1 }
                #[webchannel(property, constant)]
                pub fn f() -> i64 { 1 }
            }
        }),
        [
            "a property getter takes `&self`: `pub fn a(&self) -> i64`",
            "a property getter takes no parameters besides `&self`: `pub fn b(&self) -> i64`",
            "a property getter returns the property's value: `pub fn c(&self) -> T`",
            "a property getter cannot be `async`: property values are read at once",
            "a property getter must be `pub`: only `pub` fns are published",
            "a property getter takes `&self`: `pub fn f(&self) -> i64`",
        ]
    );
}

#[test]
fn signal_declarations() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(signal)]
                fn with_body(x: i64) {}
                #[webchannel(signal)]
                fn with_receiver(&self, x: i64);
                #[webchannel(signal)]
                fn generic<X>(x: X);
                #[webchannel(signal)]
                fn returns(x: i64) -> bool;
                #[webchannel(signal)]
                async fn later();
                #[webchannel(signal)]
                const fn constant();
                #[webchannel(signal)]
                fn opaque(x: impl Serialize);
                #[webchannel(signal)]
                fn destructured((a, b): (i64, i64));
                #[webchannel(signal)]
                fn with_context(cx: &Context<Self>);
            }
        }),
        [
            "a signal is declared without a body: `fn with_body(x: i64);`; the macro generates \
             the emitter",
            "a signal declaration takes no `self`: `fn with_receiver(x: i64);`, emitted \
             with `cx.with_receiver(...)` or `handle.with_receiver(...)`",
            "signals cannot be generic: their arguments have concrete types",
            "a signal returns nothing: remove the return type",
            "a signal declaration cannot be `async`",
            "a signal declaration cannot be `const`",
            "signal arguments need concrete types, not `impl Trait`",
            "signal arguments are plain names: `value: i64`",
            "a signal carries data only; a `Context` is injected into methods, not signals",
        ]
    );
}

#[test]
fn a_declaration_without_signal_is_an_error() {
    assert_eq!(
        error(quote! {
            impl T {
                fn value_changed(value: i64);
            }
        }),
        "`fn value_changed` has no body: mark a signal declaration with \
         `#[webchannel(signal)]`, or give the fn a body"
    );
}

#[test]
fn methods_borrow_self() {
    assert_eq!(
        errors(quote! {
            impl T {
                pub fn consume(self) {}
                pub fn boxed(self: Box<Self>) {}
            }
        }),
        [
            "published methods take `&self` or `&mut self`; mark the fn \
             `#[webchannel(skip)]` to keep it unpublished",
            "published methods take `&self` or `&mut self`; mark the fn \
             `#[webchannel(skip)]` to keep it unpublished",
        ]
    );
}

#[test]
fn methods_have_concrete_owned_parameters() {
    assert_eq!(
        errors(quote! {
            impl T {
                pub fn generic<X: Serialize>(&self, x: X) {}
                pub fn opaque(&self, x: impl Deserialize) {}
                pub fn nested(&self, x: Vec<impl Deserialize>) {}
                pub fn borrowed(&self, x: &str) {}
                pub unsafe fn dangerous(&self) {}
            }
        }),
        [
            "a published method cannot be generic: clients send JSON that is read as concrete \
             types; mark the fn `#[webchannel(skip)]` to keep it unpublished",
            "`impl Trait` parameters are not supported: use a concrete type that implements \
             `serde::Deserialize`",
            "`impl Trait` parameters are not supported: use a concrete type that implements \
             `serde::Deserialize`",
            "parameters are deserialized from the client's JSON, so they are owned types \
             (`String` rather than `&str`); only `&Context<Self>` is borrowed",
            "a published method cannot be `unsafe`: clients call it",
        ]
    );
}

#[test]
fn at_most_one_context() {
    assert_eq!(
        errors(quote! {
            impl T {
                pub fn twice(&self, a: &Context<Self>, b: &Context<Self>) {}
                pub fn exclusive(&self, a: &mut Context<Self>) {}
                pub fn owned(&self, a: webchannel::Context<Self>) {}
            }
        }),
        [
            "a method takes at most one `&Context<Self>`",
            "the context is borrowed shared: take it as `&Context<Self>`",
            "the context is borrowed shared: take it as `&Context<Self>`",
        ]
    );
}

#[test]
fn unknown_options_list_the_accepted_ones() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(propery)]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "unknown webchannel option `propery`; did you mean `property`? Expected one of: \
         `property`, `signal`, `cluster`, `skip`, `name = \"...\"`, `notify = <signal fn>`, \
         `constant`, `bindable`, `on_disconnect`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(readonly)]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "unknown webchannel option `readonly`; expected one of: `property`, `signal`, \
         `cluster`, `skip`, `name = \"...\"`, `notify = <signal fn>`, `constant`, \
         `bindable`, `on_disconnect`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, property, constant)]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "`property` is given twice"
    );
}

#[test]
fn misplaced_options() {
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(notify = changed)]
                pub fn a(&self) -> i64 { 1 }
                #[webchannel(constant)]
                pub fn b(&self) -> i64 { 1 }
                #[webchannel(skip, name = "c")]
                pub fn c(&self) {}
                #[webchannel(property, signal)]
                fn d();
                #[webchannel(skip)]
                fn e(&self) {}
                #[webchannel(name = "f")]
                fn f(&self) {}
                #[webchannel(name = "g")]
                pub fn g() {}
                #[webchannel(skip)]
                const X: i32 = 1;
            }
        }),
        [
            "`notify` applies to properties only: `#[webchannel(property, notify = changed)]`",
            "`constant` applies to properties only: `#[webchannel(property, constant)]`",
            "`skip` leaves the fn unpublished and takes no other webchannel option",
            "a fn is either a `property` getter or a `signal` declaration, not both",
            "`skip` is not needed here: only `pub` fns are published, private fns never are",
            "`name` has no effect on a private fn: only `pub` fns are published",
            "`name` has no effect here: associated fns without `self` are not published; \
             published methods take `&self` or `&mut self`",
            "#[webchannel(...)] goes on fns only: methods, property getters and signals",
        ]
    );
}

#[test]
fn macro_arguments() {
    assert_eq!(
        errors_with(quote!(krate = "x"), quote!(impl T {})),
        [
            "unknown argument `krate` to #[webchannel::object]; the accepted arguments are \
             `crate = \"path::to::webchannel\"` and `enums(MyEnum, ...)`"
        ]
    );
    assert_eq!(
        errors_with(quote!(crate = "not a path"), quote!(impl T {})),
        [
            "`crate` takes the path to the webchannel crate as a string: \
          `crate = \"my_crate::webchannel\"`"
        ]
    );
    assert_eq!(
        errors_with(quote!(crate = my::webchannel), quote!(impl T {})),
        [
            "`crate` takes the path to the webchannel crate as a string: \
          `crate = \"my_crate::webchannel\"`"
        ]
    );
    assert!(crate::expand(quote!(crate = "my::webchannel"), quote!(impl T {})).is_ok());
    assert!(crate::expand(quote!(crate = "::webchannel",), quote!(impl T {})).is_ok());
}

#[test]
fn only_inherent_impls() {
    assert_eq!(
        error(quote!(impl Clone for T { fn clone(&self) -> Self { T } })),
        "#[webchannel::object] goes on an inherent impl block (`impl MyType { ... }`), \
         not on a trait impl"
    );
    assert_eq!(
        error(quote!(
            struct T;
        )),
        "#[webchannel::object] goes on an inherent impl block (`impl MyType { ... }`), \
         not on a struct"
    );
    assert_eq!(
        error(quote!(
            fn f() {}
        )),
        "#[webchannel::object] goes on an inherent impl block (`impl MyType { ... }`), \
         not on a fn"
    );
    assert_eq!(errors(quote!(impl)).len(), 1);
    assert_eq!(errors(TokenStream::new()).len(), 1);
}

#[test]
fn no_generic_impls() {
    assert_eq!(
        errors(quote!(
            impl<X> Store<X> {}
        )),
        // The generic arguments of `Store<X>` are the same mistake: no second error.
        [
            "generic impl blocks cannot be published; publish a concrete type, for example \
             through an alias: `type IntStore = Store<i32>;` and `impl IntStore { ... }`",
        ]
    );
    assert_eq!(
        error(quote!(impl Store<i32> {})),
        "#[webchannel::object] needs a plain type name such as `impl Counter`; generic \
         types are not supported, but an alias of a concrete type is \
         (`type IntStore = Store<i32>;`)"
    );
    assert_eq!(
        error(quote!(impl [u8] {})),
        "#[webchannel::object] needs a plain type name such as `impl Counter`; generic \
         types are not supported, but an alias of a concrete type is \
         (`type IntStore = Store<i32>;`)"
    );
    assert_expands(quote!(impl crate::model::Counter {}));
}

#[test]
fn setters() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = value_changed)]
                pub fn value(&self) -> i64 { 1 }
                pub fn set_value(&mut self, value: i32) {}
                #[webchannel(signal)]
                fn value_changed();
            }
        }),
        "setter `set_value` takes `i32` but property `value` is `i64`"
    );
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(property, notify = changed)]
                pub fn a(&self) -> i64 { 1 }
                pub fn set_a(&self, value: i64) {}
                #[webchannel(property, notify = changed)]
                pub fn b(&self) -> i64 { 1 }
                pub fn set_b(&mut self) {}
                #[webchannel(property, notify = changed)]
                pub fn c(&self) -> i64 { 1 }
                pub fn set_c(&mut self, value: i64, extra: bool) {}
                #[webchannel(property, notify = changed)]
                pub fn d(&self) -> i64 { 1 }
                pub fn set_d(&mut self, value: i64) -> bool { true }
                #[webchannel(property, notify = changed)]
                pub fn e(&self) -> i64 { 1 }
                #[webchannel(name = "setE")]
                pub async fn set_e(&mut self, value: i64) {}
                #[webchannel(signal)]
                fn changed();
            }
        }),
        [
            "a property setter takes `&mut self`: `pub fn set_a(&mut self, value: T)`",
            "setter `set_b` takes the new value as its one parameter (besides an optional \
             `&Context<Self>`): `pub fn set_b(&mut self, value: i64)`",
            "setter `set_c` takes the new value as its one parameter (besides an optional \
             `&Context<Self>`)",
            "a property setter returns nothing or a `Result<(), E>` whose `Err` rejects the \
             write",
            "`name` goes on the getter of property `e`; its setter is not published under a \
             name of its own",
            "a property setter cannot be `async`",
        ]
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, constant)]
                pub fn name(&self) -> String { String::new() }
                pub fn set_name(&mut self, name: String) {}
            }
        }),
        "property `name` is `constant`, so it cannot have a setter; remove `constant` (and \
         give it a `notify` signal) or mark `set_name` `#[webchannel(skip)]`"
    );
    // A skipped or private `set_<name>` is an ordinary fn.
    assert_expands(quote! {
        impl T {
            #[webchannel(property, constant)]
            pub fn name(&self) -> String { String::new() }
            #[webchannel(skip)]
            pub fn set_name(&mut self, name: String) {}
            #[webchannel(property, constant)]
            pub fn other(&self) -> String { String::new() }
            fn set_other(&mut self, name: &str) {}
        }
    });
    // A setter may take the context and return a `Result`.
    assert_expands(quote! {
        impl T {
            #[webchannel(property, notify = changed)]
            pub fn value(&self) -> Vec<String> { Vec::new() }
            pub fn set_value(&mut self, cx: &Context<Self>, v: Vec<String>) -> Result<(), String> { Ok(()) }
            #[webchannel(signal)]
            fn changed();
        }
    });
}

#[test]
fn disconnect_hooks() {
    assert_expands(quote! {
        impl T {
            #[webchannel(on_disconnect)]
            fn gone(&mut self, cx: &Context<Self>) {}
        }
    });
    assert_expands(quote! {
        impl T {
            #[webchannel(on_disconnect)]
            pub async fn gone(&self) -> () {}
        }
    });
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(on_disconnect)]
                fn a(self) {}
                #[webchannel(on_disconnect)]
                fn b(&self) {}
            }
        }),
        [
            "the `on_disconnect` fn takes `&self` or `&mut self`: \
             `fn a(&mut self, cx: &Context<Self>)`",
            "an impl has at most one `on_disconnect` fn; `a` already is one",
        ]
    );
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(on_disconnect)]
                fn a() {}
            }
        }),
        ["the `on_disconnect` fn takes `&self` or `&mut self`: \
          `fn a(&mut self, cx: &Context<Self>)`"]
    );
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(on_disconnect)]
                fn a<X>(&self, user: String, cx: &mut Context<Self>) -> bool;
            }
        }),
        [
            "the `on_disconnect` fn needs a body: `fn a(&mut self, cx: &Context<Self>)` { ... }",
            "the `on_disconnect` fn cannot be generic: `fn a(&mut self, cx: &Context<Self>)`",
            "the `on_disconnect` fn takes no parameters besides the receiver and an optional \
             `&Context<Self>` (the session that ended): `fn a(&mut self, cx: &Context<Self>)`",
            "the context is borrowed shared: take it as `&Context<Self>`",
            "the `on_disconnect` fn returns nothing: no client waits for its result",
        ]
    );
    assert_eq!(
        errors(quote! {
            impl T {
                #[webchannel(on_disconnect, name = "bye")]
                fn a(&self) {}
                #[webchannel(on_disconnect, skip)]
                pub fn b(&self) {}
                #[webchannel(on_disconnect, on_disconnect)]
                fn c(&self) {}
            }
        }),
        [
            "`on_disconnect` marks the fn called when a client disconnects; it is not \
             published and takes no other webchannel option",
            "`skip` leaves the fn unpublished and takes no other webchannel option",
            "`on_disconnect` is given twice",
            "an impl has at most one `on_disconnect` fn; `a` already is one",
        ]
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let errors = errors(quote! {
        impl T {
            #[webchannel(bogus)]
            pub fn a(&self) {}
            #[webchannel(property)]
            pub fn b(&self) -> i64 { 1 }
            pub fn c(self) {}
        }
    });
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        quote!(),
        quote!(impl),
        quote!(impl T),
        quote!(impl T { fn }),
        quote!(impl T { fn f(); }),
        quote!(impl T { #[webchannel] pub fn f(&self) {} }),
        quote!(impl T { #[webchannel = "x"] pub fn f(&self) {} }),
        quote!(impl T { #[webchannel()] pub fn f(&self) {} }),
        quote!(impl T { #[webchannel(name)] pub fn f(&self) {} }),
        quote!(impl T { #[webchannel(notify)] pub fn f(&self) {} }),
        quote!(impl T { #[webchannel(signal)] fn _(); }),
        quote!(impl T { #[webchannel(signal)] fn s(_: i64, r#type: i64); }),
        quote!(impl T { #[webchannel(signal)] fn s(...); }),
        quote!(impl T { pub fn r#type(&self) -> r#type {} }),
        quote!(impl T { pub fn f(&self, (a, b): (i64, i64), _: u8) {} }),
        quote!(impl T { #[webchannel(property, notify = r#type)] pub fn r#type(&self) -> i64 { 1 } #[webchannel(signal)] fn r#type(); }),
        quote!(impl T { const fn x() {} type Y = u8; x!(); }),
        quote!(impl T { pub fn f(&self) -> impl Serialize { 1 } #[webchannel(property, constant)] pub fn g(&self) -> impl Serialize { 1 } }),
        quote!(impl ::T { pub fn f(&self) -> io::Result<u8> { Ok(1) } pub fn g(&self) -> Result { todo!() } }),
        quote!(unsafe impl T {}),
        quote!(impl T where T: Sized {}),
        quote!(impl dyn Trait {}),
        quote!(
            impl<'a> T<'a> {}
        ),
        quote!(
            enum E {}
        ),
        quote!(
            trait X {}
        ),
    ];
    for input in inputs {
        let _ = crate::expand(TokenStream::new(), input);
        let _ = crate::expand(quote!(crate = "x", crate = "y", z), quote!(impl T {}));
    }
}

#[test]
fn cluster_goes_on_signals_that_notify_no_property() {
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(cluster)]
                pub fn value(&self) -> i64 { 1 }
            }
        }),
        "`cluster` applies to signals only: `#[webchannel(signal, cluster)]`"
    );
    assert_eq!(
        error(quote! {
            impl T {
                #[webchannel(property, notify = changed)]
                pub fn value(&self) -> i64 { 1 }

                #[webchannel(signal, cluster)]
                fn changed();
            }
        }),
        "`changed` notifies property `value`, so it cannot be a `cluster` signal: a property \
         change is this instance's state, told to this instance's clients. Share the state \
         across instances (a `ClaimSet`, say) and emit the notify signal on each"
    );
}
