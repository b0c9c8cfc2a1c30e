//! `Published<T>` as the runtime sees it: the [`ErasedObject`] interface sessions call,
//! turned into calls of the generated [`Object`] implementation of `T`.

use std::any::Any;
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::error::{InvokeError, InvokeErrorKind};
use crate::protocol::json::JsonBuf;

use super::call::{Args, ValueOut};
use super::caller::Caller;
use super::erased::{BoxFuture, ErasedObject, Found, Invocation, ObjectCore, ReadError};
use super::typed::{Context, Handle, Object, Published};

impl<T: Object> ErasedObject for Published<T> {
    fn core(&self) -> &ObjectCore {
        Published::core(self)
    }

    fn invoke(self: Arc<Self>, method: usize, args: &[&RawValue], caller: &Caller) -> Invocation {
        let Some(meta) = T::META.methods.get(method) else {
            return Invocation::failed(InvokeError::new(
                InvokeErrorKind::UnknownMethod,
                format!("{} has no method at position {method}", self.core().name()),
            ));
        };
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), caller.clone());
        let args = Args::new(args, handle.name(), meta);
        T::invoke(&handle, method, args, cx)
    }

    fn write_property(
        self: Arc<Self>,
        property: usize,
        value: &RawValue,
        caller: &Caller,
    ) -> Invocation {
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), caller.clone());
        T::write_property(&handle, property, value, cx)
    }

    fn disconnected(self: Arc<Self>, caller: &Caller) -> Option<Invocation> {
        let handle = Handle(self);
        let cx = Context::new(handle.clone(), caller.clone());
        T::disconnected(&handle, cx)
    }

    fn read_property(
        &self,
        property: usize,
        out: &mut JsonBuf,
        found: &mut Found,
    ) -> Result<(), ReadError> {
        let state = self.state().try_read().map_err(|_| ReadError::Busy)?;
        let mark = out.len();
        state
            .read_property(property, &mut ValueOut::new(out, found))
            .map_err(|error| {
                out.truncate(mark);
                ReadError::Failed(error)
            })
    }

    fn readable(self: Arc<Self>) -> BoxFuture<()> {
        Box::pin(async move {
            drop(self.state().read().await);
        })
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}
