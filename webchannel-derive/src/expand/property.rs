//! Properties: their metadata, `Object::read_property`, which calls the getter, and
//! `Object::write_property`, which calls the setter or refuses a read-only property.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::position::{Position, Table, by_position, cfg_predicate};
use super::tokens::{call_at, private};
use super::type_meta::type_meta;
use crate::model::{Arg, Object, Property, Setter};
use crate::types::contains_impl_trait;

/// `PropertyMeta { ... }`; `signals` are the positions of the signals, which `notify`
/// refers to.
pub(super) fn property_meta(
    object: &Object,
    property: &Property,
    signals: &[Position],
) -> TokenStream {
    let p = private(object);
    let cfgs = &property.copied.cfgs;
    let name = &property.name;
    let notify = match property.notify.and_then(|signal| signals.get(signal)) {
        Some(position) => {
            let position = position.expr();
            quote!(::core::option::Option::Some(#position))
        }
        None => quote!(::core::option::Option::None),
    };
    let constant = property.constant;
    let writable = match &property.setter {
        None => quote!(false),
        Some(setter) => match cfg_predicate(&setter.cfgs) {
            None => quote!(true),
            Some(predicate) => quote!(::core::cfg!(#predicate)),
        },
    };
    let ty = type_meta(object, &property.ty);
    let docs = &property.copied.doc_text;
    quote! {
        #(#cfgs)*
        #p::PropertyMeta {
            name: #name,
            notify: #notify,
            constant: #constant,
            writable: #writable,
            ty: #ty,
            docs: #docs,
        }
    }
}

/// `fn read_property`: one match arm per property position.
pub(super) fn read_property(object: &Object) -> TokenStream {
    let p = private(object);
    let unknown = Table::Properties.unknown(object);
    let body = by_position(
        Table::Properties,
        object.properties.iter().map(|property| &property.copied),
        quote!(::core::result::Result::Err(#unknown)),
        |index, pattern, _| {
            let property = &object.properties[index];
            let cfgs = &property.copied.cfgs;
            let getter = &property.getter;
            let ty = &property.ty;
            let write = if contains_impl_trait(ty) {
                quote!(__webchannel_out.write(&Self::#getter(self)))
            } else {
                call_at(
                    ty.span(),
                    quote!(#p::ValueOut::write),
                    Some(quote!(#ty)),
                    quote!(__webchannel_out, &Self::#getter(self)),
                )
            };
            quote! {
                #(#cfgs)*
                #pattern => #write,
            }
        },
    );
    quote! {
        fn read_property(
            &self,
            __webchannel_property: usize,
            __webchannel_out: &mut #p::ValueOut<'_>,
        ) -> ::core::result::Result<(), #p::InvokeError> {
            #body
        }
    }
}

/// `fn write_property`: writable properties call their setter, the others are read-only.
pub(super) fn write_property(object: &Object) -> TokenStream {
    let p = private(object);
    let unknown = Table::Properties.unknown(object);
    let body = by_position(
        Table::Properties,
        object.properties.iter().map(|property| &property.copied),
        quote!(#p::Invocation::failed(#unknown)),
        |index, pattern, position| {
            write_arm(object, &object.properties[index], pattern, &position.expr())
        },
    );
    quote! {
        fn write_property(
            __webchannel_object: &#p::Handle<Self>,
            __webchannel_property: usize,
            __webchannel_value: &#p::RawValue,
            __webchannel_cx: #p::Context<Self>,
        ) -> #p::Invocation {
            #body
        }
    }
}

/// The `write_property` arm of `property` (at `pattern`, the position `position`): its
/// setter's call, or a read-only error where it has none.
fn write_arm(
    object: &Object,
    property: &Property,
    pattern: &TokenStream,
    position: &TokenStream,
) -> TokenStream {
    let cfgs = &property.copied.cfgs;
    let read_only = read_only(object, property);
    let Some(setter) = &property.setter else {
        return quote! {
            #(#cfgs)*
            #pattern => #read_only,
        };
    };
    let setter_cfgs = &setter.cfgs;
    let write = setter_call(object, property, setter, position);
    // Where the setter is compiled out, the property is read-only.
    let read_only_arm = cfg_predicate(setter_cfgs).map(|predicate| {
        quote! {
            #(#cfgs)*
            #[cfg(not(#predicate))]
            #pattern => #read_only,
        }
    });
    quote! {
        #(#cfgs)*
        #(#setter_cfgs)*
        #pattern => #write
        #read_only_arm
    }
}

/// The `Invocation` refusing a write to a property without a setter.
fn read_only(object: &Object, property: &Property) -> TokenStream {
    let p = private(object);
    let message = format!(
        "property `{}` of {} is read-only",
        property.name, object.type_name
    );
    quote! {
        #p::Invocation::failed(#p::InvokeError::new(
            #p::InvokeErrorKind::ReadOnlyProperty,
            #message,
        ))
    }
}

/// Reads the written value as the setter's parameter type, then calls the setter under
/// the object's write lock.
fn setter_call(
    object: &Object,
    property: &Property,
    setter: &Setter,
    position: &TokenStream,
) -> TokenStream {
    let p = private(object);
    let setter_ident = &setter.ident;
    let mut value_ty = &property.ty;
    let call_args = setter.args.iter().map(|arg| match arg {
        Arg::Context => quote!(&__webchannel_cx),
        Arg::Param(param) => {
            value_ty = &param.ty;
            quote!(__webchannel_value)
        }
    });
    let call_args: Vec<_> = call_args.collect();
    let call = quote!(Self::#setter_ident(__webchannel_this, #(#call_args),*));
    let mut reply = if setter.returns_result {
        quote!(#p::reply_result(#call))
    } else {
        quote!({
            #call;
            ::core::result::Result::Ok(#p::Reply::null())
        })
    };
    // A bindable property has no signal for the setter to emit: a write that succeeds
    // marks it changed, so every client (the writer too) gets the value that was kept.
    if let Some(mark) = &property.mark {
        reply = quote!({
            let __webchannel_reply = #reply;
            if __webchannel_reply.is_ok() {
                __webchannel_cx.#mark();
            }
            __webchannel_reply
        });
    }
    quote! {
        {
            let __webchannel_value: #value_ty = match #p::property_value::<#value_ty>(
                __webchannel_value,
                &<Self as #p::Object>::META.properties[#position],
            ) {
                ::core::result::Result::Ok(__webchannel_value) => __webchannel_value,
                ::core::result::Result::Err(__webchannel_error) => {
                    return #p::Invocation::failed(__webchannel_error);
                }
            };
            #p::call_mut(__webchannel_object, move |__webchannel_this: &mut Self| #reply)
        }
    }
}
