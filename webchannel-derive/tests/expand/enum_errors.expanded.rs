#[derive(Clone, Copy, webchannel::Enum)]
pub enum Shape {
    Point,
    Circle(f64),
    Square = SIDE,
}
::core::compile_error! {
    "a published enum's variants carry no data: `Circle` or `Circle = 3`"
}
::core::compile_error! {
    "a published enum's discriminant is an integer literal (`On = 1`, `Below = -1`), so that the macro knows the value clients see"
}
const _: () = {
    #[automatically_derived]
    impl ::webchannel::__private::serde::Serialize for Shape {
        fn serialize<__S: ::webchannel::__private::serde::Serializer>(
            &self,
            _: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            loop {}
        }
    }
    #[automatically_derived]
    impl<'de> ::webchannel::__private::serde::Deserialize<'de> for Shape {
        fn deserialize<__D: ::webchannel::__private::serde::Deserializer<'de>>(
            _: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            loop {}
        }
    }
    #[automatically_derived]
    impl ::webchannel::__private::PublishedEnum for Shape {
        const META: ::webchannel::__private::EnumMeta = ::webchannel::__private::EnumMeta {
            name: "Shape",
            values: &[],
        };
    }
};
