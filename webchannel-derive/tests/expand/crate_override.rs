// `crate = "..."`: every runtime path goes through the re-export. Also: an async
// `&mut self` method, a setter that returns `Result` and takes the context first, and a
// method returning `io::Result` (whose error type is inferred).
pub struct Store {
    items: Vec<String>,
}

#[my_framework::webchannel::object(crate = "my_framework::webchannel")]
impl Store {
    #[webchannel(property, notify = items_changed)]
    pub fn items(&self) -> Vec<String> {
        self.items.clone()
    }

    pub fn set_items(&mut self, cx: &Context<Self>, items: Vec<String>) -> Result<(), String> {
        self.items = items;
        cx.items_changed();
        Ok(())
    }

    pub async fn push_later(&mut self, item: String) {
        self.items.push(item);
    }

    pub fn save(&self, path: String) -> std::io::Result<()> {
        std::fs::write(path, self.items.join("\n"))
    }

    #[webchannel(signal)]
    fn items_changed();
}
